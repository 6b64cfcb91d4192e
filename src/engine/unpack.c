#include "engine/unpack.h"
#include "engine/fsutil.h"
#include "engine/stream.h"
#include "shared/cleanup.h"
#include "shared/log.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#define WH_PREFIX ".wh."
#define WH_OPAQUE ".wh..wh..opq"

struct dir_time
{
  char *path;
  struct timespec mtime;
};

struct extractor
{
  int root;
  /* directory times are set last: creating their entries changes them */
  struct dir_time *dirs;
  size_t n_dirs, cap_dirs;
  const struct unpack_options *o;
  struct unpack_result *res;
  char cached_path[PATH_MAX];
  int cached_fd;     /* directory fd for cached_path, -1 when none */
  bool cached_valid; /* false once something was removed: the path may now
                        lead elsewhere (the fd stays open while in use) */
};

int
unpack_clean_name (const char *name, char *out, size_t outlen, bento_err *err)
{
  size_t o = 0;
  if (name == NULL || name[0] == '\0')
    return bento_err_make (err, 0, "empty entry name");
  if (name[0] == '/')
    return bento_err_make (err, 0, "`%s`: absolute path refused", name);
  const char *p = name;
  while (*p)
    {
      size_t n = strcspn (p, "/");
      if (n == 2 && p[0] == '.' && p[1] == '.')
        return bento_err_make (err, 0, "`%s`: `..` in path refused", name);
      if (n > 0 && !(n == 1 && p[0] == '.'))
        {
          if (o + n + 2 > outlen)
            return bento_err_make (err, 0, "`%.64s...`: name too long", name);
          if (o > 0)
            out[o++] = '/';
          memcpy (out + o, p, n);
          o += n;
        }
      p += n;
      while (*p == '/')
        p++;
    }
  out[o] = '\0';
  return 0;
}

static int
openat2_beneath (int dirfd, const char *path, int flags)
{
  struct open_how how = {
    .flags = (uint64_t) (flags | O_CLOEXEC),
    .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
  };
  int fd;
  do
    fd = (int) syscall (SYS_openat2, dirfd, path, &how, sizeof how);
  while (fd < 0 && errno == EAGAIN);
  return fd;
}

static int
resolve_error (const char *path, int e, bento_err *err)
{
  if (e == EXDEV)
    return bento_err_make (err, 0, "`%s` leads outside the layer (symlink or `..`) refused", path);
  if (e == ENOTDIR)
    return bento_err_make (err, 0, "`%s`: a parent is not a directory", path);
  return bento_err_make (err, e, "open `%s`", path);
}

/* An fd for directory PATH inside the layer, creating missing ones. */
static int
resolve_dir (struct extractor *x, const char *path, bool create, bento_err *err)
{
  if (path[0] == '\0')
    {
      int fd = fcntl (x->root, F_DUPFD_CLOEXEC, 3);
      return fd < 0 ? bento_err_make (err, errno, "dup") : fd;
    }
  int fd = openat2_beneath (x->root, path, O_RDONLY | O_DIRECTORY);
  if (fd >= 0)
    return fd;
  if (errno != ENOENT || !create)
    return resolve_error (path, errno, err);

  char parent[PATH_MAX];
  snprintf (parent, sizeof parent, "%s", path);
  char *slash = strrchr (parent, '/');
  const char *base = slash ? slash + 1 : parent;
  if (slash)
    *slash = '\0';
  else
    parent[0] = '\0';
  _cleanup_close_ int pfd = resolve_dir (x, slash ? parent : "", true, err);
  if (pfd < 0)
    return -1;
  if (mkdirat (pfd, slash ? base : path, 0755) < 0 && errno != EEXIST)
    return bento_err_make (err, errno, "create directory `%s`", path);
  fd = openat2_beneath (x->root, path, O_RDONLY | O_DIRECTORY);
  return fd >= 0 ? fd : resolve_error (path, errno, err);
}

static void
cache_drop (struct extractor *x)
{
  if (x->cached_fd >= 0)
    close (x->cached_fd);
  x->cached_fd = -1;
  x->cached_valid = false;
}

/* The parent directory of an entry; entries come grouped by directory, so
 * the last one is kept open.  Borrowed: do not close. */
