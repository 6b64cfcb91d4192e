#include "runtime/devices.h"
#include "runtime/container.h"
#include "runtime/mount.h"
#include "shared/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* What every container gets, as runc and crun give it. */
static const struct bento_device default_devices[] = {
  { .path = (char *) "/dev/null", .type = 'c', .major = 1, .minor = 3 },
  { .path = (char *) "/dev/zero", .type = 'c', .major = 1, .minor = 5 },
  { .path = (char *) "/dev/full", .type = 'c', .major = 1, .minor = 7 },
  { .path = (char *) "/dev/random", .type = 'c', .major = 1, .minor = 8 },
  { .path = (char *) "/dev/urandom", .type = 'c', .major = 1, .minor = 9 },
  { .path = (char *) "/dev/tty", .type = 'c', .major = 5, .minor = 0 },
};

static const struct
{
  const char *target, *path;
} dev_symlinks[] = {
  { "/proc/self/fd", "/dev/fd" },     { "/proc/self/fd/0", "/dev/stdin" }, { "/proc/self/fd/1", "/dev/stdout" },
  { "/proc/self/fd/2", "/dev/stderr" }, { "pts/ptmx", "/dev/ptmx" },
};

/* Split PATH into a resolved parent dir fd (created if missing) and a name. */
static int
open_parent (int rootfd, const char *path, char **name, bento_err *err)
{
  _cleanup_free_ char *dir = strdup (path);
  *name = strdup (path);
  if (dir == NULL || *name == NULL)
    return bento_err_make (err, ENOMEM, "device `%s`", path);
  char *slash = strrchr (*name, '/');
  if (slash)
    memmove (*name, slash + 1, strlen (slash + 1) + 1);
  _cleanup_close_ int pfd = mkdir_in_root (rootfd, dirname (dir), false, err);
  if (pfd < 0)
    return -1;
  /* mknodat/symlinkat need a real directory fd, not O_PATH. */
  char buf[FD_PATH_MAX];
  int fd = open (fd_path (pfd, buf), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return bento_err_make (err, errno, "open parent of `%s`", path);
  return fd;
}

static int
mknod_device (int rootfd, const struct bento_device *d, bento_err *err)
{
  _cleanup_free_ char *name = NULL;
  _cleanup_close_ int pfd = open_parent (rootfd, d->path, &name, err);
  if (pfd < 0 || name == NULL)
    return -1;
  mode_t type = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;
  mode_t perm = d->has_file_mode ? (d->file_mode & 07777) : 0666;
  if (unlinkat (pfd, name, 0) < 0 && errno != ENOENT)
    return bento_err_make (err, errno, "replace device `%s`", d->path);
  if (mknodat (pfd, name, type | perm, makedev ((unsigned) d->major, (unsigned) d->minor)) < 0)
    return bento_err_make (err, errno, "mknod `%s`", d->path);
  /* mknod applies the umask; the config's mode is what it says. */
  if (fchmodat (pfd, name, perm, 0) < 0)
    return bento_err_make (err, errno, "chmod `%s`", d->path);
  if ((d->has_uid || d->has_gid)
      && fchownat (pfd, name, d->has_uid ? d->uid : (uid_t) -1, d->has_gid ? d->gid : (gid_t) -1, AT_SYMLINK_NOFOLLOW) < 0)
    return bento_err_make (err, errno, "chown `%s`", d->path);
  return 0;
}

static int
bind_device (int rootfd, const struct bento_device *d, bento_err *err)
{
  if (mount_bind_into (rootfd, d->path, d->path, false, 0, true, err) < 0)
    return bento_err_wrap (err, "bind device `%s` from the host", d->path);
  return 0;
}

static bool
listed (const struct bento_linux *l, const char *path)
{
  for (size_t i = 0; l && i < l->n_devices; i++)
    if (strcmp (l->devices[i].path, path) == 0)
      return true;
  return false;
}

int
devices_setup (struct container *c, int rootfd, bento_err *err)
{
  const struct bento_linux *l = c->spec->linux_;
  bool bind = c->rootless || c->in_userns || c->new_userns;
  int (*make) (int, const struct bento_device *, bento_err *) = bind ? bind_device : mknod_device;

  for (size_t i = 0; i < sizeof default_devices / sizeof default_devices[0]; i++)
    if (!listed (l, default_devices[i].path) && make (rootfd, &default_devices[i], err) < 0)
      return -1;
  for (size_t i = 0; l && i < l->n_devices; i++)
    if (make (rootfd, &l->devices[i], err) < 0)
      return -1;
  for (size_t i = 0; i < sizeof dev_symlinks / sizeof dev_symlinks[0]; i++)
    {
      _cleanup_free_ char *name = NULL;
      _cleanup_close_ int pfd = open_parent (rootfd, dev_symlinks[i].path, &name, err);
      if (pfd < 0 || name == NULL)
        return -1;
      if (symlinkat (dev_symlinks[i].target, pfd, name) < 0 && errno != EEXIST)
        return bento_err_make (err, errno, "symlink `%s`", dev_symlinks[i].path);
    }
  return 0;
}
