/* process.scheduler: sched_setattr(2) on the init (children inherit it
 * unless SCHED_FLAG_RESET_ON_FORK says otherwise). */
#include "runtime/security.h"

#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SCHED_DEADLINE
#define SCHED_DEADLINE 6
#endif

/* The kernel's struct sched_attr (glibc 2.36 has no wrapper); declared here
 * rather than from <linux/sched/types.h>, which clashes with <sched.h> on
 * some glibc versions. */
struct bento_sched_attr
{
  uint32_t size;
  uint32_t sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime;
  uint64_t sched_deadline;
  uint64_t sched_period;
  uint32_t sched_util_min;
  uint32_t sched_util_max;
};

static const char *
policy_name (int policy)
{
  switch (policy)
    {
    case SCHED_OTHER: return "SCHED_OTHER";
    case SCHED_FIFO: return "SCHED_FIFO";
    case SCHED_RR: return "SCHED_RR";
    case SCHED_BATCH: return "SCHED_BATCH";
    case 4: return "SCHED_ISO";
    case SCHED_IDLE: return "SCHED_IDLE";
    case SCHED_DEADLINE: return "SCHED_DEADLINE";
    default: return "unknown policy";
    }
}

/* runc's rules: a static priority only means something to the real-time
 * policies, runtime/deadline/period only to SCHED_DEADLINE. */
int
sched_check (const struct bento_process *p, bento_err *err)
{
  if (p == NULL || !p->has_scheduler)
    return 0;
  if (p->sched_priority != 0 && p->sched_policy != SCHED_FIFO && p->sched_policy != SCHED_RR)
    return bento_err_make (err, 0, "process.scheduler.priority: only SCHED_FIFO and SCHED_RR take a priority, not %s",
                           policy_name (p->sched_policy));
  if (p->sched_policy != SCHED_DEADLINE && (p->sched_runtime || p->sched_deadline || p->sched_period))
    return bento_err_make (err, 0, "process.scheduler: runtime, deadline and period are for SCHED_DEADLINE only, not %s",
                           policy_name (p->sched_policy));
  return 0;
}

int
sched_apply (const struct bento_process *p, bento_err *err)
{
  if (p == NULL || !p->has_scheduler)
    return 0;
  struct bento_sched_attr attr = {
    .size = sizeof attr,
    .sched_policy = (uint32_t) p->sched_policy,
    .sched_flags = p->sched_flags,
    .sched_nice = p->sched_nice,
    .sched_priority = (uint32_t) p->sched_priority,
    .sched_runtime = p->sched_runtime,
    .sched_deadline = p->sched_deadline,
    .sched_period = p->sched_period,
  };
  if (syscall (SYS_sched_setattr, 0, &attr, 0) < 0)
    {
      if (errno == EPERM)
        return bento_err_make (err, errno, "process.scheduler: set %s (nice %d, priority %d; real-time policies and "
                                           "a lower nice need CAP_SYS_NICE on the host)",
                               policy_name (p->sched_policy), p->sched_nice, p->sched_priority);
      return bento_err_make (err, errno, "process.scheduler: set %s (nice %d, priority %d)",
                             policy_name (p->sched_policy), p->sched_nice, p->sched_priority);
    }
  return 0;
}