static int
parent_fd (struct extractor *x, const char *parent, bento_err *err)
{
  if (x->cached_valid && strcmp (parent, x->cached_path) == 0)
    return x->cached_fd;
  cache_drop (x);
  int fd = resolve_dir (x, parent, true, err);
  if (fd < 0)
    return -1;
  x->cached_fd = fd;
  x->cached_valid = true;
  snprintf (x->cached_path, sizeof x->cached_path, "%s", parent);
  return fd;
}

/* Something is in the way of a new entry: replace it, except a directory
 * by a directory (tar semantics: the later entry wins). */
static int
make_room (struct extractor *x, int pfd, const char *base, bool new_is_dir, bento_err *err)
{
  struct stat st;
  if (fstatat (pfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return errno == ENOENT ? 0 : bento_err_make (err, errno, "stat");
  if (S_ISDIR (st.st_mode) && new_is_dir)
    return 1;
  x->cached_valid = false; /* the cached path may lead elsewhere now */
  if (rm_rf_at (pfd, base, err) < 0)
    return -1;
  return 0;
}

static bool
is_overlay_xattr (const char *name)
{
  return strncmp (name, "trusted.overlay.", 16) == 0 || strncmp (name, "user.overlay.", 13) == 0;
}

static void
apply_xattrs (struct archive_entry *e, int fd)
{
  const char *name;
  const void *value;
  size_t size;
  archive_entry_xattr_reset (e);
  while (archive_entry_xattr_next (e, &name, &value, &size) == ARCHIVE_OK)
    {
      /* overlay's own markers come only from whiteouts, never from a tar */
      if (is_overlay_xattr (name))
        continue;
      if (fsetxattr (fd, name, value, size, 0) < 0)
        log_debug ("unpack: xattr %s not kept: %s", name, strerror (errno));
    }
}

static int
apply_owner (struct extractor *x, int fd, int pfd, const char *base, struct archive_entry *e, bento_err *err)
{
  uid_t uid = (uid_t) archive_entry_uid (e);
  gid_t gid = (gid_t) archive_entry_gid (e);
  if (uid == geteuid () && gid == getegid ())
    return 0;
  int r = fd >= 0 ? fchown (fd, uid, gid) : fchownat (pfd, base, uid, gid, AT_SYMLINK_NOFOLLOW);
  if (r == 0)
    return 0;
  /* an id the user namespace does not map: the file stays root's */
  if (errno == EINVAL || (errno == EPERM && x->o->rootless))
    {
      x->res->unmapped_owners++;
      return 0;
    }
  return bento_err_make (err, errno, "chown %u:%u", (unsigned) uid, (unsigned) gid);
}

static int
apply_times (int fd, int pfd, const char *base, struct archive_entry *e)
{
  struct timespec ts[2];
  ts[0].tv_sec = ts[1].tv_sec = archive_entry_mtime (e);
  ts[0].tv_nsec = ts[1].tv_nsec = archive_entry_mtime_nsec (e);
  if (fd >= 0)
    return futimens (fd, ts);
  return utimensat (pfd, base, ts, AT_SYMLINK_NOFOLLOW);
}

static int
write_data (struct archive *a, int fd, struct archive_entry *e, struct extractor *x, bento_err *err)
{
  const void *buf;
  size_t size;
  la_int64_t offset, end = 0;
  int r;
  while ((r = archive_read_data_block (a, &buf, &size, &offset)) == ARCHIVE_OK)
    {
      const char *p = buf;
      size_t left = size;
      while (left > 0)
        {
          ssize_t w = pwrite (fd, p, left, offset);
          if (w < 0)
            {
              if (errno == EINTR)
                continue;
              return bento_err_make (err, errno, "write");
            }
          p += w;
          left -= (size_t) w;
          offset += w;
        }
      end = offset;
      x->res->bytes += size;
    }
  if (r != ARCHIVE_EOF)
    return bento_err_make (err, 0, "read data: %s", archive_error_string (a));
  if (end < archive_entry_size (e) && ftruncate (fd, archive_entry_size (e)) < 0)
    return bento_err_make (err, errno, "truncate");
  return 0;
}

static int
extract_file (struct extractor *x, struct archive *a, struct archive_entry *e, int pfd, const char *base,
              bento_err *err)
{
  mode_t mode = archive_entry_perm (e);
  int fd = openat (pfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode & 0777);
  if (fd < 0 && errno == EEXIST)
    {
      if (make_room (x, pfd, base, false, err) < 0)
        return -1;
      fd = openat (pfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode & 0777);
    }
  if (fd < 0)
    return bento_err_make (err, errno, "create file");
  _cleanup_close_ int cfd = fd;
  if (write_data (a, fd, e, x, err) < 0 || apply_owner (x, fd, pfd, base, e, err) < 0)
    return -1;
  /* chown clears setuid/setgid: set the mode after it */
  if ((mode & 07000) && fchmod (fd, mode) < 0)
    return bento_err_make (err, errno, "chmod");
  apply_xattrs (e, fd);
  if (apply_times (fd, -1, "", e) < 0)
    return bento_err_make (err, errno, "set times");
  return 0;
}

static void
remember_dir_time (struct extractor *x, const char *path, struct archive_entry *e)
{
  if (x->n_dirs == x->cap_dirs)
    {
      size_t cap = x->cap_dirs ? x->cap_dirs * 2 : 64;
      struct dir_time *g = realloc (x->dirs, cap * sizeof *g);
      if (g == NULL)
        return; /* a time not kept is no reason to fail the layer */
      x->dirs = g;
      x->cap_dirs = cap;
    }
  char *p = strdup (path);
  if (p == NULL)
    return;
  x->dirs[x->n_dirs++] = (struct dir_time){ p, { archive_entry_mtime (e), archive_entry_mtime_nsec (e) } };
}

static void
apply_dir_times (struct extractor *x)
{
  for (size_t i = x->n_dirs; i-- > 0;)
    {
      int fd = x->dirs[i].path[0] ? openat2_beneath (x->root, x->dirs[i].path, O_RDONLY | O_DIRECTORY) : x->root;
      if (fd < 0)
        continue;
      struct timespec ts[2] = { x->dirs[i].mtime, x->dirs[i].mtime };
      futimens (fd, ts);
      if (fd != x->root)
        close (fd);
    }
}

static void
free_dir_times (struct extractor *x)
{
  for (size_t i = 0; i < x->n_dirs; i++)
    free (x->dirs[i].path);
  free (x->dirs);
  x->dirs = NULL;
  x->n_dirs = x->cap_dirs = 0;
}

static int
extract_dir (struct extractor *x, struct archive_entry *e, int pfd, const char *base, bento_err *err)
{
  mode_t mode = archive_entry_perm (e);
  if (base == NULL)
    {
      /* the layer root itself ("./") */
      if (apply_owner (x, x->root, -1, "", e, err) < 0 || fchmod (x->root, mode) < 0)
        return bento_err_wrap (err, "layer root");
      remember_dir_time (x, "", e);
      return 0;
    }
  if (mkdirat (pfd, base, mode & 0777) < 0)
    {
      if (errno != EEXIST)
        return bento_err_make (err, errno, "create directory");
      int r = make_room (x, pfd, base, true, err);
      if (r < 0)
        return -1;
      if (r == 0 && mkdirat (pfd, base, mode & 0777) < 0)
        return bento_err_make (err, errno, "create directory");
    }
  _cleanup_close_ int fd = openat (pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return bento_err_make (err, errno, "open directory");
  if (apply_owner (x, fd, pfd, base, e, err) < 0 || fchmod (fd, mode) < 0)
    return bento_err_make (err, errno, "chmod");
  apply_xattrs (e, fd);
  return 0;
}

/* Create with MAKE (symlink, fifo, device), replacing what is in the way. */
static int
create_node (struct extractor *x, struct archive_entry *e, int pfd, const char *base, bento_err *err)
{
  mode_t type = archive_entry_filetype (e);
  for (int attempt = 0; attempt < 2; attempt++)
    {
      int r;
      if (type == AE_IFLNK)
        r = symlinkat (archive_entry_symlink (e), pfd, base);
      else
        r = mknodat (pfd, base, type | (archive_entry_perm (e) & 0777),
                     type == AE_IFIFO ? 0 : archive_entry_rdev (e));
      if (r == 0)
        break;
      if (errno != EEXIST || attempt == 1)
        return bento_err_make (err, errno, "create %s", type == AE_IFLNK ? "symlink" : "node");
      if (make_room (x, pfd, base, false, err) < 0)
        return -1;
    }
  if (apply_owner (x, -1, pfd, base, e, err) < 0)
    return -1;
  if (type != AE_IFLNK && (archive_entry_perm (e) & 07000)
      && fchmodat (pfd, base, archive_entry_perm (e), 0) < 0)
    return bento_err_make (err, errno, "chmod");
  apply_times (-1, pfd, base, e);
  return 0;
}

static int
extract_hardlink (struct extractor *x, const char *target_raw, int pfd, const char *base, bento_err *err)
{
  char target[PATH_MAX];
  if (unpack_clean_name (target_raw, target, sizeof target, err) < 0)
    return bento_err_wrap (err, "hardlink target");
  char *slash = strrchr (target, '/');
  const char *tbase = slash ? slash + 1 : target;
  if (slash)
    *slash = '\0';
  if (*tbase == '\0')
    return bento_err_make (err, 0, "hardlink to the layer root refused");
  _cleanup_close_ int tfd = resolve_dir (x, slash ? target : "", false, err);
  if (tfd < 0)
    return bento_err_wrap (err, "hardlink target `%s`", target_raw);
  for (int attempt = 0; attempt < 2; attempt++)
    {
      if (linkat (tfd, tbase, pfd, base, 0) == 0)
        return 0;
      if (errno == ENOENT)
        return bento_err_make (err, 0, "hardlink target `%s` is not in this layer", target_raw);
      if (errno != EEXIST || attempt == 1)
        return bento_err_make (err, errno, "hardlink to `%s`", target_raw);
      if (make_room (x, pfd, base, false, err) < 0)
        return -1;
    }
  return 0;
}

static int
set_opaque (struct extractor *x, int dfd, const char *value, bento_err *err)
{
  char name[64];
  snprintf (name, sizeof name, "%sopaque", x->o->overlay_xattr);
  if (fsetxattr (dfd, name, value, strlen (value), 0) < 0)
    return bento_err_make (err, errno, "set %s", name);
  return 0;
}

/* `.wh.NAME`: NAME is deleted in this layer; `.wh..wh..opq`: the directory
 * hides everything below it.  A file of the same layer wins over a whiteout
 * (image-spec layer.md: whiteouts apply to lower layers only). */
static int
extract_whiteout (struct extractor *x, int pfd, const char *base, bento_err *err)
{
  if (strcmp (base, WH_OPAQUE) == 0)
    return set_opaque (x, pfd, "y", err);
  const char *name = base + strlen (WH_PREFIX);
  if (*name == '\0' || strcmp (name, ".") == 0 || strcmp (name, "..") == 0)
    return bento_err_make (err, 0, "bad whiteout name");
  struct stat st;
  if (fstatat (pfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
    return 0;
  if (mknodat (pfd, name, S_IFCHR, makedev (0, 0)) == 0)
    return 0;
  if (errno != EPERM)
    return bento_err_make (err, errno, "create whiteout");
  /* kernels before 5.8 refuse even the 0:0 device unprivileged: overlay's
   * other whiteout form (6.7+), a file marked <prefix>whiteout in a
   * directory marked <prefix>opaque=x */
  _cleanup_close_ int fd = openat (pfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0);
  char xname[64];
  snprintf (xname, sizeof xname, "%swhiteout", x->o->overlay_xattr);
  if (fd < 0 || fsetxattr (fd, xname, "y", 1, 0) < 0)
    return bento_err_make (err, errno, "create whiteout");
  char cur[2] = "";
  snprintf (xname, sizeof xname, "%sopaque", x->o->overlay_xattr);
  if (fgetxattr (pfd, xname, cur, 1) == 1 && cur[0] == 'y')
    return 0;
  return set_opaque (x, pfd, "x", err);
}

static int
extract_entry (struct extractor *x, struct archive *a, struct archive_entry *e, const char *name, bento_err *err)
{
  char parent[PATH_MAX];
  snprintf (parent, sizeof parent, "%s", name);
  char *slash = strrchr (parent, '/');
  const char *base = slash ? name + (slash - parent) + 1 : name;
  if (slash)
    *slash = '\0';
  else
    parent[0] = '\0';

  mode_t type = archive_entry_filetype (e);
  if (name[0] == '\0')
    return type == AE_IFDIR ? extract_dir (x, e, -1, NULL, err) : bento_err_make (err, 0, "layer root is not a directory");

  int pfd = parent_fd (x, parent, err);
  if (pfd < 0)
    return -1;
  if (strncmp (base, WH_PREFIX, strlen (WH_PREFIX)) == 0)
    return extract_whiteout (x, pfd, base, err);
  const char *hardlink = archive_entry_hardlink (e);
  if (hardlink)
    return extract_hardlink (x, hardlink, pfd, base, err);
  switch (type)
    {
    case AE_IFREG:
      return extract_file (x, a, e, pfd, base, err);
    case AE_IFDIR:
      if (extract_dir (x, e, pfd, base, err) < 0)
        return -1;
      remember_dir_time (x, name, e);
      return 0;
    case AE_IFLNK:
    case AE_IFIFO:
      return create_node (x, e, pfd, base, err);
    case AE_IFCHR:
    case AE_IFBLK:
      if (x->o->rootless)
        {
          x->res->skipped_devices++;
          return 0;
        }
      return create_node (x, e, pfd, base, err);
    case AE_IFSOCK:
      return 0;
    default:
      return bento_err_make (err, 0, "unknown entry type 0%o", (unsigned) type);
    }
}

struct reader
{
  struct dstream *ds;
  bento_err err;
};

static la_ssize_t
read_cb (struct archive *a, void *data, const void **buf)
{
  struct reader *r = data;
  ssize_t n = dstream_read (r->ds, buf, &r->err);
  if (n < 0)
    archive_set_error (a, EIO, "%s", r->err.msg ? r->err.msg : "read error");
  return n;
}

static int
extract_all (struct extractor *x, struct archive *a, struct reader *rd, bento_err *err)
{
  struct archive_entry *e;
  char name[PATH_MAX];
  for (;;)
    {
      int r = archive_read_next_header (a, &e);
      if (r == ARCHIVE_EOF)
        return 0;
      if (bento_err_is_set (&rd->err))
        {
          bento_err_set_raw (err, 0, rd->err.msg);
          return -1;
        }
      if (r < ARCHIVE_WARN)
        return bento_err_make (err, 0, "read tar: %s", archive_error_string (a));
      x->res->entries++;
      const char *raw = archive_entry_pathname (e);
      if (unpack_clean_name (raw, name, sizeof name, err) < 0)
        return bento_err_wrap (err, "layer entry");
      if (x->root < 0)
        continue;
      if (extract_entry (x, a, e, name, err) < 0)
        {
          if (bento_err_is_set (&rd->err))
            bento_err_set_raw (err, 0, rd->err.msg);
          return bento_err_wrap (err, "layer entry `%s`", raw);
        }
    }
}

int
unpack_layer (int in_fd, int dest_dirfd, const struct unpack_options *o, struct unpack_result *res, bento_err *err)
{
  struct extractor x = { .root = dest_dirfd, .o = o, .res = res, .cached_fd = -1 };
  struct reader rd = { .ds = dstream_new (in_fd), .err = BENTO_ERR_INIT };
  struct archive *a = archive_read_new ();
  int r = -1;
  memset (res, 0, sizeof *res);
  if (rd.ds == NULL || a == NULL)
    {
      bento_err_make (err, ENOMEM, "unpack");
      goto out;
    }
  umask (0);
  archive_read_support_format_tar (a);
  if (archive_read_open (a, &rd, NULL, read_cb, NULL) != ARCHIVE_OK)
    {
      bento_err_make (err, 0, "read tar: %s", bento_err_is_set (&rd.err) ? rd.err.msg : archive_error_string (a));
      goto out;
    }
  if (extract_all (&x, a, &rd, err) < 0)
    goto out;
  /* the rest of the stream (tar padding) counts for the diff-id too */
  const void *buf;
  ssize_t n;
  while ((n = dstream_read (rd.ds, &buf, err)) > 0)
    ;
  if (n < 0)
    goto out;
  dstream_digest (rd.ds, res->diff_id);
  if (x.root >= 0)
    apply_dir_times (&x);
  r = 0;
out:
  cache_drop (&x);
  free_dir_times (&x);
  if (a)
    archive_read_free (a);
  dstream_free (rd.ds);
  bento_err_clear (&rd.err);
  return r;
}

char *
unpack_result_format (const struct unpack_result *r)
{
  char *s;
  if (asprintf (&s, "%s %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64, r->diff_id, r->bytes, r->entries,
                r->skipped_devices, r->unmapped_owners)
      < 0)
    return NULL;
  return s;
}

int
unpack_result_parse (const char *text, struct unpack_result *r)
{
  memset (r, 0, sizeof *r);
  if (sscanf (text, "%135s %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64, r->diff_id, &r->bytes, &r->entries,
              &r->skipped_devices, &r->unmapped_owners)
      != 5)
    return -1;
  return digest_valid (r->diff_id) ? 0 : -1;
}
