/* The parent's early checks of the process-security fields, and the steps
 * the init and `exec` share (security.h). */
#include "runtime/security.h"
#include "runtime/seccomp.h"
#include "runtime/sync.h"
#include "shared/cleanup.h"

#include <errno.h>

int
security_check (const struct bento_spec *s, bento_err *err)
{
  if (sysctl_check (s, err) < 0 || timens_check (s, err) < 0 || sched_check (s->process, err) < 0)
    return -1;
  return 0;
}

int
security_process_apply (const struct bento_process *p, const struct bento_linux *l, bento_err *err)
{
  if (personality_apply (l, err) < 0 || ioprio_apply (p, err) < 0 || sched_apply (p, err) < 0
      || lsm_apply_exec (p, err) < 0)
    return -1;
  return 0;
}

int
security_seccomp_at (const struct bento_seccomp_filter *f, bool nnp, enum seccomp_point at, int sync_fd,
                     bento_err *err)
{
  if (f == NULL)
    return 0;
  enum seccomp_point want = !nnp ? SECCOMP_BEFORE_USER : f->notify ? SECCOMP_AFTER_USER : SECCOMP_BEFORE_EXEC;
  if (at != want)
    return 0;
  _cleanup_close_ int notify_fd = -1;
  if (seccomp_filter_load (f, &notify_fd, err) < 0)
    return bento_err_wrap (err, "linux.seccomp");
  if (notify_fd >= 0 && sync_send_fd (sync_fd, SYNC_SECCOMP, notify_fd, err) < 0)
    return -1;
  return 0;
}

int
security_seccomp_handoff (int sync_fd, const struct bento_seccomp *sc, pid_t pid, const char *state_json,
                          bento_err *err)
{
  _cleanup_close_ int fd = -1;
  if (sync_expect_fd (sync_fd, SYNC_SECCOMP, &fd, err) < 0)
    return -1;
  if (fd < 0)
    return bento_err_make (err, EPROTO, "the container process sent no seccomp notify fd");
  if (state_json == NULL)
    return bento_err_make (err, ENOMEM, "container state");
  _cleanup_free_ char *msg = seccomp_listener_message (pid, sc->listener_metadata, state_json, err);
  if (msg == NULL)
    return -1;
  return seccomp_listener_send (sc->listener_path, fd, msg, err);
}
