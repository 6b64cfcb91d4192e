#include "runtime/mount.h"
#include "runtime/security.h"
#include "runtime/container.h"
#include "shared/cleanup.h"
#include "shared/log.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

int
open_in_root (int rootfd, const char *path, int flags)
{
  struct open_how how = {
    .flags = (uint64_t) (flags | O_CLOEXEC),
    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
  };
  while (*path == '/')
    path++;
  if (*path == '\0')
    path = ".";
  return (int) syscall (SYS_openat2, rootfd, path, &how, sizeof how);
}

const char *
fd_path (int fd, char buf[FD_PATH_MAX])
{
  snprintf (buf, FD_PATH_MAX, "/proc/self/fd/%d", fd);
  return buf;
}

/* Create the last component NAME under PARENT (a resolved directory fd). */
static int
make_entry (int parent, const char *name, bool is_file)
{
  if (!is_file)
    return mkdirat (parent, name, 0755) < 0 && errno != EEXIST ? -1 : 0;
  int fd = openat (parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0)
    return errno == EEXIST ? 0 : -1;
  close (fd);
  return 0;
}

/* A path being walked: the resolved part (relative to the root) and the
 * components still to go, which a symlink can prepend to. */
struct walk
{
  char done[PATH_MAX];
  char todo[PATH_MAX];
};

static int
walk_push (struct walk *w, const char *front)
{
  char rest[PATH_MAX];
  snprintf (rest, sizeof rest, "%s", w->todo);
  if ((size_t) snprintf (w->todo, sizeof w->todo, "%s/%s", front, rest) >= sizeof w->todo)
    return -1;
  return 0;
}

/* Take the next component of w->todo into NAME. */
static bool
walk_next (struct walk *w, char *name, size_t len)
{
  char *s = w->todo;
  while (*s == '/')
    s++;
  if (*s == '\0')
    return false;
  size_t n = strcspn (s, "/");
  snprintf (name, len, "%.*s", (int) n, s);
  memmove (w->todo, s + n, strlen (s + n) + 1);
  return true;
}

static void
walk_up (struct walk *w)
{
  char *slash = strrchr (w->done, '/');
  if (slash)
    *slash = '\0';
  else
    w->done[0] = '\0';
}

/* One component: follow a symlink (inside the root), create what is
 * missing, descend into what exists. */
static int
walk_step (int rootfd, struct walk *w, const char *name, bool last, bool is_file, int *links)
{
  if (strcmp (name, ".") == 0)
    return 0;
  if (strcmp (name, "..") == 0)
    {
      walk_up (w);
      return 0;
    }
  _cleanup_close_ int parent = open_in_root (rootfd, w->done, O_PATH | O_DIRECTORY);
  if (parent < 0)
    return -1;
  char target[PATH_MAX];
  ssize_t n = readlinkat (parent, name, target, sizeof target - 1);
  if (n >= 0)
    {
      if (++*links > 40)
        return errno = ELOOP, -1;
      target[n] = '\0';
      if (target[0] == '/')
        w->done[0] = '\0';
      return walk_push (w, target);
    }
  if (errno != EINVAL && errno != ENOENT)
    return -1;
  if (make_entry (parent, name, last && is_file) < 0)
    return -1;
  size_t len = strlen (w->done);
  snprintf (w->done + len, sizeof w->done - len, "%s%s", len ? "/" : "", name);
  return 0;
}

int
mkdir_in_root (int rootfd, const char *path, bool is_file, bento_err *err)
{
  int fd = open_in_root (rootfd, path, O_PATH);
  if (fd >= 0 || errno != ENOENT)
    return fd >= 0 ? fd : bento_err_make (err, errno, "resolve `%s` in the rootfs", path);

  /* Walk it by hand: every symlink is followed as the rootfs would see it
   * (absolute ones from its top), and only a single name is ever created
   * under a directory that was itself resolved inside the root. */
  struct walk w = { "", "" };
  int links = 0;
  char name[NAME_MAX + 1];
  if (snprintf (w.todo, sizeof w.todo, "%s", path) >= (int) sizeof w.todo)
    return bento_err_make (err, ENAMETOOLONG, "resolve `%s`", path);
  while (walk_next (&w, name, sizeof name))
    {
      bool last = strspn (w.todo, "/") == strlen (w.todo);
      if (walk_step (rootfd, &w, name, last, is_file, &links) < 0)
        return bento_err_make (err, errno, "create `%s` in the rootfs", path);
    }
  fd = open_in_root (rootfd, w.done, O_PATH);
  if (fd < 0)
    return bento_err_make (err, errno, "resolve `%s` in the rootfs", path);
  return fd;
}

