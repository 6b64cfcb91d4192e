#include "runtime/hooks.h"
#include "shared/cleanup.h"
#include "shared/log.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

bool
hooks_any (const struct bento_spec *s, enum bento_hook_kind k)
{
  return s->n_hooks[k] > 0;
}

/* Write the state to the hook's stdin; a hook that does not read it closes
 * the pipe early, which is fine (EPIPE is not an error here). */
static void
feed_state (int fd, const char *state_json)
{
  size_t len = strlen (state_json), off = 0;
  while (off < len)
    {
      ssize_t w = write (fd, state_json + off, len - off);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        break;
      off += (size_t) w;
    }
}

/* Wait for PID for at most TIMEOUT seconds (<= 0: forever). */
static int
wait_hook (pid_t pid, int timeout, int *status, bento_err *err)
{
  _cleanup_close_ int pidfd = (int) syscall (SYS_pidfd_open, pid, 0);
  if (pidfd >= 0 && timeout > 0)
    {
      struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
      int r;
      do
        r = poll (&pfd, 1, timeout * 1000);
      while (r < 0 && errno == EINTR);
      if (r == 0)
        {
          kill (pid, SIGKILL);
          waitpid (pid, status, 0);
          return bento_err_make (err, ETIMEDOUT, "timed out after %d s", timeout);
        }
    }
  while (waitpid (pid, status, 0) < 0)
    if (errno != EINTR)
      return bento_err_make (err, errno, "wait");
  return 0;
}

static int
run_hook (const struct bento_hook *h, const char *state_json, bento_err *err)
{
  int pipefd[2];
  if (pipe2 (pipefd, O_CLOEXEC) < 0)
    return bento_err_make (err, errno, "pipe");
  _cleanup_close_ int rd = pipefd[0];
  _cleanup_close_ int wr = pipefd[1];
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init (&fa);
  posix_spawn_file_actions_adddup2 (&fa, rd, 0);
  char *default_args[] = { h->path, NULL };
  char *empty_env[] = { NULL };
  pid_t pid;
  int r = posix_spawn (&pid, h->path, &fa, NULL, h->args && h->args[0] ? h->args : default_args,
                       h->env ? h->env : empty_env);
  posix_spawn_file_actions_destroy (&fa);
  if (r != 0)
    return bento_err_make (err, r, "run");
  closep (&rd);
  /* A hook that exits without reading must not kill us with SIGPIPE. */
  sighandler_t old = signal (SIGPIPE, SIG_IGN);
  feed_state (wr, state_json);
  signal (SIGPIPE, old);
  closep (&wr);
  int status;
  if (wait_hook (pid, h->has_timeout ? h->timeout : 0, &status, err) < 0)
    return -1;
  if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
    return 0;
  if (WIFSIGNALED (status))
    return bento_err_make (err, 0, "killed by signal %d", WTERMSIG (status));
  return bento_err_make (err, 0, "exit status %d", WEXITSTATUS (status));
}

int
hooks_run (const struct bento_spec *s, enum bento_hook_kind k, const char *state_json, bento_err *err)
{
  for (size_t i = 0; i < s->n_hooks[k]; i++)
    if (run_hook (&s->hooks[k][i], state_json, err) < 0)
      return bento_err_wrap (err, "%s hook `%s`", spec_hook_name (k), s->hooks[k][i].path);
  return 0;
}
