/* The helper processes of a network (pasta, slirp4netns): started in a
 * session of their own (a ^C at the terminal is not theirs), waited for
 * with a time limit, stopped by pid only while it is still the same
 * process (its start time). */
#include "engine/net-internal.h"
#include "shared/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static int
pidfd_open (pid_t pid)
{
  return (int) syscall (SYS_pidfd_open, pid, 0);
}

static _Noreturn void
tool_child (const struct tool_spec *t, const char *log)
{
  char *const *argv = t->argv;
  const int *keep = t->keep;
  size_t n_keep = t->n_keep;
  setsid ();
  if (t->userns >= 0 && setns (t->userns, CLONE_NEWUSER) < 0)
    {
      dprintf (2, "join the container's user namespace: %s\n", strerror (errno));
      _exit (127);
    }
  int null = open ("/dev/null", O_RDWR);
  int logfd = open (log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (null < 0 || logfd < 0 || dup2 (null, 0) < 0 || dup2 (null, 1) < 0 || dup2 (logfd, 2) < 0)
    _exit (127);
  if (t->cwd && chdir (t->cwd) < 0)
    _exit (127);
  /* the fds it keeps become 3, 4, ... (moved out of the way first) */
  int moved[TOOL_MAX_FDS];
  for (size_t i = 0; i < n_keep; i++)
    if ((moved[i] = fcntl (keep[i], F_DUPFD, 3 + TOOL_MAX_FDS)) < 0)
      _exit (127);
  for (size_t i = 0; i < n_keep; i++)
    if (dup2 (moved[i], 3 + (int) i) < 0)
      _exit (127);
  syscall (SYS_close_range, 3 + (unsigned) n_keep, ~0U, 0);
  sigset_t none;
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  execv (argv[0], argv);
  dprintf (2, "exec `%s`: %s\n", argv[0], strerror (errno));
  _exit (127);
}

int
tool_spawn (const struct tool_spec *t, const char *log, int *pidfd, bento_err *err)
{
  if (t->n_keep > TOOL_MAX_FDS)
    return bento_err_make (err, EINVAL, "too many fds for `%s`", t->argv[0]);
  pid_t pid = fork ();
  if (pid < 0)
    return bento_err_make (err, errno, "fork");
  if (pid == 0)
    tool_child (t, log);
  if ((*pidfd = pidfd_open (pid)) < 0)
    {
      int e = errno;
      kill (pid, SIGKILL);
      waitpid (pid, NULL, 0);
      return bento_err_make (err, e, "pidfd_open");
    }
  return pid;
}

int
tool_wait (pid_t pid, int pidfd, int ms, bento_err *err)
{
  struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
  int r;
  while ((r = poll (&pfd, 1, ms)) < 0 && errno == EINTR)
    ;
  if (r == 0)
    {
      kill (pid, SIGKILL);
      waitpid (pid, NULL, 0);
      return bento_err_make (err, ETIMEDOUT, "wait");
    }
  int status;
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return bento_err_make (err, errno, "wait");
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

void
tool_read_error (const char *log, char *buf, size_t len)
{
  char all[8192];
  buf[0] = '\0';
  _cleanup_close_ int fd = open (log, O_RDONLY | O_CLOEXEC);
  ssize_t n = fd < 0 ? -1 : read (fd, all, sizeof all - 1);
  if (n <= 0)
    return;
  all[n] = '\0';
  /* the last line that is not noise about a missing syslog */
  char *save = NULL;
  for (char *l = strtok_r (all, "\n", &save); l; l = strtok_r (NULL, "\n", &save))
    if (strncmp (l, "Failed to send", 14) != 0 && strncmp (l, "Don't run as root", 17) != 0
        && strncmp (l, "WARNING: ", 9) != 0 && l[0])
      snprintf (buf, len, "%s", l);
}

unsigned long long
tool_start_time (pid_t pid)
{
  char path[64], stat[1024];
  snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
  _cleanup_close_ int fd = open (path, O_RDONLY | O_CLOEXEC);
  ssize_t n = fd < 0 ? -1 : read (fd, stat, sizeof stat - 1);
  if (n <= 0)
    return 0;
  stat[n] = '\0';
  /* after the command name, which may hold anything but ends at the last ')' */
  char *p = strrchr (stat, ')');
  unsigned long long start = 0;
  if (p == NULL
      || sscanf (p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu", &start) != 1)
    return 0;
  return start;
}

static bool
is_tool (pid_t pid, const char *comm)
{
  char path[64], name[64] = "";
  snprintf (path, sizeof path, "/proc/%d/comm", (int) pid);
  _cleanup_fclose_ FILE *f = fopen (path, "re");
  return f && fgets (name, sizeof name, f) && strncmp (name, comm, strlen (comm)) == 0;
}

void
tool_stop (pid_t pid, unsigned long long start, const char *comm)
{
  if (pid <= 0 || start == 0)
    return;
  _cleanup_close_ int pidfd = pidfd_open (pid);
  /* the pidfd pins the process: check it is still the one we started */
  if (pidfd < 0 || tool_start_time (pid) != start || !is_tool (pid, comm))
    return;
  syscall (SYS_pidfd_send_signal, pidfd, SIGTERM, NULL, 0);
  struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
  if (poll (&pfd, 1, 1000) == 0)
    {
      syscall (SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
      poll (&pfd, 1, 2000);
    }
  /* ours to reap when we started it or are its subreaper */
  waitpid (pid, NULL, WNOHANG);
}

bool
tool_find (const char *tool, char *path, size_t len)
{
  const char *env = getenv ("PATH");
  _cleanup_free_ char *dirs = NULL;
  if (asprintf (&dirs, "%s:/usr/bin:/usr/sbin:/bin:/sbin", env ? env : "") < 0)
    return false;
  char *save = NULL;
  for (char *d = strtok_r (dirs, ":", &save); d; d = strtok_r (NULL, ":", &save))
    {
      if (d[0] != '/')
        continue;
      snprintf (path, len, "%s/%s", d, tool);
      if (access (path, X_OK) == 0)
        return true;
    }
  return false;
}

static int
read_ready (int ready, const char *what, bento_err *err)
{
  char line[512];
  size_t got = 0;
  struct pollfd p = { .fd = ready, .events = POLLIN };
  while (got < sizeof line - 1 && poll (&p, 1, 10000) > 0)
    {
      ssize_t n = read (ready, line + got, sizeof line - 1 - got);
      if (n <= 0)
        break;
      got += (size_t) n;
      if (memchr (line, '\n', got))
        break;
    }
  line[got] = '\0';
  line[strcspn (line, "\n")] = '\0';
  if (strcmp (line, "ok") == 0)
    return 0;
  return bento_err_make (err, 0, "%s: %s", what, got ? line : "it did not get ready");
}

int
tool_spawn_ready (const struct tool_spec *t, const char *log, const char *what, pid_t *pid, bento_err *err)
{
  int keep[TOOL_MAX_FDS], ready[2], pidfd = -1;
  *pid = 0;
  if (t->n_keep >= TOOL_MAX_FDS)
    return bento_err_make (err, EINVAL, "too many fds for `%s`", t->argv[0]);
  if (pipe2 (ready, O_CLOEXEC) < 0)
    return bento_err_make (err, errno, "pipe");
  for (size_t i = 0; i < t->n_keep; i++)
    keep[i] = t->keep[i];
  keep[t->n_keep] = ready[1];
  struct tool_spec with_ready = *t;
  with_ready.keep = keep;
  with_ready.n_keep = t->n_keep + 1;
  pid_t p = tool_spawn (&with_ready, log, &pidfd, err);
  close (ready[1]);
  int r = p < 0 ? -1 : read_ready (ready[0], what, err);
  close (ready[0]);
  if (p > 0)
    {
      *pid = p;
      close (pidfd);
    }
  return r;
}
