/* The image store: blobs by digest, unpacked layers by diff-id (shared
 * between images), image records by id with their names.
 *
 *   ROOT/blobs/sha256/<hex>      manifests, configs, compressed layers
 *   ROOT/layers/sha256/<hex>/    one unpacked layer (overlay's lower form)
 *   ROOT/images.json             every image record, rewritten atomically
 *   ROOT/holds/<image-hex>/<ctr> containers using an image (see store_hold)
 *   ROOT/containers/<id>/        upper/work/merged of a container (overlay.h)
 *   ROOT/tmp/                    everything being written: <pid>-<what>-<rand>
 *   ROOT/locks/                  per-digest locks for concurrent pulls
 *
 * ROOT is --storage-root, else /var/lib/bento as root and
 * $XDG_DATA_HOME/bento (~/.local/share/bento) rootless.
 *
 * Every write goes to ROOT/tmp and is renamed into place once complete and
 * verified, so nothing half-written ever has a final name.  Locks (flock):
 * gc.lock is held shared by anything adding content (pull, load) for its
 * whole run and exclusive by anything deleting it (rmi, prune), so a
 * deletion never removes a layer a pull has just found present; meta.lock
 * guards the read-modify-write of images.json.  Always gc before meta.
 *
 * Rootless, layers are unpacked inside a user namespace that maps root to
 * the user and 1..N to the user's /etc/subuid range (podman's layout), so
 * files keep their owners; containers must use the same maps
 * (store->uids/gids).  Files owned by subordinate ids can only be removed
 * from inside that namespace: use store_run_in_userns. */
#ifndef BENTO_ENGINE_STORE_H
#define BENTO_ENGINE_STORE_H

#include "engine/digest.h"
#include "shared/error.h"
#include "shared/idmap.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct store
{
  char *root;
  int dirfd;
  bool rootless;       /* unprivileged: layers are written through a user namespace */
  bool in_userns;      /* already running inside the store's namespace (bento unshare) */
  bool single_id;      /* rootless without subordinate ids: everything is the user's */
  const char *overlay_xattr; /* "trusted.overlay." or "user.overlay." */
  struct bento_idmap *uids, *gids;
  size_t n_uids, n_gids;
  int gc_fd;           /* gc.lock while held, else -1 */
};

struct layer_record
{
  char *digest;     /* blob digest (compressed) */
  char *diff_id;    /* digest of the uncompressed tar */
  char *media_type;
  int64_t size;     /* blob size */
  int64_t unpacked; /* bytes of file data in the layer */
};

struct image_record
{
  char *id;                  /* config digest, as Docker and podman use it */
  char **names;              /* "docker.io/library/busybox:latest", NULL-terminated */
  char *digest;              /* manifest digest */
  char *manifest_media_type;
  char *created;             /* from the config, may be NULL */
  char *added;               /* when it entered this store, RFC 3339 */
  char *os, *architecture, *variant;
  struct layer_record *layers; /* bottom first */
  size_t n_layers;
};

/* The default root for this user; NULL on ENOMEM. */
char *store_default_root (void);

/* Open (creating if needed) the store at ROOT (NULL: the default). */
int store_open (const char *root, struct store **out, bento_err *err);
void store_close (struct store *s);

/* Locks: see above.  store_lock_gc is released by store_unlock_gc or close. */
int store_lock_gc (struct store *s, bool exclusive, bento_err *err);
void store_unlock_gc (struct store *s);
/* Returns the locked fd (close it to unlock). */
int store_lock_meta (struct store *s, bento_err *err);
/* A per-digest lock (a pull of the same layer elsewhere waits here). */
int store_lock_digest (struct store *s, const char *digest, bento_err *err);

/* Paths relative to the store root (freshly allocated, NULL on ENOMEM). */
char *store_blob_relpath (const char *digest);
char *store_layer_relpath (const char *diff_id);
char *store_path (struct store *s, const char *rel);
bool store_has (struct store *s, const char *rel);

/* A new temp name "tmp/<pid>-<what>-<random>" (not created). */
char *store_tmp_name (struct store *s, const char *what);

/* Write BUF as a blob (verified against DIGEST when given; else computed
 * into OUT if OUT is not NULL). */
