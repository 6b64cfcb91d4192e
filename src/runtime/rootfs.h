/* The container's root filesystem, in the init's own mount namespace:
 *   rootfs_prepare  mount propagation, the rootfs bound onto itself, the
 *                   config's mounts, devices, the cwd (before pivot_root:
 *                   proc can only be mounted while the host's is visible)
 *   rootfs_pivot    pivot_root into it and detach the old root (or MS_MOVE +
 *                   chroot with --no-pivot)
 *   rootfs_finish   masked paths, read-only paths, read-only root,
 *                   rootfsPropagation (after pivot_root) */
#ifndef BENTO_ROOTFS_H
#define BENTO_ROOTFS_H

#include "shared/error.h"

struct container;

int rootfs_prepare (struct container *c, int *rootfd, bento_err *err);
int rootfs_pivot (struct container *c, int rootfd, bento_err *err);
int rootfs_finish (struct container *c, bento_err *err);

#endif
