/* Linux security modules: process.apparmorProfile, process.selinuxLabel and
 * linux.mountLabel.  A host without the module ignores the field with a
 * debug line (the issue asks for that; runc fails on a SELinux label when
 * SELinux is off, crun ignores it).
 *
 * Both process attributes go to /proc/thread-self/attr/...exec, which the
 * kernel applies at the next execve: the container's command starts
 * confined, bento's own setup before it does not. */
#include "runtime/security.h"
#include "shared/cleanup.h"
#include "shared/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#ifndef SELINUX_MAGIC
#define SELINUX_MAGIC 0xf97cff8c
#endif

bool
lsm_apparmor_enabled (void)
{
  char c = 0;
  /* runc's test: securityfs has apparmor and the module says Y. */
  if (access ("/sys/kernel/security/apparmor", F_OK) < 0)
    return false;
  _cleanup_close_ int fd = open ("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);
  return fd >= 0 && read (fd, &c, 1) == 1 && c == 'Y';
}

bool
lsm_selinux_enabled (void)
{
  /* selinuxfs is mounted exactly when SELinux is on (libselinux's test). */
  struct statfs s;
  return statfs ("/sys/fs/selinux", &s) == 0 && (unsigned long) s.f_type == SELINUX_MAGIC;
}

static int
write_attr (const char *path, const char *text, bento_err *err)
{
  _cleanup_close_ int fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  size_t len = strlen (text);
  ssize_t w = write (fd, text, len);
  if (w < 0 || (size_t) w != len)
    return bento_err_make (err, w < 0 ? errno : EIO, "write `%s`", path);
  return 0;
}

static int
apparmor_exec (const char *profile, bento_err *err)
{
  _cleanup_free_ char *text = NULL;
  if (asprintf (&text, "exec %s", profile) < 0)
    return bento_err_make (err, ENOMEM, "process.apparmorProfile");
  /* Kernels with LSM stacking have a per-module directory; older ones only
   * the shared attr/exec. */
  const char *paths[] = { "/proc/thread-self/attr/apparmor/exec", "/proc/thread-self/attr/exec" };
  for (size_t i = 0; i < 2; i++)
    {
      int r = write_attr (paths[i], text, err);
      if (r == 0)
        return 0;
      if (bento_err_is_set (err))
        return bento_err_wrap (err, "process.apparmorProfile: change to `%s` on exec", profile);
      if (errno != ENOENT)
        return bento_err_make (err, errno, "process.apparmorProfile: open `%s`", paths[i]);
    }
  return bento_err_make (err, ENOENT, "process.apparmorProfile: no apparmor exec attribute in /proc");
}

static int
selinux_exec (const char *label, bento_err *err)
{
  const char *path = "/proc/thread-self/attr/exec";
  if (write_attr (path, label, err) == 0)
    return 0;
  if (!bento_err_is_set (err))
    bento_err_make (err, errno, "open `%s`", path);
  return bento_err_wrap (err, "process.selinuxLabel: set `%s` for exec", label);
}

int
lsm_apply_exec (const struct bento_process *p, bento_err *err)
{
  if (p == NULL)
    return 0;
  if (p->apparmor_profile && p->apparmor_profile[0])
    {
      if (!lsm_apparmor_enabled ())
        log_debug ("apparmor is not enabled on this host: apparmorProfile `%s` ignored", p->apparmor_profile);
      else if (apparmor_exec (p->apparmor_profile, err) < 0)
        return -1;
    }
  if (p->selinux_label && p->selinux_label[0])
    {
      if (!lsm_selinux_enabled ())
        log_debug ("selinux is not enabled on this host: selinuxLabel `%s` ignored", p->selinux_label);
      else if (selinux_exec (p->selinux_label, err) < 0)
        return -1;
    }
  return 0;
}

int
lsm_mount_data (const char *mount_label, const char *data, char **out, bento_err *err)
{
  static bool said;
  int r;

  *out = NULL;
  if (mount_label == NULL || mount_label[0] == '\0' || !lsm_selinux_enabled ())
    {
      if (mount_label && mount_label[0] && !said)
        {
          log_debug ("selinux is not enabled on this host: mountLabel `%s` ignored", mount_label);
          said = true;
        }
      if (data == NULL)
        return 0;
      *out = strdup (data);
      return *out ? 0 : bento_err_make (err, ENOMEM, "mount data");
    }
  if (data && data[0])
    r = asprintf (out, "%s,context=\"%s\"", data, mount_label);
  else
    r = asprintf (out, "context=\"%s\"", mount_label);
  if (r < 0)
    {
      *out = NULL;
      return bento_err_make (err, ENOMEM, "mount data");
    }
  return 0;
}
