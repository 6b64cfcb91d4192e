/* Verbs on a running container's cgroup: pause, resume, update. */
#include "runtime/cgroup.h"
#include "runtime/container.h"
#include "shared/cleanup.h"

#include <errno.h>

int
container_open_state (int rootfd, const char *id, int *dirfd, struct container_state *st, bento_err *err)
{
  if (state_open_dir (rootfd, id, dirfd, err) < 0)
    return -1;
  if (state_read (*dirfd, st, err) < 0)
    {
      closep (dirfd);
      return -1;
    }
  return 0;
}

int
container_pause (int rootfd, const char *id, bool pause, bento_err *err)
{
  _cleanup_close_ int dirfd = -1;
  _cleanup_state_ struct container_state st = { 0 };
  if (container_open_state (rootfd, id, &dirfd, &st, err) < 0)
    return -1;
  enum container_status s = state_status (dirfd, &st);
  if (pause && s != STATUS_RUNNING)
    return bento_err_make (err, 0, "container `%s` is not running: %s", id, state_status_name (s));
  if (!pause && s != STATUS_PAUSED)
    return bento_err_make (err, 0, "container `%s` is not paused: %s", id, state_status_name (s));
  return cgroup_freeze (&st, pause, err);
}

int
container_update (int rootfd, const char *id, const struct bento_resources *r, bento_err *err)
{
  _cleanup_close_ int dirfd = -1;
  _cleanup_state_ struct container_state st = { 0 };
  if (container_open_state (rootfd, id, &dirfd, &st, err) < 0)
    return -1;
  enum container_status s = state_status (dirfd, &st);
  if (s == STATUS_STOPPED)
    return bento_err_make (err, 0, "container `%s` is stopped", id);
  return cgroup_update (&st, r, err);
}
