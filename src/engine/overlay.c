#include "engine/overlay.h"
#include "engine/fsutil.h"
#include "shared/cleanup.h"
#include "shared/idmap.h"
#include "shared/log.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static void
strv_free_n (char **v, size_t n)
{
  for (size_t i = 0; v && i < n; i++)
    free (v[i]);
  free (v);
}

int
image_layer_dirs (struct store *s, const struct image_record *img, char ***dirs, size_t *n, bento_err *err)
{
  char **v = calloc (img->n_layers + 1, sizeof *v);
  if (v == NULL)
    return bento_err_make (err, ENOMEM, "layers");
  for (size_t i = 0; i < img->n_layers; i++)
    {
      _cleanup_free_ char *rel = store_layer_relpath (img->layers[i].diff_id);
      v[i] = rel ? store_path (s, rel) : NULL;
      if (v[i] == NULL)
        {
          strv_free_n (v, i);
          return bento_err_make (err, ENOMEM, "layers");
        }
      if (!store_has (s, rel))
        {
          strv_free_n (v, i + 1);
          return bento_err_make (err, 0, "layer %s of image %s is missing from the store", img->layers[i].diff_id,
                                 img->id);
        }
    }
  *dirs = v;
  *n = img->n_layers;
  return 0;
}

void
image_rootfs_free (struct image_rootfs *r)
{
  strv_free_n (r->lowers, r->n_lowers);
  free (r->dir);
  free (r->upper);
  free (r->work);
  free (r->merged);
  free (r->copy);
  memset (r, 0, sizeof *r);
}

