/* Unpacking one layer into the store in a worker process: the parent hands
 * it an fd of compressed bytes (a pipe fed by a download, or a blob file),
 * the worker (in the store's user namespace when rootless) unpacks into a
 * temp dir, checks the diff-id, and the parent renames the dir into
 * layers/ once everything is verified. */
#ifndef BENTO_ENGINE_LAYER_H
#define BENTO_ENGINE_LAYER_H

#include "engine/store.h"
#include "engine/unpack.h"

struct layer_job
{
  const char *diff_id; /* expected */
  bool hash_only;      /* the layer is present: only check the stream */
  bool defer_commit;   /* finish leaves the dir in tmp: layer_job_commit */
  /* set by layer_job_start */
  pid_t pid;
  int result_fd;
  char *tmp_rel;       /* tmp/<pid>-layer-<rand> */
  struct unpack_result res;
};

/* Start a worker reading IN_FD (which the caller then closes on its side). */
int layer_job_start (struct store *s, struct layer_job *j, int in_fd, bento_err *err);
/* Wait for it; on success the layer is in layers/ (or was already). */
int layer_job_finish (struct store *s, struct layer_job *j, bento_err *err);
/* Rename a finished deferred job's dir into layers/. */
int layer_job_commit (struct store *s, struct layer_job *j, bento_err *err);
/* Kill and reap a started job, removing what it left (error paths). */
void layer_job_abort (struct store *s, struct layer_job *j);

/* Unpack the stored blob DIGEST as layer DIFF_ID (load, and re-creating a
 * layer whose dir is missing), synchronously. */
int layer_unpack_blob (struct store *s, const char *digest, const char *diff_id, struct unpack_result *res,
                       bento_err *err);

/* Say once what the unpack could not keep (rootless device nodes, ids). */
void layer_report_notes (const struct store *s, const struct unpack_result *res);

#endif
