#include "runtime/rootfs.h"
#include "runtime/container.h"
#include "runtime/devices.h"
#include "runtime/mount.h"
#include "shared/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int
rootfs_prepare (struct container *c, int *rootfd, bento_err *err)
{
  /* Nothing we mount may propagate back to the host: slave, so the host's
   * unmounts still reach us (runc's default). */
  if (mount (NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
    return bento_err_make (err, errno, "make the mount tree a slave of the host's");
  if (c->prepare_root && c->prepare_root (c, c->prepare_root_arg, err) < 0)
    return -1;
  /* pivot_root wants the new root to be a mount point. */
  if (mount (c->rootfs, c->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    return bento_err_make (err, errno, "bind mount rootfs `%s`", c->rootfs);
  int fd = open (c->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return bento_err_make (err, errno, "open rootfs `%s`", c->rootfs);
  *rootfd = fd;

  for (size_t i = 0; i < c->spec->n_mounts; i++)
    if (mount_apply (c, fd, &c->spec->mounts[i], err) < 0)
      return -1;
  if (devices_setup (c, fd, err) < 0)
    return -1;
  if (c->spec->process)
    {
      /* runc creates a missing cwd, as the user will chdir into it. */
      _cleanup_close_ int cwd = mkdir_in_root (fd, c->spec->process->cwd, false, err);
      if (cwd < 0)
        return bento_err_wrap (err, "process.cwd");
    }
  return 0;
}

static int
move_root (struct container *c, int rootfd, bento_err *err)
{
  if (fchdir (rootfd) < 0)
    return bento_err_make (err, errno, "chdir to the rootfs");
  if (mount (c->rootfs, "/", NULL, MS_MOVE, NULL) < 0)
    return bento_err_make (err, errno, "move the rootfs to /");
  if (chroot (".") < 0)
    return bento_err_make (err, errno, "chroot into the rootfs");
  if (chdir ("/") < 0)
    return bento_err_make (err, errno, "chdir /");
  return 0;
}

int
rootfs_pivot (struct container *c, int rootfd, bento_err *err)
{
  if (c->no_pivot)
    return move_root (c, rootfd, err);
  _cleanup_close_ int oldroot = open ("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (oldroot < 0)
    return bento_err_make (err, errno, "open the old root");
  if (fchdir (rootfd) < 0)
    return bento_err_make (err, errno, "chdir to the rootfs");
  /* pivot_root(".", "."): the old root ends up stacked on the new one. */
  if (syscall (SYS_pivot_root, ".", ".") < 0)
    return bento_err_make (err, errno, "pivot_root into `%s`", c->rootfs);
  if (fchdir (oldroot) < 0)
    return bento_err_make (err, errno, "chdir to the old root");
  /* Keep the unmount from propagating to the host's mounts. */
  if (mount (NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
    return bento_err_make (err, errno, "make the old root a slave");
  if (umount2 (".", MNT_DETACH) < 0)
    return bento_err_make (err, errno, "detach the old root");
  if (chdir ("/") < 0)
    return bento_err_make (err, errno, "chdir /");
  return 0;
}

/* Masked paths: /dev/null over files, an empty read-only tmpfs over
 * directories, so the right file type is kept. */
static int
mask_path (const char *path, bento_err *err)
{
  struct stat st;
  if (stat (path, &st) < 0)
    return errno == ENOENT ? 0 : bento_err_make (err, errno, "mask `%s`", path);
  if (S_ISDIR (st.st_mode))
    {
      if (mount ("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0k,mode=0555") < 0)
        return bento_err_make (err, errno, "mask directory `%s`", path);
    }
  else if (mount ("/dev/null", path, NULL, MS_BIND, NULL) < 0)
    return bento_err_make (err, errno, "mask `%s`", path);
  return 0;
}

static int
readonly_path (const char *path, bento_err *err)
{
  if (mount (path, path, NULL, MS_BIND | MS_REC, NULL) < 0)
    return errno == ENOENT ? 0 : bento_err_make (err, errno, "bind `%s` read-only", path);
  unsigned long locked = mount_locked_flags (path);
  if (mount (NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | locked, NULL) < 0)
    return bento_err_make (err, errno, "remount `%s` read-only", path);
  return 0;
}

int
rootfs_finish (struct container *c, bento_err *err)
{
  const struct bento_linux *l = c->spec->linux_;
  for (size_t i = 0; l && i < l->n_readonly_paths; i++)
    if (readonly_path (l->readonly_paths[i], err) < 0)
      return -1;
  for (size_t i = 0; l && i < l->n_masked_paths; i++)
    if (mask_path (l->masked_paths[i], err) < 0)
      return -1;
  if (c->spec->root_readonly)
    {
      unsigned long locked = mount_locked_flags ("/");
      if (mount (NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | locked, NULL) < 0)
        return bento_err_make (err, errno, "remount the root read-only");
    }
  if (l && l->rootfs_propagation && mount (NULL, "/", NULL, l->rootfs_propagation, NULL) < 0)
    return bento_err_make (err, errno, "set rootfsPropagation");
  return 0;
}
