#include "engine/fsutil.h"
#include "shared/cleanup.h"

#include <dirent.h>
#include <pwd.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *
xasprintf (const char *fmt, ...)
{
  char *s;
  va_list ap;
  va_start (ap, fmt);
  if (vasprintf (&s, fmt, ap) < 0)
    s = NULL;
  va_end (ap);
  return s;
}

char *
user_bento_path (const char *xdg_env, const char *home_sub, const char *leaf)
{
  const char *xdg = getenv (xdg_env);
  if (xdg && *xdg == '/')
    return xasprintf ("%s/bento%s%s", xdg, *leaf ? "/" : "", leaf);
  const char *home = getenv ("HOME");
  if (home == NULL || *home != '/')
    {
      struct passwd *pw = getpwuid (geteuid ());
      home = pw ? pw->pw_dir : "/";
    }
  return xasprintf ("%s/%s/bento%s%s", home, home_sub, *leaf ? "/" : "", leaf);
}

int
mkdir_p (const char *path, mode_t mode, bento_err *err)
{
  _cleanup_free_ char *p = strdup (path);
  if (p == NULL)
    return bento_err_make (err, ENOMEM, "mkdir");
  for (char *c = p + 1;; c++)
    {
      if (*c != '/' && *c != '\0')
        continue;
      char saved = *c;
      *c = '\0';
      if (mkdir (p, mode) < 0 && errno != EEXIST)
        return bento_err_make (err, errno, "create directory `%s`", p);
      *c = saved;
      if (saved == '\0')
        break;
    }
  return 0;
}

int
write_all (int fd, const void *buf, size_t len)
{
  const char *p = buf;
  while (len > 0)
    {
      ssize_t w = write (fd, p, len);
      if (w < 0)
        {
          if (errno == EINTR)
            continue;
          return -1;
        }
      p += w;
      len -= (size_t) w;
    }
  return 0;
}

static int
write_file (int dirfd, const char *rel, const void *buf, size_t len, mode_t mode, bool sync, bento_err *err)
{
  _cleanup_close_ int fd = openat (dirfd, rel, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0)
    return bento_err_make (err, errno, "create `%s`", rel);
  if (write_all (fd, buf, len) < 0 || (sync && fdatasync (fd) < 0))
    {
      int e = errno;
      unlinkat (dirfd, rel, 0);
      return bento_err_make (err, e, "write `%s`", rel);
    }
  return 0;
}

int
write_file_at (int dirfd, const char *rel, const void *buf, size_t len, mode_t mode, bento_err *err)
{
  return write_file (dirfd, rel, buf, len, mode, false, err);
}

int
write_file_synced_at (int dirfd, const char *rel, const void *buf, size_t len, mode_t mode, bento_err *err)
{
  return write_file (dirfd, rel, buf, len, mode, true, err);
}

int
write_file_atomic_at (int dirfd, const char *rel, const void *buf, size_t len, mode_t mode, bento_err *err)
{
  _cleanup_free_ char *tmp = xasprintf ("%s.tmp-%d", rel, (int) getpid ());
  if (tmp == NULL)
    return bento_err_make (err, ENOMEM, "write `%s`", rel);
  _cleanup_close_ int fd = openat (dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0)
    return bento_err_make (err, errno, "create `%s`", tmp);
  if (write_all (fd, buf, len) < 0 || fsync (fd) < 0 || renameat (dirfd, tmp, dirfd, rel) < 0)
    {
      int e = errno;
      unlinkat (dirfd, tmp, 0);
      return bento_err_make (err, e, "write `%s`", rel);
    }
  return 0;
}

int
read_fd_all (int fd, size_t max, char **buf, size_t *len, bento_err *err)
{
  size_t cap = 4096, n = 0;
  char *b = malloc (cap + 1);
  if (b == NULL)
    return bento_err_make (err, ENOMEM, "read");
  for (;;)
    {
      if (n == cap)
        {
          if (cap > max)
            {
              free (b);
              return bento_err_make (err, EFBIG, "more than %zu bytes", max);
            }
          char *g = realloc (b, cap * 2 + 1);
          if (g == NULL)
            {
              free (b);
              return bento_err_make (err, ENOMEM, "read");
            }
          b = g;
          cap *= 2;
        }
      ssize_t r = read (fd, b + n, cap - n);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          int e = errno;
          free (b);
          return bento_err_make (err, e, "read");
        }
      if (r == 0)
        break;
      n += (size_t) r;
    }
  if (n > max)
    {
      free (b);
      return bento_err_make (err, EFBIG, "more than %zu bytes", max);
    }
  b[n] = '\0';
  *buf = b;
  *len = n;
  return 0;
}

int
read_file_at (int dirfd, const char *rel, size_t max, char **buf, size_t *len, bento_err *err)
{
  _cleanup_close_ int fd = openat (dirfd, rel, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return bento_err_make (err, errno, "open `%s`", rel);
  if (read_fd_all (fd, max, buf, len, err) < 0)
    return bento_err_wrap (err, "read `%s`", rel);
  return 0;
}

static int
rm_rf_children (int dirfd, const char *name, bento_err *err)
{
  int fd = openat (dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    {
      if (errno == EACCES)
        {
          /* a directory without read permission: the owner may open it up */
          if (fchmodat (dirfd, name, 0700, 0) == 0)
            fd = openat (dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }
      if (fd < 0)
        return bento_err_make (err, errno, "open `%s`", name);
    }
  _cleanup_closedir_ DIR *d = fdopendir (fd);
  if (d == NULL)
    {
      close (fd);
      return bento_err_make (err, errno, "open `%s`", name);
    }
  struct dirent *de;
  while ((errno = 0, de = readdir (d)))
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (unlinkat (fd, de->d_name, 0) == 0)
        continue;
      if (errno != EISDIR && errno != EPERM)
        return bento_err_make (err, errno, "remove `%s/%s`", name, de->d_name);
      if (rm_rf_children (fd, de->d_name, err) < 0)
        return bento_err_wrap (err, "%s", name);
      if (unlinkat (fd, de->d_name, AT_REMOVEDIR) < 0)
        return bento_err_make (err, errno, "remove `%s/%s`", name, de->d_name);
    }
  if (errno)
    return bento_err_make (err, errno, "read `%s`", name);
  return 0;
}

int
rm_rf_at (int dirfd, const char *rel, bento_err *err)
{
  if (unlinkat (dirfd, rel, 0) == 0 || errno == ENOENT)
    return 0;
  if (errno != EISDIR && errno != EPERM)
    return bento_err_make (err, errno, "remove `%s`", rel);
  if (rm_rf_children (dirfd, rel, err) < 0)
    return -1;
  if (unlinkat (dirfd, rel, AT_REMOVEDIR) < 0 && errno != ENOENT)
    return bento_err_make (err, errno, "remove `%s`", rel);
  return 0;
}