static bool
id_valid (const char *id)
{
  size_t n = strlen (id);
  return n > 0 && n < 128 && id[0] != '.' && strspn (id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n;
}

static int rootfs_create_locked (struct store *s, const struct image_record *img, const char *id,
                                 struct image_rootfs *r, bento_err *err);

int
image_rootfs_create (struct store *s, const struct image_record *img, const char *id, struct image_rootfs *r,
                     bento_err *err)
{
  memset (r, 0, sizeof *r);
  if (!id_valid (id))
    return bento_err_make (err, 0, "bad container id `%s`", id);
  /* no rmi may delete the layers between the check and the hold */
  bool had_lock = s->gc_fd >= 0;
  if (!had_lock && store_lock_gc (s, false, err) < 0)
    return -1;
  int ret = rootfs_create_locked (s, img, id, r, err);
  if (!had_lock)
    store_unlock_gc (s);
  return ret;
}

static int
rootfs_create_locked (struct store *s, const struct image_record *img, const char *id, struct image_rootfs *r,
                      bento_err *err)
{
  if (image_layer_dirs (s, img, &r->lowers, &r->n_lowers, err) < 0)
    return -1;
  r->dir = xasprintf ("%s/containers/%s", s->root, id);
  r->upper = xasprintf ("%s/containers/%s/upper", s->root, id);
  r->work = xasprintf ("%s/containers/%s/work", s->root, id);
  r->merged = xasprintf ("%s/containers/%s/merged", s->root, id);
  r->copy = xasprintf ("%s/containers/%s/copy", s->root, id);
  r->overlay_xattr = s->overlay_xattr;
  r->userxattr = s->rootless;
  if (!r->dir || !r->upper || !r->work || !r->merged || !r->copy)
    {
      image_rootfs_free (r);
      return bento_err_make (err, ENOMEM, "rootfs");
    }
  const char *dirs[] = { r->dir, r->upper, r->work, r->merged };
  for (size_t i = 0; i < 4; i++)
    if (mkdir (dirs[i], i == 0 ? 0700 : 0755) < 0 && errno != EEXIST)
      {
        int e = errno;
        image_rootfs_free (r);
        return bento_err_make (err, e, "create `%s`", dirs[i]);
      }
  _cleanup_free_ char *rec = xasprintf ("containers/%s/image", id);
  if (rec == NULL || write_file_at (s->dirfd, rec, img->id, strlen (img->id), 0600, err) < 0
      || store_hold (s, img->id, id, err) < 0)
    {
      image_rootfs_free (r);
      return rec ? -1 : bento_err_make (err, ENOMEM, "rootfs");
    }
  return 0;
}

static size_t
escaped_len (const char *p)
{
  size_t n = 0;
  for (; *p; p++)
    n += (*p == '\\' || *p == ':' || *p == ',') ? 2 : 1;
  return n;
}

static char *
put_escaped (char *out, const char *p)
{
  for (; *p; p++)
    {
      if (*p == '\\' || *p == ':' || *p == ',')
        *out++ = '\\';
      *out++ = *p;
    }
  return out;
}

char *
overlay_options (char *const *lowers, size_t n, const char *upper, const char *work, bool userxattr)
{
  size_t len = 64 + (upper ? escaped_len (upper) : 0) + (work ? escaped_len (work) : 0);
  for (size_t i = 0; i < n; i++)
    len += escaped_len (lowers[i]) + 1;
  char *s = malloc (len), *o = s;
  if (s == NULL)
    return NULL;
  o += sprintf (o, "lowerdir=");
  /* overlay lists the top layer first */
  for (size_t i = n; i-- > 0;)
    {
      o = put_escaped (o, lowers[i]);
      if (i > 0)
        *o++ = ':';
    }
  if (upper && work)
    {
      o += sprintf (o, ",upperdir=");
      o = put_escaped (o, upper);
      o += sprintf (o, ",workdir=");
      o = put_escaped (o, work);
    }
  o += sprintf (o, "%s", userxattr ? ",userxattr" : "");
  *o = '\0';
  return s;
}

/* The new mount API, one lowerdir+ at a time: no length limit, no
 * escaping (Linux 6.8+), for images with many layers. */
static int
overlay_mount_fsconfig (const struct image_rootfs *r, const char *target)
{
  int fs = (int) syscall (SYS_fsopen, "overlay", FSOPEN_CLOEXEC);
  if (fs < 0)
    return -1;
  int rc = 0;
  for (size_t i = r->n_lowers; rc == 0 && i-- > 0;)
    rc = (int) syscall (SYS_fsconfig, fs, FSCONFIG_SET_STRING, "lowerdir+", r->lowers[i], 0);
  if (rc == 0)
    rc = (int) syscall (SYS_fsconfig, fs, FSCONFIG_SET_STRING, "upperdir", r->upper, 0);
  if (rc == 0)
    rc = (int) syscall (SYS_fsconfig, fs, FSCONFIG_SET_STRING, "workdir", r->work, 0);
  if (rc == 0 && r->userxattr)
    rc = (int) syscall (SYS_fsconfig, fs, FSCONFIG_SET_FLAG, "userxattr", NULL, 0);
  if (rc == 0)
    rc = (int) syscall (SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0);
  int mnt = rc == 0 ? (int) syscall (SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0) : -1;
  int e = errno;
  close (fs);
  if (mnt < 0)
    {
      errno = e;
      return -1;
    }
  rc = (int) syscall (SYS_move_mount, mnt, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH);
  e = errno;
  close (mnt);
  errno = e;
  return rc;
}

static int
overlay_mount (const struct image_rootfs *r, const char *target, bento_err *err)
{
  _cleanup_free_ char *opts = overlay_options (r->lowers, r->n_lowers, r->upper, r->work, r->userxattr);
  if (opts == NULL)
    return bento_err_make (err, ENOMEM, "overlay");
  long page = sysconf (_SC_PAGESIZE);
  int rc;
  if ((long) strlen (opts) < page)
    {
      log_debug ("overlay: mount -t overlay -o %s %s", opts, target);
      rc = mount ("overlay", target, "overlay", 0, opts);
    }
  else
    {
      log_debug ("overlay: %zu layers, options too long for mount(2): lowerdir+ through fsconfig", r->n_lowers);
      rc = overlay_mount_fsconfig (r, target);
    }
  if (rc < 0)
    return bento_err_make (err, errno, "mount overlay at `%s`", target);
  return 0;
}

/* ---- --userns keep-id -------------------------------------------------- */

/* nftw passes no argument to its callback: the shift, for shift_one.
 * keep-id: the keep-id map's (shift_uid/gid = the kept ids); else the
 * offset of --userns auto's range (added). */
static bool shift_keep_id;
static uint32_t shift_uid, shift_gid;

static int
shift_one (const char *path, const struct stat *st, int type, struct FTW *ftw)
{
  (void) type;
  (void) ftw;
  uid_t u = shift_keep_id ? idmap_keep_id_shift ((uint32_t) st->st_uid, shift_uid) : st->st_uid + shift_uid;
  gid_t g = shift_keep_id ? idmap_keep_id_shift ((uint32_t) st->st_gid, shift_gid) : st->st_gid + shift_gid;
  /* lchown drops setuid bits: put the mode back (not for symlinks) */
  if (lchown (path, u, g) < 0 || (!S_ISLNK (st->st_mode) && chmod (path, st->st_mode & 07777) < 0))
    return errno ? errno : EIO;
  return 0;
}

/* The copy is seen through the keep-id map: give every file the owner that
 * shows as the one it had (idmap_keep_id_shift). */
static int
shift_tree (const char *dir, bool keep_id, uint32_t uid, uint32_t gid, bento_err *err)
{
  shift_keep_id = keep_id;
  shift_uid = uid;
  shift_gid = gid;
  int e = nftw (dir, shift_one, 64, FTW_PHYS | FTW_MOUNT);
  if (e != 0)
    return bento_err_make (err, e > 0 ? e : errno, "shift the owners in `%s`", dir);
  return 0;
}

/* podman adds the user to the container's /etc/passwd when it is not there */
static int
keep_id_passwd (struct image_rootfs *r, bento_err *err)
{
  _cleanup_close_ int root = open (r->copy, O_PATH | O_DIRECTORY | O_CLOEXEC);
  struct open_how how = { .flags = O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, .mode = 0644,
                          .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
  _cleanup_close_ int fd = root < 0 ? -1 : (int) syscall (SYS_openat2, root, "etc/passwd", &how, sizeof how);
  if (fd < 0)
    return bento_err_make (err, errno, "--userns keep-id: open the image's /etc/passwd");
  _cleanup_fclose_ FILE *f = fdopen (dup (fd), "r");
  char line[1024], want[32];
  snprintf (want, sizeof want, ":%u:", (unsigned) r->keep_uid);
  while (f && fgets (line, sizeof line, f))
    {
      char *first = strchr (line, ':');
      char *second = first ? strchr (first + 1, ':') : NULL;
      if (second && strncmp (second, want, strlen (want)) == 0)
        return 0; /* the image has the uid */
    }
  /* the host's entry (still our /etc: this runs before the pivot) */
  struct passwd *pw = getpwuid (r->keep_uid);
  const char *name = pw ? pw->pw_name : "user", *home = pw ? pw->pw_dir : "/";
  if (dprintf (fd, "%s:*:%u:%u:%s:%s:/bin/sh\n", name, (unsigned) r->keep_uid, (unsigned) r->keep_gid, name, home) < 0)
    return bento_err_make (err, errno, "--userns keep-id: add the user to /etc/passwd");
  return 0;
}

/* The copy driver's tree, made once per container (.complete marks it). */
static int
make_copy (struct image_rootfs *r, bento_err *err)
{
  _cleanup_free_ char *done = xasprintf ("%s/.complete", r->dir);
  if (done == NULL)
    return bento_err_make (err, ENOMEM, "rootfs");
  if (access (done, F_OK) == 0)
    return 0;
  if (errno != ENOENT)
    return bento_err_make (err, errno, "reach `%s` (under a user namespace every directory above the store must be "
                                       "searchable by others, o+x)", r->dir);
  bento_err rm = BENTO_ERR_INIT;
  rm_rf_at (AT_FDCWD, r->copy, &rm);
  bento_err_clear (&rm);
  if (mkdir (r->copy, 0755) < 0)
    return bento_err_make (err, errno, "create `%s`", r->copy);
  if (rootfs_copy_layers (r->lowers, r->n_lowers, r->copy, r->overlay_xattr, err) < 0)
    return bento_err_wrap (err, "copy the layers");
  if (r->keep_id && (shift_tree (r->copy, true, r->keep_uid, r->keep_gid, err) < 0 || keep_id_passwd (r, err) < 0))
    return bento_err_wrap (err, "--userns keep-id");
  if (r->shift_auto && shift_tree (r->copy, false, r->auto_uid, r->auto_gid, err) < 0)
    return bento_err_wrap (err, "--userns auto");
  int fd = open (done, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return bento_err_make (err, errno, "create `%s`", done);
  close (fd);
  return 0;
}

static int
copy_mount (struct image_rootfs *r, const char *target, bento_err *err)
{
  if (make_copy (r, err) < 0)
    return -1;
  if (mount (r->copy, target, NULL, MS_BIND | MS_REC, NULL) < 0)
    return bento_err_make (err, errno, "bind `%s` to `%s`", r->copy, target);
  return 0;
}

int
image_rootfs_precopy (struct image_rootfs *r, const char *store_root, bento_err *err)
{
  if (make_copy (r, err) < 0)
    return -1;
  /* STORE_ROOT, STORE_ROOT/containers, the container's dir */
  _cleanup_free_ char *containers = xasprintf ("%s/containers", store_root);
  const char *dirs[] = { store_root, containers, r->dir };
  for (size_t i = 0; i < 3; i++)
    {
      struct stat st;
      if (dirs[i] == NULL || stat (dirs[i], &st) < 0)
        return bento_err_make (err, dirs[i] ? errno : ENOMEM, "--userns auto: `%s`", dirs[i] ? dirs[i] : "");
      if ((st.st_mode & 0001) == 0 && chmod (dirs[i], (st.st_mode & 07777) | 0011) < 0)
        return bento_err_make (err, errno, "--userns auto: chmod o+x `%s`", dirs[i]);
    }
  return 0;
}

int
image_rootfs_mount (struct image_rootfs *r, const char *target, enum rootfs_driver driver, bento_err *err)
{
  const char *env = getenv ("BENTO_STORAGE_DRIVER");
  if (driver == ROOTFS_AUTO && ((env && strcmp (env, "copy") == 0) || r->keep_id || r->shift_auto))
    driver = ROOTFS_COPY;
  else if (driver == ROOTFS_AUTO && env && strcmp (env, "overlay") == 0)
    driver = ROOTFS_OVERLAY;
  target = target ? target : r->merged;
  if (driver != ROOTFS_COPY)
    {
      bento_err oerr = BENTO_ERR_INIT;
      if (overlay_mount (r, target, &oerr) == 0)
        {
          r->driver = ROOTFS_OVERLAY;
          log_debug ("rootfs: native overlayfs at %s", target);
          return 0;
        }
      if (driver == ROOTFS_OVERLAY)
        {
          *err = oerr;
          return -1;
        }
      log_debug ("rootfs: overlay not possible here (%s): using the copy fallback", oerr.msg);
      bento_err_clear (&oerr);
    }
  if (copy_mount (r, target, err) < 0)
    return -1;
  r->driver = ROOTFS_COPY;
  log_debug ("rootfs: copy of %zu layers at %s", r->n_lowers, target);
  return 0;
}

int
image_rootfs_unmount (struct image_rootfs *r, const char *target, bento_err *err)
{
  target = target ? target : r->merged;
  if (umount2 (target, 0) < 0 && umount2 (target, MNT_DETACH) < 0)
    return bento_err_make (err, errno, "unmount `%s`", target);
  return 0;
}

static int
remove_container_dir (struct store *s, void *arg, bento_err *err)
{
  return rm_rf_at (s->dirfd, arg, err);
}

int
image_rootfs_remove (struct store *s, const char *image_id, const char *id, bento_err *err)
{
  if (!id_valid (id))
    return bento_err_make (err, 0, "bad container id `%s`", id);
  _cleanup_free_ char *rel = xasprintf ("containers/%s", id);
  _cleanup_free_ char *rec = xasprintf ("containers/%s/image", id);
  _cleanup_free_ char *stored = NULL;
  size_t len;
  if (rel == NULL || rec == NULL)
    return bento_err_make (err, ENOMEM, "rootfs");
  if (image_id == NULL)
    {
      if (read_file_at (s->dirfd, rec, DIGEST_MAX, &stored, &len, err) < 0)
        return bento_err_wrap (err, "rootfs of `%s`", id);
      image_id = stored;
    }
  /* the upper dir holds files of the container's users */
  int r = s->rootless && !s->in_userns ? store_run_in_userns (s, false, remove_container_dir, rel, err)
                                       : rm_rf_at (s->dirfd, rel, err);
  if (r < 0)
    return bento_err_wrap (err, "remove the rootfs of `%s`", id);
  return store_release (s, image_id, id, err);
}