unsigned long
mount_locked_flags (const char *path)
{
  struct statvfs sv;
  if (statvfs (path, &sv) < 0)
    return 0;
  unsigned long f = 0;
  if (sv.f_flag & ST_NOSUID)
    f |= MS_NOSUID;
  if (sv.f_flag & ST_NODEV)
    f |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC)
    f |= MS_NOEXEC;
  if (sv.f_flag & ST_RDONLY)
    f |= MS_RDONLY;
  if (sv.f_flag & ST_NOATIME)
    f |= MS_NOATIME;
  if (sv.f_flag & ST_NODIRATIME)
    f |= MS_NODIRATIME;
  if (sv.f_flag & ST_RELATIME)
    f |= MS_RELATIME;
  return f;
}

/* Flags that only a remount of a bind mount applies. */
#define BIND_REMOUNT_FLAGS                                                                                       \
  (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME)

static int
remount_bind (int rootfd, const char *dest, unsigned long flags, unsigned long locked, bento_err *err)
{
  char buf[FD_PATH_MAX];
  /* Reopen: the fd we mounted onto still names the directory below. */
  _cleanup_close_ int fd = open_in_root (rootfd, dest, O_PATH);
  if (fd < 0)
    return bento_err_make (err, errno, "resolve `%s` after mounting", dest);
  unsigned long f = MS_BIND | MS_REMOUNT | (flags & BIND_REMOUNT_FLAGS) | locked;
  if (mount (NULL, fd_path (fd, buf), NULL, f, NULL) < 0)
    return bento_err_make (err, errno, "remount `%s` with its options", dest);
  return 0;
}

int
mount_bind_into (int rootfd, const char *src, const char *dest, bool recursive, unsigned long flags, bool in_userns,
                 bento_err *err)
{
  char sbuf[FD_PATH_MAX], dbuf[FD_PATH_MAX];
  _cleanup_close_ int sfd = open (src, O_PATH | O_CLOEXEC);
  if (sfd < 0)
    return bento_err_make (err, errno, "bind mount source `%s`", src);
  struct stat st;
  if (fstat (sfd, &st) < 0)
    return bento_err_make (err, errno, "stat `%s`", src);
  _cleanup_close_ int dfd = mkdir_in_root (rootfd, dest, !S_ISDIR (st.st_mode), err);
  if (dfd < 0)
    return -1;
  if (mount (fd_path (sfd, sbuf), fd_path (dfd, dbuf), NULL, MS_BIND | (recursive ? MS_REC : 0), NULL) < 0)
    return bento_err_make (err, errno, "bind mount `%s` to `%s`", src, dest);
  unsigned long locked = in_userns ? mount_locked_flags (fd_path (sfd, sbuf)) & ~MS_RDONLY : 0;
  if ((flags & BIND_REMOUNT_FLAGS) == 0)
    return 0;
  return remount_bind (rootfd, dest, flags, locked, err);
}

static int
set_propagation (int rootfd, const struct bento_mount *m, bento_err *err)
{
  char buf[FD_PATH_MAX];
  if (m->propagation == 0)
    return 0;
  _cleanup_close_ int fd = open_in_root (rootfd, m->destination, O_PATH);
  if (fd < 0 || mount (NULL, fd_path (fd, buf), NULL, m->propagation, NULL) < 0)
    return bento_err_make (err, errno, "set propagation of `%s`", m->destination);
  return 0;
}

static bool
needs_userns_care (const struct container *c)
{
  return c->rootless || c->in_userns || c->new_userns;
}

/* Mount a filesystem (not a bind) of type TYPE on DEST. */
static int
mount_fs (int rootfd, const struct bento_mount *m, const char *type, const char *data, bento_err *err)
{
  char buf[FD_PATH_MAX];
  _cleanup_close_ int dfd = mkdir_in_root (rootfd, m->destination, false, err);
  if (dfd < 0)
    return -1;
  const char *src = m->source ? m->source : type;
  if (mount (src, fd_path (dfd, buf), type, m->flags & ~MS_REMOUNT, data) < 0)
    return bento_err_make (err, errno, "mount %s on `%s`", type, m->destination);
  return 0;
}

/* /sys/fs/cgroup: a cgroup2 mount needs the container's own cgroup
 * namespace; otherwise (and on v1 or hybrid hosts) bind the host's
 * hierarchy read-only, as runc does without a cgroup namespace. */