int store_put_blob (struct store *s, const void *buf, size_t len, const char *digest, char out[DIGEST_MAX],
                    bento_err *err);
/* Move a complete temp file into blobs/ after checking its digest; an
 * existing blob wins (the temp file is removed). */
int store_commit_blob (struct store *s, const char *tmp_rel, const char *digest, bento_err *err);
/* Read a blob of at most MAX bytes, verifying its digest. */
int store_read_blob (struct store *s, const char *digest, size_t max, char **buf, size_t *len, bento_err *err);
/* Move an unpacked temp layer dir into layers/ (an existing one wins and the
 * temp dir is removed). */
int store_commit_layer (struct store *s, const char *tmp_rel, const char *diff_id, bento_err *err);

/* Remove a tree under the store (a temp dir, a layer): inside the user
 * namespace when rootless, since it holds files of subordinate ids. */
int store_remove_tree (struct store *s, const char *rel, bento_err *err);

/* Run FN(ARG) in a child process inside the store's user namespace (as its
 * root); root and `bento unshare` just fork.  MOUNT_NS: also a private mount
 * namespace.  FN's error comes back as the error of this call. */
typedef int (*store_fn) (struct store *s, void *arg, bento_err *err);
int store_run_in_userns (struct store *s, bool mount_ns, store_fn fn, void *arg, bento_err *err);
/* The same, giving back the text FN passed to store_worker_reply. */
int store_run_in_userns_reply (struct store *s, bool mount_ns, store_fn fn, void *arg, char **reply, bento_err *err);

/* The same, without waiting: *PID and *RESULT_FD (read end of the result
 * channel) for store_wait_worker.  KEEP_FD stays open in the child. */
int store_spawn_worker (struct store *s, store_fn fn, void *arg, const int *keep_fds, size_t n_keep, pid_t *pid,
                        int *result_fd, bento_err *err);
/* Wait for a worker; its result text (what FN put in store_worker_reply) in *TEXT. */
int store_wait_worker (pid_t pid, int result_fd, char **text, bento_err *err);
/* From inside a worker: the text handed to the parent on success. */
void store_worker_reply (const char *text);

/* Image records. */
void image_record_free (struct image_record *r);
void image_records_free (struct image_record *v, size_t n);
int store_list_images (struct store *s, struct image_record **out, size_t *n, bento_err *err);
/* Find by full or short id (unique prefix of the hex), "sha256:..." id,
 * name, or name@digest.  A short name without a registry also matches
 * localhost/NAME.  ENOENT-style error "image `X` not found". */
int store_find_image (struct store *s, const char *query, struct image_record *out, bento_err *err);
/* Add or update REC (by id) and give it REC's names, taking them from any
 * other image (which keeps its record, untagged). */
int store_add_image (struct store *s, const struct image_record *rec, bento_err *err);
/* Add NAME (a reference) to image ID, moving it from any other image. */
int store_tag_image (struct store *s, const char *id, const char *name, bento_err *err);
/* Remove NAME from its image (the image stays, maybe without names). */
int store_untag_image (struct store *s, const char *name, bento_err *err);
/* Drop image ID's record (not its blobs/layers: store_gc does that). */
int store_remove_image (struct store *s, const char *id, bento_err *err);

/* Delete blobs and layers no image record references, and stale temp
 * entries of processes that are gone.  Needs the gc lock exclusive. */
int store_gc (struct store *s, bento_err *err);
/* Remove the temp entries of processes that are gone (a pull or load
 * killed half way): every pull and load starts with it.  Under the gc
 * lock, shared or exclusive; a failure is only warned about. */
void store_clean_tmp (struct store *s);

/* "In use": containers hold the images they were made from.  rmi refuses a
 * held image unless forced (then it is only untagged and stays, dangling,
 * until its last hold goes).  The engine calls hold when it creates a
 * container and release when it removes one. */
int store_hold (struct store *s, const char *image_id, const char *container, bento_err *err);
int store_release (struct store *s, const char *image_id, const char *container, bento_err *err);
/* Number of holds on IMAGE_ID (0 when none), -1 on error. */
int store_holds (struct store *s, const char *image_id, bento_err *err);

/* Note (once per process) what a rootless store cannot keep. */
void store_note_once (const char *key, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

#endif
