#include "engine/layer.h"
#include "engine/fsutil.h"
#include "shared/cleanup.h"
#include "shared/log.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct worker_arg
{
  struct layer_job *job;
  int in_fd;
};

/* In the worker: unpack, check the diff-id, and leave nothing on failure. */
static int
layer_worker (struct store *s, void *data, bento_err *err)
{
  struct worker_arg *w = data;
  struct layer_job *j = w->job;
  struct unpack_options o = { .overlay_xattr = s->overlay_xattr, .rootless = s->rootless };
  _cleanup_close_ int dfd = -1;
  if (!j->hash_only)
    {
      if (mkdirat (s->dirfd, j->tmp_rel, 0755) < 0)
        return bento_err_make (err, errno, "create `%s/%s`", s->root, j->tmp_rel);
      dfd = openat (s->dirfd, j->tmp_rel, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (dfd < 0 || fchmod (dfd, 0755) < 0)
        return bento_err_make (err, errno, "open `%s/%s`", s->root, j->tmp_rel);
    }
  int r = unpack_layer (w->in_fd, j->hash_only ? -1 : dfd, &o, &j->res, err);
  if (r == 0 && j->diff_id && strcmp (j->res.diff_id, j->diff_id) != 0)
    r = bento_err_make (err, 0, "layer content does not match its diff-id: want %s, got %s", j->diff_id,
                        j->res.diff_id);
  if (r < 0)
    {
      bento_err cerr = BENTO_ERR_INIT;
      if (!j->hash_only)
        rm_rf_at (s->dirfd, j->tmp_rel, &cerr);
      bento_err_clear (&cerr);
      return -1;
    }
  _cleanup_free_ char *text = unpack_result_format (&j->res);
  store_worker_reply (text);
  return 0;
}

int
layer_job_start (struct store *s, struct layer_job *j, int in_fd, bento_err *err)
{
  struct worker_arg w = { .job = j, .in_fd = in_fd };
  j->pid = -1;
  j->result_fd = -1;
  j->tmp_rel = store_tmp_name (s, "layer");
  if (j->tmp_rel == NULL)
    return bento_err_make (err, ENOMEM, "layer");
  /* fork copies W: the child has its own copy before this frame ends */
  return store_spawn_worker (s, layer_worker, &w, &in_fd, 1, &j->pid, &j->result_fd, err);
}

int
layer_job_finish (struct store *s, struct layer_job *j, bento_err *err)
{
  _cleanup_free_ char *text = NULL;
  if (j->pid <= 0)
    return bento_err_make (err, 0, "layer worker not started");
  int r = store_wait_worker (j->pid, j->result_fd, &text, err);
  j->pid = -1;
  j->result_fd = -1;
  if (r == 0 && unpack_result_parse (text, &j->res) < 0)
    r = bento_err_make (err, 0, "layer worker: bad result `%s`", text);
  if (r == 0 && j->defer_commit)
    return 0;
  if (r == 0)
    return layer_job_commit (s, j, err);
  layer_job_abort (s, j);
  return -1;
}

int
layer_job_commit (struct store *s, struct layer_job *j, bento_err *err)
{
  int r = 0;
  if (!j->hash_only && j->tmp_rel)
    r = store_commit_layer (s, j->tmp_rel, j->res.diff_id, err);
  if (r < 0)
    layer_job_abort (s, j);
  free (j->tmp_rel);
  j->tmp_rel = NULL;
  return r;
}

void
layer_job_abort (struct store *s, struct layer_job *j)
{
  bento_err err = BENTO_ERR_INIT;
  if (j->pid > 0)
    {
      _cleanup_free_ char *text = NULL;
      kill (j->pid, SIGKILL);
      store_wait_worker (j->pid, j->result_fd, &text, &err);
      bento_err_clear (&err);
      j->pid = -1;
    }
  if (j->tmp_rel)
    store_remove_tree (s, j->tmp_rel, &err);
  bento_err_clear (&err);
  free (j->tmp_rel);
  j->tmp_rel = NULL;
}

int
layer_unpack_blob (struct store *s, const char *digest, const char *diff_id, struct unpack_result *res,
                   bento_err *err)
{
  _cleanup_free_ char *rel = store_blob_relpath (digest);
  _cleanup_free_ char *lrel = store_layer_relpath (diff_id);
  if (rel == NULL || lrel == NULL)
    return bento_err_make (err, ENOMEM, "layer");
  struct layer_job j = { .diff_id = diff_id, .hash_only = store_has (s, lrel) };
  _cleanup_close_ int fd = openat (s->dirfd, rel, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return bento_err_make (err, errno, "open blob %s", digest);
  if (layer_job_start (s, &j, fd, err) < 0)
    {
      free (j.tmp_rel);
      return -1;
    }
  if (layer_job_finish (s, &j, err) < 0)
    return -1;
  *res = j.res;
  return 0;
}

void
layer_report_notes (const struct store *s, const struct unpack_result *res)
{
  if (res->skipped_devices)
    store_note_once ("devices", "device nodes in the image were skipped: an unprivileged user cannot create them");
  if (s->single_id)
    store_note_once ("single", "no subordinate uid/gid range for this user in /etc/subuid and /etc/subgid: every "
                               "file of the image is owned by the user");
  else if (res->unmapped_owners)
    store_note_once ("unmapped", "some files belong to ids outside the user namespace's range: they are owned "
                                 "by root instead");
}
