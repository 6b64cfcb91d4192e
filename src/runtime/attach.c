#include "runtime/attach.h"
#include "shared/cleanup.h"
#include "shared/fdpass.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

int
recv_fd (int sock, int *fd, bento_err *err)
{
  char buf[256];
  struct iovec iov = { buf, sizeof buf };
  ssize_t r = fdpass_recv (sock, &iov, 1, fd);
  if (r < 0)
    return bento_err_make (err, errno, "receive the terminal");
  if (*fd < 0)
    return bento_err_make (err, EPROTO, "receive the terminal: no fd in the message");
  return 0;
}

/* The signals a foreground runtime passes on, as runc does. */
static const int forwarded[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT, SIGTSTP };

static int
signals_block (sigset_t *set, sigset_t *old, int *sfd, bento_err *err)
{
  sigemptyset (set);
  for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++)
    sigaddset (set, forwarded[i]);
  if (sigprocmask (SIG_BLOCK, set, old) < 0)
    return bento_err_make (err, errno, "block signals");
  *sfd = signalfd (-1, set, SFD_CLOEXEC | SFD_NONBLOCK);
  if (*sfd < 0)
    return bento_err_make (err, errno, "signalfd");
  return 0;
}

static void
copy_winsize (int master)
{
  struct winsize ws;
  if (ioctl (STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
    ioctl (master, TIOCSWINSZ, &ws);
}

/* Copy what is readable on FROM to TO; false at EOF or error. */
static bool
pump (int from, int to)
{
  char buf[8192];
  ssize_t n = read (from, buf, sizeof buf);
  if (n <= 0)
    return n < 0 && (errno == EINTR || errno == EAGAIN);
  for (ssize_t off = 0; off < n;)
    {
      ssize_t w = write (to, buf + off, (size_t) (n - off));
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        return false;
      off += w;
    }
  return true;
}

static void
handle_signal (int sfd, int pidfd, int master)
{
  struct signalfd_siginfo si;
  while (read (sfd, &si, sizeof si) == sizeof si)
    {
      if (si.ssi_signo == SIGWINCH && master >= 0)
        copy_winsize (master);
      else if (si.ssi_signo != SIGWINCH)
        syscall (SYS_pidfd_send_signal, pidfd, si.ssi_signo, NULL, 0);
    }
}

/* Drain the last output once the process is gone. */
static void
drain (int master)
{
  struct pollfd p = { .fd = master, .events = POLLIN };
  while (poll (&p, 1, 50) > 0 && (p.revents & POLLIN) && pump (master, STDOUT_FILENO))
    ;
}

static void
proxy_loop (int pidfd, int sfd, int master)
{
  bool in_open = master >= 0, out_open = master >= 0;
  for (;;)
    {
      struct pollfd p[4] = {
        { .fd = pidfd, .events = POLLIN },
        { .fd = sfd, .events = POLLIN },
        { .fd = in_open ? STDIN_FILENO : -1, .events = POLLIN },
        { .fd = out_open ? master : -1, .events = POLLIN },
      };
      if (poll (p, 4, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return;
        }
      if (p[1].revents & POLLIN)
        handle_signal (sfd, pidfd, master);
      if (p[2].revents & (POLLIN | POLLHUP))
        in_open = pump (STDIN_FILENO, master);
      if (p[3].revents & (POLLIN | POLLHUP | POLLERR))
        out_open = pump (master, STDOUT_FILENO);
      if (p[0].revents & POLLIN)
        {
          if (out_open)
            drain (master);
          return;
        }
    }
}

int
attach_wait (int pidfd, int master, int *status, bento_err *err)
{
  sigset_t set, old;
  _cleanup_close_ int sfd = -1;
  struct termios saved;
  bool raw = false;
  if (signals_block (&set, &old, &sfd, err) < 0)
    return -1;
  if (master >= 0 && isatty (STDIN_FILENO) && tcgetattr (STDIN_FILENO, &saved) == 0)
    {
      struct termios t = saved;
      cfmakeraw (&t);
      raw = tcsetattr (STDIN_FILENO, TCSANOW, &t) == 0;
      copy_winsize (master);
    }
  proxy_loop (pidfd, sfd, master);
  if (raw)
    tcsetattr (STDIN_FILENO, TCSANOW, &saved);
  sigprocmask (SIG_SETMASK, &old, NULL);

  siginfo_t si;
  memset (&si, 0, sizeof si);
  while (waitid (P_PIDFD, (id_t) pidfd, &si, WEXITED) < 0)
    if (errno != EINTR)
      return bento_err_make (err, errno, "wait for the container process");
  *status = si.si_code == CLD_EXITED ? si.si_status : 128 + si.si_status;
  return 0;
}