static int
mount_cgroup (struct container *c, int rootfd, const struct bento_mount *m, bento_err *err)
{
  struct statfs sfs;
  bool v2 = statfs ("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC;
  bool own_ns = c->spec->linux_ && c->spec->linux_->namespaces[BENTO_NS_CGROUP].present;
  if (v2 && own_ns && mount_fs (rootfd, m, "cgroup2", NULL, err) == 0)
    return 0;
  bento_err_clear (err);
  return mount_bind_into (rootfd, "/sys/fs/cgroup", m->destination, true, m->flags | MS_RDONLY, needs_userns_care (c),
                          err);
}

/* devpts with gid=5 fails when gid 5 is not mapped (a single-id rootless
 * map): retry without the gid= option. */
static int
mount_devpts (int rootfd, const struct bento_mount *m, const char *mdata, bento_err *err)
{
  if (mount_fs (rootfd, m, "devpts", mdata, err) == 0)
    return 0;
  if (err->errnum != EINVAL || mdata == NULL || strstr (mdata, "gid=") == NULL)
    return -1;
  bento_err_clear (err);
  _cleanup_free_ char *data = strdup (mdata);
  if (data == NULL)
    return bento_err_make (err, ENOMEM, "mount devpts");
  char *g = strstr (data, "gid=");
  char *end = strchr (g, ',');
  if (end)
    memmove (g, end + 1, strlen (end + 1) + 1);
  else
    *(g > data ? g - 1 : g) = '\0';
  return mount_fs (rootfd, m, "devpts", data, err);
}

/* linux.mountLabel goes to the filesystems that take a context= option;
 * like runc, not to proc, sysfs, mqueue and cgroup. */
static const char *
mount_label_for (const struct container *c, const char *type)
{
  static const char *const unlabeled[] = { "proc", "sysfs", "mqueue", "cgroup", "cgroup2", NULL };
  if (c->spec->linux_ == NULL)
    return NULL;
  for (size_t i = 0; unlabeled[i]; i++)
    if (strcmp (type, unlabeled[i]) == 0)
      return NULL;
  return c->spec->linux_->mount_label;
}

int
mount_apply (struct container *c, int rootfd, const struct bento_mount *m, bento_err *err)
{
  const char *type = m->type ? m->type : "";
  _cleanup_free_ char *data = NULL;
  int r;
  if (m->attr_set != 0)
    {
      /* idmapped mounts and mount_setattr flags are not wired up yet. */
      return bento_err_make (err, 0, "mount `%s`: idmap/nosymfollow options are not supported yet", m->destination);
    }
  if (m->bind)
    {
      _cleanup_free_ char *src = NULL;
      if (m->source[0] != '/' && asprintf (&src, "%s/%s", c->bundle, m->source) < 0)
        return bento_err_make (err, ENOMEM, "mount `%s`", m->destination);
      r = mount_bind_into (rootfd, src ? src : m->source, m->destination, m->recursive, m->flags,
                           needs_userns_care (c), err);
    }
  else if (strcmp (type, "cgroup") == 0 || strcmp (type, "cgroup2") == 0)
    r = mount_cgroup (c, rootfd, m, err);
  else if (lsm_mount_data (mount_label_for (c, type), m->data, &data, err) < 0)
    return -1;
  else if (strcmp (type, "devpts") == 0)
    r = mount_devpts (rootfd, m, data, err);
  else if ((r = mount_fs (rootfd, m, type, data, err)) == 0)
    ;
  else if ((err->errnum == EPERM || err->errnum == EACCES) && strcmp (type, "sysfs") == 0)
    {
      /* sysfs needs a network namespace owned by our user namespace. */
      log_debug ("%s; binding the host's /sys read-only", err->msg);
      bento_err_clear (err);
      r = mount_bind_into (rootfd, "/sys", m->destination, true, m->flags | MS_RDONLY, true, err);
    }
  else if ((err->errnum == EPERM || err->errnum == EACCES) && strcmp (type, "mqueue") == 0)
    {
      /* mqueue needs our own ipc namespace. */
      log_debug ("%s; binding the host's /dev/mqueue", err->msg);
      bento_err_clear (err);
      r = mount_bind_into (rootfd, "/dev/mqueue", m->destination, false, m->flags, true, err);
    }
  if (r < 0)
    return -1;
  return set_propagation (rootfd, m, err);
}
