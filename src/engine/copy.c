/* The copy fallback: layers applied one on another into a plain directory,
 * as overlay would show them.  Everything relative to directory fds with
 * O_NOFOLLOW: a layer's symlinks are copied, never followed. */
#include "engine/fsutil.h"
#include "engine/overlay.h"
#include "shared/cleanup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

struct linked
{
  dev_t dev;
  ino_t ino;
  char *path; /* relative to the destination root */
};

struct copier
{
  const char *prefix; /* overlay xattr prefix */
  char opaque[64], whiteout[64];
  int root;           /* the destination root */
  struct linked *links; /* files of the current layer with more than one link */
  size_t n_links;
};

static void
links_reset (struct copier *c)
{
  for (size_t i = 0; i < c->n_links; i++)
    free (c->links[i].path);
  free (c->links);
  c->links = NULL;
  c->n_links = 0;
}

/* A hardlink of the layer becomes a hardlink of the copy: the first path
 * of an inode is copied, later ones are linked to it. */
static const char *
link_seen (struct copier *c, const struct stat *st)
{
  for (size_t i = 0; i < c->n_links; i++)
    if (c->links[i].dev == st->st_dev && c->links[i].ino == st->st_ino)
      return c->links[i].path;
  return NULL;
}

static void
link_remember (struct copier *c, const struct stat *st, const char *path)
{
  struct linked *g = realloc (c->links, (c->n_links + 1) * sizeof *g);
  if (g == NULL)
    return;
  c->links = g;
  g[c->n_links] = (struct linked){ st->st_dev, st->st_ino, strdup (path) };
  if (g[c->n_links].path)
    c->n_links++;
}

