/* process.ioPriority: ioprio_set(2) on the init; every process it starts
 * inherits it, which is how the whole container gets it. */
#include "runtime/security.h"

#include <errno.h>
#include <linux/ioprio.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *
class_name (int cls)
{
  switch (cls)
    {
    case IOPRIO_CLASS_RT: return "IOPRIO_CLASS_RT";
    case IOPRIO_CLASS_BE: return "IOPRIO_CLASS_BE";
    case IOPRIO_CLASS_IDLE: return "IOPRIO_CLASS_IDLE";
    default: return "unknown class";
    }
}

int
ioprio_apply (const struct bento_process *p, bento_err *err)
{
  if (p == NULL || !p->has_io_priority)
    return 0;
  if (p->io_priority < 0 || p->io_priority >= IOPRIO_NR_LEVELS)
    return bento_err_make (err, 0, "process.ioPriority.priority: %d is out of range [0, %d]", p->io_priority,
                           IOPRIO_NR_LEVELS - 1);
  int value = (int) IOPRIO_PRIO_VALUE (p->io_priority_class, p->io_priority);
  if (syscall (SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, value) < 0)
    {
      /* The real-time class needs CAP_SYS_ADMIN (or CAP_SYS_NICE) in the
       * initial user namespace: a rootless container never has it. */
      if (errno == EPERM && p->io_priority_class == IOPRIO_CLASS_RT)
        return bento_err_make (err, errno, "process.ioPriority: set %s %d (needs CAP_SYS_NICE on the host)",
                               class_name (p->io_priority_class), p->io_priority);
      return bento_err_make (err, errno, "process.ioPriority: set %s %d", class_name (p->io_priority_class),
                             p->io_priority);
    }
  return 0;
}
