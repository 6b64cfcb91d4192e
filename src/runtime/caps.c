#include "runtime/caps.h"
#include "shared/cleanup.h"
#include "shared/log.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int
caps_last_cap (void)
{
  static int last = -1;
  if (last >= 0)
    return last;
  char buf[16] = "";
  _cleanup_close_ int fd = open ("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
  if (fd >= 0 && read (fd, buf, sizeof buf - 1) > 0)
    last = atoi (buf);
  if (last <= 0)
    last = CAP_LAST_CAP;
  return last;
}

int
caps_drop_bounding (const struct bento_caps *caps, bento_err *err)
{
  for (int cap = 0; cap <= caps_last_cap (); cap++)
    {
      if (cap < 64 && (caps->bounding & (UINT64_C (1) << cap)))
        continue;
      if (prctl (PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
        return bento_err_make (err, errno, "drop capability %d from the bounding set", cap);
    }
  return 0;
}

int
caps_apply (const struct bento_caps *caps, bento_err *err)
{
  struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
  struct __user_cap_data_struct data[2] = { 0 };
  for (int i = 0; i < 2; i++)
    {
      data[i].effective = (uint32_t) (caps->effective >> (32 * i));
      data[i].permitted = (uint32_t) (caps->permitted >> (32 * i));
      data[i].inheritable = (uint32_t) (caps->inheritable >> (32 * i));
    }
  if (syscall (SYS_capset, &hdr, data) < 0)
    return bento_err_make (err, errno, "set capabilities");
  /* Ambient capabilities survive execve for a non-root user; the kernel
   * raises only those already permitted and inheritable.  runc's default
   * config lists ambient caps without inheritable ones and runc skips them
   * silently: so do we, with a debug line, to run the same configs. */
  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
    return bento_err_make (err, errno, "clear ambient capabilities");
  for (int cap = 0; cap <= caps_last_cap () && cap < 64; cap++)
    if ((caps->ambient & (UINT64_C (1) << cap)) && prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
      {
        if (errno != EPERM)
          return bento_err_make (err, errno, "raise ambient capability %d", cap);
        log_debug ("ambient capability %d is not inheritable: not raised", cap);
      }
  return 0;
}