static bool
is_whiteout (struct copier *c, int dirfd, const char *name, const struct stat *st)
{
  if (S_ISCHR (st->st_mode) && st->st_rdev == makedev (0, 0))
    return true;
  if (!S_ISREG (st->st_mode) || st->st_size != 0)
    return false;
  char path[64];
  int fd = openat (dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return false;
  ssize_t n = fgetxattr (fd, c->whiteout, path, sizeof path);
  close (fd);
  (void) path;
  return n >= 0;
}

static void
copy_xattrs (struct copier *c, int src, int dst)
{
  char names[4096], value[4096];
  ssize_t n = flistxattr (src, names, sizeof names);
  for (ssize_t off = 0; n > 0 && off < n; off += (ssize_t) strlen (names + off) + 1)
    {
      const char *name = names + off;
      if (strncmp (name, "trusted.overlay.", 16) == 0 || strncmp (name, "user.overlay.", 13) == 0)
        continue;
      ssize_t v = fgetxattr (src, name, value, sizeof value);
      if (v >= 0)
        fsetxattr (dst, name, value, (size_t) v, 0);
    }
  (void) c;
}

static int
set_meta_at (int dirfd, const char *name, const struct stat *st, bool symlink, bento_err *err)
{
  if (fchownat (dirfd, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0 && errno != EINVAL)
    return bento_err_make (err, errno, "chown `%s`", name);
  if (!symlink && fchmodat (dirfd, name, st->st_mode & 07777, 0) < 0)
    return bento_err_make (err, errno, "chmod `%s`", name);
  struct timespec ts[2] = { st->st_atim, st->st_mtim };
  utimensat (dirfd, name, ts, AT_SYMLINK_NOFOLLOW);
  return 0;
}

static int
copy_file (struct copier *c, int sdir, int ddir, const char *name, const struct stat *st, bento_err *err)
{
  _cleanup_close_ int in = openat (sdir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  _cleanup_close_ int out = openat (ddir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (in < 0 || out < 0)
    return bento_err_make (err, errno, "copy `%s`", name);
  off_t left = st->st_size;
  while (left > 0)
    {
      ssize_t n = copy_file_range (in, NULL, out, NULL, (size_t) left, 0);
      if (n <= 0)
        {
          if (n < 0 && errno == EINTR)
            continue;
          return bento_err_make (err, n < 0 ? errno : EIO, "copy `%s`", name);
        }
      left -= n;
    }
  copy_xattrs (c, in, out);
  return set_meta_at (ddir, name, st, false, err);
}

static int apply_dir (struct copier *c, int sdir, int ddir, const char *rel, bento_err *err);

static int
apply_entry (struct copier *c, int sdir, int ddir, const char *rel, const char *name, bento_err *err)
{
  char path[4096];
  snprintf (path, sizeof path, "%s%s%s", rel, *rel ? "/" : "", name);
  struct stat st, dst;
  if (fstatat (sdir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return bento_err_make (err, errno, "stat `%s`", name);
  bool exists = fstatat (ddir, name, &dst, AT_SYMLINK_NOFOLLOW) == 0;
  if (is_whiteout (c, sdir, name, &st))
    return exists ? rm_rf_at (ddir, name, err) : 0;
  if (S_ISDIR (st.st_mode))
    {
      char flag[2] = "";
      _cleanup_close_ int sub = openat (sdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (sub < 0)
        return bento_err_make (err, errno, "open `%s`", name);
      bool opaque = fgetxattr (sub, c->opaque, flag, 1) == 1 && flag[0] == 'y';
      if (exists && (!S_ISDIR (dst.st_mode) || opaque) && rm_rf_at (ddir, name, err) < 0)
        return -1;
      if (mkdirat (ddir, name, 0700) < 0 && errno != EEXIST)
        return bento_err_make (err, errno, "create `%s`", name);
      _cleanup_close_ int dsub = openat (ddir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (dsub < 0)
        return bento_err_make (err, errno, "open `%s`", name);
      copy_xattrs (c, sub, dsub);
      if (apply_dir (c, sub, dsub, path, err) < 0)
        return bento_err_wrap (err, "%s", name);
      return set_meta_at (ddir, name, &st, false, err);
    }
  if (exists && rm_rf_at (ddir, name, err) < 0)
    return -1;
  if (S_ISREG (st.st_mode) && st.st_nlink > 1)
    {
      const char *first = link_seen (c, &st);
      if (first && linkat (c->root, first, ddir, name, 0) == 0)
        return 0;
      if (first == NULL)
        link_remember (c, &st, path);
    }
  if (S_ISREG (st.st_mode))
    return copy_file (c, sdir, ddir, name, &st, err);
  if (S_ISLNK (st.st_mode))
    {
      char target[4096];
      ssize_t n = readlinkat (sdir, name, target, sizeof target - 1);
      if (n < 0)
        return bento_err_make (err, errno, "readlink `%s`", name);
      target[n] = '\0';
      if (symlinkat (target, ddir, name) < 0)
        return bento_err_make (err, errno, "symlink `%s`", name);
      return set_meta_at (ddir, name, &st, true, err);
    }
  if (mknodat (ddir, name, st.st_mode, st.st_rdev) < 0)
    return bento_err_make (err, errno, "create `%s`", name);
  return set_meta_at (ddir, name, &st, false, err);
}

static int
apply_dir (struct copier *c, int sdir, int ddir, const char *rel, bento_err *err)
{
  int fd = fcntl (sdir, F_DUPFD_CLOEXEC, 3);
  if (fd < 0)
    return bento_err_make (err, errno, "dup");
  _cleanup_closedir_ DIR *d = fdopendir (fd);
  if (d == NULL)
    {
      close (fd);
      return bento_err_make (err, errno, "read directory");
    }
  struct dirent *de;
  while ((de = readdir (d)))
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (apply_entry (c, sdir, ddir, rel, de->d_name, err) < 0)
        return -1;
    }
  return 0;
}

int
rootfs_copy_layers (char *const *lowers, size_t n, const char *dest, const char *overlay_xattr, bento_err *err)
{
  struct copier c = { .prefix = overlay_xattr };
  snprintf (c.opaque, sizeof c.opaque, "%sopaque", overlay_xattr);
  snprintf (c.whiteout, sizeof c.whiteout, "%swhiteout", overlay_xattr);
  _cleanup_close_ int dfd = open (dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return bento_err_make (err, errno, "open `%s`", dest);
  c.root = dfd;
  for (size_t i = 0; i < n; i++)
    {
      _cleanup_close_ int sfd = open (lowers[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      struct stat st;
      if (sfd < 0 || fstat (sfd, &st) < 0)
        return bento_err_make (err, errno, "open `%s`", lowers[i]);
      int r = apply_dir (&c, sfd, dfd, "", err);
      links_reset (&c);
      if (r < 0)
        return bento_err_wrap (err, "layer `%s`", lowers[i]);
      fchown (dfd, st.st_uid, st.st_gid);
      fchmod (dfd, st.st_mode & 07777);
    }
  return 0;
}
