/* The store's files: root, locks, blobs, layers, temp names, gc. */
#include "engine/store.h"
#include "engine/fsutil.h"
#include "shared/cleanup.h"
#include "shared/log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

char *
store_default_root (void)
{
  const char *env = getenv ("BENTO_USERNS");
  if (env && *env == '/')
    return strdup (env);
  if (geteuid () == 0)
    return strdup ("/var/lib/bento");
  return user_bento_path ("XDG_DATA_HOME", ".local/share", "");
}

/* Inside `bento unshare`: the variable is set and the uid map is not the
 * initial namespace's identity map. */
static bool
running_in_store_userns (size_t *map_lines, uint32_t *first_size)
{
  if (getenv ("BENTO_USERNS") == NULL)
    return false;
  _cleanup_fclose_ FILE *f = fopen ("/proc/self/uid_map", "re");
  unsigned a, b, c;
  *map_lines = 0;
  if (f == NULL)
    return false;
  while (fscanf (f, "%u %u %u", &a, &b, &c) == 3)
    {
      if (*map_lines == 0)
        *first_size = c;
      (*map_lines)++;
    }
  return !(*map_lines == 1 && a == 0 && b == 0 && c == 4294967295u);
}

/* rootless maps: 0 -> own id, 1.. -> the subordinate ranges in order. */
static int
build_map (const char *file, const char *user, uid_t own, struct bento_idmap **out, size_t *n, bento_err *err)
{
  struct bento_idmap *sub = NULL;
  size_t nsub = 0;
  if (idmap_read_subids (file, user, own, &sub, &nsub, err) < 0)
    return -1;
  struct bento_idmap *m = calloc (nsub + 1, sizeof *m);
  if (m == NULL)
    {
      free (sub);
      return bento_err_make (err, ENOMEM, "id map");
    }
  m[0] = (struct bento_idmap){ .container_id = 0, .host_id = (uint32_t) own, .size = 1 };
  uint64_t next = 1;
  size_t k = 1;
  for (size_t i = 0; i < nsub; i++)
    {
      if (next + sub[i].size > UINT32_MAX)
        break;
      m[k++] = (struct bento_idmap){ .container_id = (uint32_t) next, .host_id = sub[i].host_id, .size = sub[i].size };
      next += sub[i].size;
    }
  free (sub);
  *out = m;
  *n = k;
  return 0;
}

static int
store_setup_ids (struct store *s, bento_err *err)
{
  size_t lines = 0;
  uint32_t first = 0;
  if (running_in_store_userns (&lines, &first))
    {
      s->rootless = s->in_userns = true;
      s->single_id = lines == 1 && first == 1;
      return 0;
    }
  if (geteuid () == 0)
    return 0;
  s->rootless = true;
  struct passwd *pw = getpwuid (geteuid ());
  const char *user = pw ? pw->pw_name : NULL;
  if (build_map ("/etc/subuid", user, geteuid (), &s->uids, &s->n_uids, err) < 0
      || build_map ("/etc/subgid", user, getegid (), &s->gids, &s->n_gids, err) < 0)
    return -1;
  s->single_id = s->n_uids == 1 || s->n_gids == 1;
  if (s->single_id)
    {
      /* Without both ranges the namespace maps only the user. */
      s->n_uids = s->n_gids = 1;
      s->gids[0].host_id = (uint32_t) getegid ();
    }
  return 0;
}

static const char *const store_dirs[] = {
  "blobs", "blobs/sha256", "blobs/sha512", "layers", "layers/sha256", "layers/sha512",
  "tmp",   "locks",        "holds",        "containers",
};

