/* Mounts inside the container's root, resolved so they can never leave it:
 * every destination is opened with openat2(RESOLVE_IN_ROOT) from a fd of the
 * rootfs, and the mount goes onto /proc/self/fd/N of that fd.  A symlink
 * swapped into the rootfs therefore cannot redirect a mount to the host
 * (the CVE-2021-30465 class). */
#ifndef BENTO_MOUNT_H
#define BENTO_MOUNT_H

#include "shared/error.h"
#include "spec/spec.h"

#include <stdbool.h>

struct container;

/* openat2(ROOTFD, PATH, FLAGS, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS). */
int open_in_root (int rootfd, const char *path, int flags);

/* Make every missing directory of PATH inside the root; returns an O_PATH fd
 * of PATH itself.  With IS_FILE, the last component is made an empty file. */
int mkdir_in_root (int rootfd, const char *path, bool is_file, bento_err *err);

/* The "/proc/self/fd/N" name of FD, for mount(2). */
#define FD_PATH_MAX 32
const char *fd_path (int fd, char buf[FD_PATH_MAX]);

/* MS_* flags the kernel locks on a mount in a user namespace (nosuid, nodev,
 * noexec, atime flags, ro): a bind remount must repeat them or fail. */
unsigned long mount_locked_flags (const char *path);

/* Mount M into the rootfs of C. */
int mount_apply (struct container *c, int rootfd, const struct bento_mount *m, bento_err *err);

/* Bind SRC (a host path) onto DEST inside the root, remounted with FLAGS. */
int mount_bind_into (int rootfd, const char *src, const char *dest, bool recursive, unsigned long flags,
                     bool in_userns, bento_err *err);

#endif
