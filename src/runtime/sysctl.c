/* linux.sysctl: only keys the container's own namespaces hold.  /proc/sys is
 * mostly global; writing a global key from a container would change the
 * host.  The rules are runc's (libcontainer/configs/validate). */
#include "runtime/security.h"
#include "shared/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The ipc namespace's own keys, besides fs.mqueue.*. */
static const char *const ipc_keys[] = {
  "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall", "kernel.shmmax",
  "kernel.shmmni", "kernel.shm_rmid_forced", NULL,
};

char *
sysctl_key_dotted (const char *key)
{
  char *out = strdup (key);
  if (out == NULL)
    return NULL;
  /* sysctl(8): when the first separator is '/', '/' separates and '.' is
   * part of a name (an interface `eth0.100`): swap them. */
  size_t first = strcspn (out, "./");
  if (out[first] != '/')
    return out;
  for (char *c = out; *c; c++)
    if (*c == '/')
      *c = '.';
    else if (*c == '.')
      *c = '/';
  return out;
}

char *
sysctl_key_path (const char *key)
{
  char *p = sysctl_key_dotted (key);
  if (p == NULL)
    return NULL;
  for (char *c = p; *c; c++)
    if (*c == '.')
      *c = '/';
    else if (*c == '/')
      *c = '.';
  return p;
}

static bool
in_list (const char *const *list, const char *s)
{
  for (; *list; list++)
    if (strcmp (*list, s) == 0)
      return true;
  return false;
}

/* Is the namespace at PATH the one bento itself is in? */
static int
is_current_ns (const char *path, const char *type, bool *out, bento_err *err)
{
  char self[64];
  struct stat a, b;
  snprintf (self, sizeof self, "/proc/self/ns/%s", type);
  if (stat (self, &a) < 0)
    return bento_err_make (err, errno, "stat `%s`", self);
  if (stat (path, &b) < 0)
    return bento_err_make (err, errno, "stat `%s`", path);
  *out = a.st_dev == b.st_dev && a.st_ino == b.st_ino;
  return 0;
}

/* Does the container get a namespace of type T other than bento's own? */
static int
has_own_ns (const struct bento_linux *l, enum bento_ns_type t, const char *proc_name, bool *out, bento_err *err)
{
  *out = false;
  if (l == NULL || !l->namespaces[t].present)
    return 0;
  if (l->namespaces[t].path == NULL)
    {
      *out = true;
      return 0;
    }
  bool current;
  if (is_current_ns (l->namespaces[t].path, proc_name, &current, err) < 0)
    return bento_err_wrap (err, "linux.namespaces: %s", spec_ns_name (t));
  *out = !current;
  return 0;
}

static int
check_key (const struct bento_spec *s, const char *key, bento_err *err)
{
  const struct bento_linux *l = s->linux_;
  bool own;

  if (in_list (ipc_keys, key) || strncmp (key, "fs.mqueue.", 10) == 0)
    {
      if (has_own_ns (l, BENTO_NS_IPC, "ipc", &own, err) < 0)
        return -1;
      return own ? 0 : bento_err_make (err, 0, "linux.sysctl: `%s` is not allowed in the host's ipc namespace", key);
    }
  if (strncmp (key, "net.", 4) == 0)
    {
      if (has_own_ns (l, BENTO_NS_NET, "net", &own, err) < 0)
        return -1;
      return own ? 0
                 : bento_err_make (err, 0, "linux.sysctl: `%s` is not allowed in the host's network namespace", key);
    }
  if (strcmp (key, "kernel.domainname") == 0 || strcmp (key, "kernel.hostname") == 0)
    {
      if (has_own_ns (l, BENTO_NS_UTS, "uts", &own, err) < 0)
        return -1;
      if (!own)
        return bento_err_make (err, 0, "linux.sysctl: `%s` is not allowed in the host's uts namespace", key);
      /* Two fields setting one thing: refuse rather than pick one. */
      if (strcmp (key, "kernel.hostname") == 0 && s->hostname)
        return bento_err_make (err, 0, "linux.sysctl: `%s` conflicts with the `hostname` field", key);
      if (strcmp (key, "kernel.domainname") == 0 && s->domainname)
        return bento_err_make (err, 0, "linux.sysctl: `%s` conflicts with the `domainname` field", key);
      return 0;
    }
  return bento_err_make (err, 0, "linux.sysctl: `%s` is not in a separate kernel namespace", key);
}

int
sysctl_check (const struct bento_spec *s, bento_err *err)
{
  const struct bento_linux *l = s->linux_;
  for (size_t i = 0; l && i < l->n_sysctl; i++)
    {
      _cleanup_free_ char *key = sysctl_key_dotted (l->sysctl[i].key);
      if (key == NULL)
        return bento_err_make (err, ENOMEM, "linux.sysctl");
      if (check_key (s, key, err) < 0)
        return -1;
    }
  return 0;
}

/* A key's file under the proc at PROCSYS, never through a symlink. */
static int
open_key (int procsys, const char *rel)
{
  struct open_how how = {
    .flags = O_WRONLY | O_CLOEXEC | O_NOCTTY,
    .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
  };
  return (int) syscall (SYS_openat2, procsys, rel, &how, sizeof how);
}

/* kernel.hostname and kernel.domainname through their syscalls: /proc/sys
 * only lets the host's root write them, not the root of a user namespace
 * that owns the uts namespace (a rootless container). */
static int
set_uts_key (const char *rel, const char *value, bento_err *err)
{
  int r = strcmp (rel, "kernel/hostname") == 0 ? sethostname (value, strlen (value))
                                                 : setdomainname (value, strlen (value));
  if (r < 0)
    return bento_err_make (err, errno, "linux.sysctl: set `%s` to `%s`", rel, value);
  return 0;
}

static int
write_key (int procsys, const struct bento_kv *kv, bento_err *err)
{
  _cleanup_free_ char *rel = sysctl_key_path (kv->key);
  if (rel == NULL)
    return bento_err_make (err, ENOMEM, "linux.sysctl");
  if (strcmp (rel, "kernel/hostname") == 0 || strcmp (rel, "kernel/domainname") == 0)
    return set_uts_key (rel, kv->value, err);
  _cleanup_close_ int fd = open_key (procsys, rel);
  if (fd < 0)
    return bento_err_make (err, errno, "linux.sysctl: open `/proc/sys/%s`", rel);
  size_t len = strlen (kv->value);
  ssize_t w = write (fd, kv->value, len);
  if (w < 0 || (size_t) w != len)
    return bento_err_make (err, w < 0 ? errno : EIO, "linux.sysctl: write `%s` to `/proc/sys/%s`", kv->value, rel);
  return 0;
}

int
sysctl_apply (const struct bento_linux *l, bento_err *err)
{
  if (l == NULL || l->n_sysctl == 0)
    return 0;
  _cleanup_close_ int procsys = open ("/proc/sys", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (procsys < 0)
    return bento_err_make (err, errno, "linux.sysctl: open `/proc/sys`");
  /* A rootfs could put anything at /proc; only write into a real proc. */
  struct statfs sfs;
  if (fstatfs (procsys, &sfs) < 0)
    return bento_err_make (err, errno, "linux.sysctl: statfs `/proc/sys`");
  if (sfs.f_type != PROC_SUPER_MAGIC)
    return bento_err_make (err, 0, "linux.sysctl: `/proc/sys` is not on a proc filesystem");
  for (size_t i = 0; i < l->n_sysctl; i++)
    if (write_key (procsys, &l->sysctl[i], err) < 0)
      return -1;
  return 0;
}
