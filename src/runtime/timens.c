/* linux.timeOffsets: CLOCK_MONOTONIC and CLOCK_BOOTTIME offsets of a new
 * time namespace (time_namespaces(7)).  The kernel takes them through
 * /proc/self/timens_offsets of the process that unshared the namespace,
 * and only until a first process has entered it. */
#include "runtime/security.h"
#include "shared/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char offsets_path[] = "/proc/self/timens_offsets";

int
timens_check (const struct bento_spec *s, bento_err *err)
{
  const struct bento_linux *l = s->linux_;
  if (l == NULL || !l->has_time_offsets)
    return 0;
  const struct bento_namespace *ns = &l->namespaces[BENTO_NS_TIME];
  if (!ns->present)
    return bento_err_make (err, 0, "linux.timeOffsets: needs a new time namespace in linux.namespaces");
  if (ns->path)
    return bento_err_make (err, 0, "linux.timeOffsets: the offsets of a joined time namespace cannot be changed");
  if (access (offsets_path, F_OK) < 0)
    return bento_err_make (err, errno, "linux.timeOffsets: this kernel has no time namespaces: `%s`", offsets_path);
  return 0;
}

int
timens_write_offsets (const struct bento_linux *l, bento_err *err)
{
  if (l == NULL || !l->has_time_offsets)
    return 0;
  char buf[128];
  /* Clock ids rather than names: every kernel with time namespaces takes
   * those. */
  int len = snprintf (buf, sizeof buf, "%d %lld %u\n%d %lld %u\n", CLOCK_MONOTONIC, (long long) l->monotonic_secs,
                      l->monotonic_nsecs, CLOCK_BOOTTIME, (long long) l->boottime_secs, l->boottime_nsecs);
  _cleanup_close_ int fd = open (offsets_path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return bento_err_make (err, errno, "linux.timeOffsets: open `%s`", offsets_path);
  ssize_t w = write (fd, buf, (size_t) len);
  if (w < 0 || w != len)
    return bento_err_make (err, w < 0 ? errno : EIO, "linux.timeOffsets: write `%s`", offsets_path);
  return 0;
}