int
store_open (const char *root, struct store **out, bento_err *err)
{
  struct store *s = calloc (1, sizeof *s);
  if (s == NULL)
    return bento_err_make (err, ENOMEM, "open store");
  s->dirfd = s->gc_fd = -1;
  s->root = root ? strdup (root) : store_default_root ();
  if (s->root == NULL)
    {
      store_close (s);
      return bento_err_make (err, ENOMEM, "open store");
    }
  if (store_setup_ids (s, err) < 0)
    goto fail;
  s->overlay_xattr = s->rootless ? "user.overlay." : "trusted.overlay.";
  if (mkdir_p (s->root, 0700, err) < 0)
    goto fail;
  s->dirfd = open (s->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (s->dirfd < 0)
    {
      bento_err_make (err, errno, "open `%s`", s->root);
      goto fail;
    }
  for (size_t i = 0; i < sizeof store_dirs / sizeof store_dirs[0]; i++)
    if (mkdirat (s->dirfd, store_dirs[i], 0700) < 0 && errno != EEXIST)
      {
        bento_err_make (err, errno, "create `%s/%s`", s->root, store_dirs[i]);
        goto fail;
      }
  *out = s;
  return 0;
fail:
  bento_err_wrap (err, "open image store `%s`", s->root ? s->root : "?");
  store_close (s);
  return -1;
}

void
store_close (struct store *s)
{
  if (s == NULL)
    return;
  if (s->gc_fd >= 0)
    close (s->gc_fd);
  if (s->dirfd >= 0)
    close (s->dirfd);
  free (s->uids);
  free (s->gids);
  free (s->root);
  free (s);
}

static int
lock_file (struct store *s, const char *rel, int op, bento_err *err)
{
  int fd = openat (s->dirfd, rel, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return bento_err_make (err, errno, "open lock `%s/%s`", s->root, rel);
  while (flock (fd, op) < 0)
    if (errno != EINTR)
      {
        int e = errno;
        close (fd);
        return bento_err_make (err, e, "lock `%s/%s`", s->root, rel);
      }
  return fd;
}

int
store_lock_gc (struct store *s, bool exclusive, bento_err *err)
{
  if (s->gc_fd >= 0)
    return 0;
  s->gc_fd = lock_file (s, "gc.lock", exclusive ? LOCK_EX : LOCK_SH, err);
  return s->gc_fd < 0 ? -1 : 0;
}

void
store_unlock_gc (struct store *s)
{
  if (s->gc_fd >= 0)
    close (s->gc_fd);
  s->gc_fd = -1;
}

int
store_lock_meta (struct store *s, bento_err *err)
{
  return lock_file (s, "meta.lock", LOCK_EX, err);
}

int
store_lock_digest (struct store *s, const char *digest, bento_err *err)
{
  char rel[DIGEST_MAX + 16];
  snprintf (rel, sizeof rel, "locks/%.*s-%s", (int) strcspn (digest, ":"), digest, digest_hex (digest));
  return lock_file (s, rel, LOCK_EX, err);
}

static char *
rel_by_digest (const char *dir, const char *digest)
{
  char *s;
  if (asprintf (&s, "%s/%.*s/%s", dir, (int) strcspn (digest, ":"), digest, digest_hex (digest)) < 0)
    return NULL;
  return s;
}

char *
store_blob_relpath (const char *digest)
{
  return rel_by_digest ("blobs", digest);
}

char *
store_layer_relpath (const char *diff_id)
{
  return rel_by_digest ("layers", diff_id);
}

char *
store_path (struct store *s, const char *rel)
{
  char *p;
  if (asprintf (&p, "%s/%s", s->root, rel) < 0)
    return NULL;
  return p;
}

bool
store_has (struct store *s, const char *rel)
{
  struct stat st;
  return fstatat (s->dirfd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

char *
store_tmp_name (struct store *s, const char *what)
{
  uint64_t r = 0;
  char *p;
  if (getrandom (&r, sizeof r, 0) != sizeof r)
    r = (uint64_t) rand () ^ ((uint64_t) getpid () << 32);
  if (asprintf (&p, "tmp/%d-%s-%016llx", (int) getpid (), what, (unsigned long long) r) < 0)
    return NULL;
  return p;
}

int
store_put_blob (struct store *s, const void *buf, size_t len, const char *digest, char out[DIGEST_MAX],
                bento_err *err)
{
  char computed[DIGEST_MAX];
  if (digest_buffer (digest ? digest : "sha256", buf, len, computed) < 0)
    return bento_err_make (err, ENOMEM, "hash blob");
  if (digest && strcmp (digest, computed) != 0)
    return bento_err_make (err, 0, "blob digest mismatch: want %s, got %s", digest, computed);
  if (out)
    memcpy (out, computed, DIGEST_MAX);
  _cleanup_free_ char *rel = store_blob_relpath (computed);
  _cleanup_free_ char *tmp = store_tmp_name (s, "blob");
  if (rel == NULL || tmp == NULL)
    return bento_err_make (err, ENOMEM, "write blob");
  if (store_has (s, rel))
    return 0;
  if (write_file_synced_at (s->dirfd, tmp, buf, len, 0600, err) < 0)
    return bento_err_wrap (err, "write blob %s", computed);
  return store_commit_blob (s, tmp, computed, err);
}

int
store_commit_blob (struct store *s, const char *tmp_rel, const char *digest, bento_err *err)
{
  _cleanup_free_ char *rel = store_blob_relpath (digest);
  if (rel == NULL)
    return bento_err_make (err, ENOMEM, "commit blob");
  if (renameat2 (s->dirfd, tmp_rel, s->dirfd, rel, RENAME_NOREPLACE) == 0)
    return 0;
  int e = errno;
  unlinkat (s->dirfd, tmp_rel, 0);
  /* EEXIST: already there; ENOENT with the blob present: committed earlier
   * in this run for another image sharing it */
  if (e == EEXIST || (e == ENOENT && store_has (s, rel)))
    return 0;
  return bento_err_make (err, e, "store blob %s", digest);
}

int
store_read_blob (struct store *s, const char *digest, size_t max, char **buf, size_t *len, bento_err *err)
{
  _cleanup_free_ char *rel = store_blob_relpath (digest);
  char got[DIGEST_MAX];
  if (rel == NULL)
    return bento_err_make (err, ENOMEM, "read blob");
  if (read_file_at (s->dirfd, rel, max, buf, len, err) < 0)
    return bento_err_wrap (err, "read blob %s", digest);
  if (digest_buffer (digest, *buf, *len, got) < 0 || strcmp (got, digest) != 0)
    {
      free (*buf);
      *buf = NULL;
      return bento_err_make (err, 0, "blob %s is corrupt (its content hashes to %s)", digest, got);
    }
  return 0;
}

int
store_commit_layer (struct store *s, const char *tmp_rel, const char *diff_id, bento_err *err)
{
  _cleanup_free_ char *rel = store_layer_relpath (diff_id);
  if (rel == NULL)
    return bento_err_make (err, ENOMEM, "commit layer");
  if (renameat2 (s->dirfd, tmp_rel, s->dirfd, rel, RENAME_NOREPLACE) == 0)
    return 0;
  int e = errno;
  if (e == EEXIST || e == ENOTEMPTY)
    return store_remove_tree (s, tmp_rel, err);
  return bento_err_make (err, e, "store layer %s", diff_id);
}

static int
remove_tree_fn (struct store *s, void *arg, bento_err *err)
{
  return rm_rf_at (s->dirfd, arg, err);
}

int
store_remove_tree (struct store *s, const char *rel, bento_err *err)
{
  if (!store_has (s, rel))
    return 0;
  if (s->rootless && !s->in_userns)
    return store_run_in_userns (s, false, remove_tree_fn, (void *) rel, err);
  return rm_rf_at (s->dirfd, rel, err);
}

/* tmp entries are "<pid>-...": stale once that process is gone. */
static int
gc_tmp (struct store *s, bento_err *err)
{
  int fd = openat (s->dirfd, "tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return bento_err_make (err, errno, "open `%s/tmp`", s->root);
  _cleanup_closedir_ DIR *d = fdopendir (fd);
  if (d == NULL)
    {
      close (fd);
      return bento_err_make (err, errno, "open `%s/tmp`", s->root);
    }
  struct dirent *de;
  while ((de = readdir (d)))
    {
      if (de->d_name[0] == '.')
        continue;
      long pid = strtol (de->d_name, NULL, 10);
      if (pid > 0 && pid != getpid () && (kill ((pid_t) pid, 0) == 0 || errno == EPERM))
        continue;
      char rel[320];
      snprintf (rel, sizeof rel, "tmp/%s", de->d_name);
      if (store_remove_tree (s, rel, err) < 0)
        return -1;
    }
  return 0;
}

void
store_clean_tmp (struct store *s)
{
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  if (gc_tmp (s, &err) < 0)
    log_warn ("temp files of an earlier, interrupted run stay: %s", err.msg);
}

static bool
strv_has (char **v, size_t n, const char *s)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp (v[i], s) == 0)
      return true;
  return false;
}

/* Remove entries of DIR/<algo>/ whose digest is not in KEEP. */
static int
gc_dir (struct store *s, const char *dir, const char *algo, char **keep, size_t n_keep, bento_err *err)
{
  _cleanup_free_ char *sub = xasprintf ("%s/%s", dir, algo);
  if (sub == NULL)
    return bento_err_make (err, ENOMEM, "gc");
  int fd = openat (s->dirfd, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return errno == ENOENT ? 0 : bento_err_make (err, errno, "open `%s/%s`", s->root, sub);
  _cleanup_closedir_ DIR *d = fdopendir (fd);
  if (d == NULL)
    {
      close (fd);
      return bento_err_make (err, errno, "open `%s/%s`", s->root, sub);
    }
  struct dirent *de;
  while ((de = readdir (d)))
    {
      if (de->d_name[0] == '.')
        continue;
      char digest[320], rel[320];
      snprintf (digest, sizeof digest, "%s:%s", algo, de->d_name);
      snprintf (rel, sizeof rel, "%s/%s", sub, de->d_name);
      if (strv_has (keep, n_keep, digest))
        continue;
      log_debug ("gc: remove %s", rel);
      if (store_remove_tree (s, rel, err) < 0)
        return -1;
    }
  return 0;
}

int
store_gc (struct store *s, bento_err *err)
{
  struct image_record *imgs = NULL;
  size_t n = 0;
  if (store_list_images (s, &imgs, &n, err) < 0)
    return -1;
  size_t cap = 1;
  for (size_t i = 0; i < n; i++)
    cap += 2 + imgs[i].n_layers;
  _cleanup_free_ char **blobs = calloc (cap, sizeof *blobs);
  _cleanup_free_ char **layers = calloc (cap, sizeof *layers);
  size_t nb = 0, nl = 0;
  if (blobs == NULL || layers == NULL)
    {
      image_records_free (imgs, n);
      return bento_err_make (err, ENOMEM, "gc");
    }
  for (size_t i = 0; i < n; i++)
    {
      blobs[nb++] = imgs[i].id;
      if (imgs[i].digest)
        blobs[nb++] = imgs[i].digest;
      for (size_t j = 0; j < imgs[i].n_layers; j++)
        {
          blobs[nb++] = imgs[i].layers[j].digest;
          layers[nl++] = imgs[i].layers[j].diff_id;
        }
    }
  int r = 0;
  if (gc_dir (s, "blobs", "sha256", blobs, nb, err) < 0 || gc_dir (s, "blobs", "sha512", blobs, nb, err) < 0
      || gc_dir (s, "layers", "sha256", layers, nl, err) < 0 || gc_dir (s, "layers", "sha512", layers, nl, err) < 0
      || gc_tmp (s, err) < 0)
    r = -1;
  image_records_free (imgs, n);
  return r;
}

void
store_note_once (const char *key, const char *fmt, ...)
{
  static char said[8][32];
  for (size_t i = 0; i < 8; i++)
    {
      if (strcmp (said[i], key) == 0)
        return;
      if (said[i][0] == '\0')
        {
          snprintf (said[i], sizeof said[i], "%s", key);
          break;
        }
    }
  char msg[512];
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (msg, sizeof msg, fmt, ap);
  va_end (ap);
  log_warn ("%s", msg);
}
