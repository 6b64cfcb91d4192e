/* A container's root filesystem from an image: the image's layers as the
 * lowerdirs of a native overlayfs, with an upper and a work dir per
 * container; where overlay cannot be mounted (the store itself on an
 * overlayfs, an old kernel, no user namespace support), a copy of the
 * layers with the whiteouts applied.  The choice is automatic and logged at
 * debug level (`bento --debug`); BENTO_STORAGE_DRIVER=overlay|copy forces one.
 *
 * The engine, creating a container from image IMG with id ID:
 *
 *   struct image_rootfs r;
 *   image_rootfs_create (store, &img, id, &r, &err);   // dirs, holds IMG
 *   ... in the container's mount namespace (and, rootless, in a user
 *   namespace with the store's id maps: store->uids/gids) ...
 *   image_rootfs_mount (&r, NULL, &err);               // at r.merged
 *   ... run the container with r.merged as its root ...
 *   image_rootfs_unmount (&r, NULL, &err);
 *   image_rootfs_remove (store, img.id, id, &err);      // dirs, releases
 *   image_rootfs_free (&r);
 *
 *   ROOT/containers/ID/upper, work   overlay's upper and work dirs
 *   ROOT/containers/ID/merged        the mount point
 *   ROOT/containers/ID/copy          the copy fallback's tree */
#ifndef BENTO_ENGINE_OVERLAY_H
#define BENTO_ENGINE_OVERLAY_H

#include "engine/store.h"

enum rootfs_driver
{
  ROOTFS_AUTO,
  ROOTFS_OVERLAY,
  ROOTFS_COPY,
};

struct image_rootfs
{
  char **lowers;     /* absolute layer dirs, bottom layer first */
  size_t n_lowers;
  char *dir, *upper, *work, *merged, *copy;
  const char *overlay_xattr; /* the store's: "user.overlay." when rootless */
  bool userxattr;
  enum rootfs_driver driver; /* what image_rootfs_mount used */
  /* --userns keep-id: the copy driver, its files' owners shifted so that
   * they show as the image says under the keep-id map, and a passwd entry
   * for the user (podman's behaviour) */
  bool keep_id;
  uint32_t keep_uid, keep_gid;
  /* --userns auto: the copy driver, owners moved up by auto_uid/gid */
  bool shift_auto;
  uint32_t auto_uid, auto_gid;
};

/* The layer dirs of IMG, bottom first, each checked to exist. */
int image_layer_dirs (struct store *s, const struct image_record *img, char ***dirs, size_t *n, bento_err *err);

int image_rootfs_create (struct store *s, const struct image_record *img, const char *id, struct image_rootfs *r,
                         bento_err *err);
/* Mount at TARGET (NULL: r->merged) with DRIVER (ROOTFS_AUTO: overlay,
 * else the copy). */
int image_rootfs_mount (struct image_rootfs *r, const char *target, enum rootfs_driver driver, bento_err *err);
/* Make the copy driver's tree now (as root, before the container's user
 * namespace exists: --userns auto's shift needs the host's ids), and let
 * the container's root, an unprivileged id of the host, reach it: the
 * store's dirs on the way get o+x (no listing), as runc requires of a
 * rootfs under a user namespace. */
int image_rootfs_precopy (struct image_rootfs *r, const char *store_root, bento_err *err);
int image_rootfs_unmount (struct image_rootfs *r, const char *target, bento_err *err);
/* IMAGE_ID NULL: the one recorded at create (containers/ID/image). */
int image_rootfs_remove (struct store *s, const char *image_id, const char *id, bento_err *err);
void image_rootfs_free (struct image_rootfs *r);

/* "lowerdir=TOP:...:BOTTOM,upperdir=..,workdir=..[,userxattr]" with `\`,
 * `:` and `,` in paths escaped by a backslash, as overlayfs parses them. */
char *overlay_options (char *const *lowers_bottom_first, size_t n, const char *upper, const char *work,
                       bool userxattr);

/* Apply layer dirs (bottom first) onto DEST: whiteouts delete, opaque
 * directories hide what is below; owners, modes, times and xattrs kept. */
int rootfs_copy_layers (char *const *lowers, size_t n, const char *dest, const char *overlay_xattr, bento_err *err);

#endif
