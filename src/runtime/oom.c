/* process.oomScoreAdj through /proc/self/oom_score_adj (children inherit
 * it).  The kernel lets a process without CAP_SYS_RESOURCE raise the value
 * but not lower it below the minimum its ancestors were given: root on a
 * machine without that capability cannot go below what bento runs with. */
#include "runtime/security.h"
#include "shared/cleanup.h"
#include "shared/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char path[] = "/proc/self/oom_score_adj";

static int
read_current (int fd, int *out, bento_err *err)
{
  char buf[32];
  ssize_t n = pread (fd, buf, sizeof buf - 1, 0);
  if (n < 0)
    return bento_err_make (err, errno, "read `%s`", path);
  buf[n] = '\0';
  char *end;
  long v = strtol (buf, &end, 10);
  if (end == buf)
    return bento_err_make (err, 0, "read `%s`: unexpected `%s`", path, buf);
  *out = (int) v;
  return 0;
}

int
oom_score_adj_apply (const struct bento_process *p, bento_err *err)
{
  if (p == NULL || !p->has_oom_score_adj)
    return 0;
  _cleanup_close_ int fd = open (path, O_RDWR | O_CLOEXEC);
  if (fd < 0)
    return bento_err_make (err, errno, "process.oomScoreAdj: open `%s`", path);
  int current = 0;
  if (read_current (fd, &current, err) < 0)
    return bento_err_wrap (err, "process.oomScoreAdj");
  if (current == p->oom_score_adj)
    {
      log_debug ("oom_score_adj is already %d", current);
      return 0;
    }
  char buf[16];
  int len = snprintf (buf, sizeof buf, "%d", p->oom_score_adj);
  ssize_t w = write (fd, buf, (size_t) len);
  if (w != len)
    {
      if (w >= 0)
        errno = EIO;
      if ((errno == EACCES || errno == EPERM) && p->oom_score_adj < current)
        return bento_err_make (err, errno, "process.oomScoreAdj: lower %d to %d (needs CAP_SYS_RESOURCE, which bento "
                                           "does not have here)",
                               current, p->oom_score_adj);
      return bento_err_make (err, errno, "process.oomScoreAdj: set %d (was %d)", p->oom_score_adj, current);
    }
  return 0;
}
