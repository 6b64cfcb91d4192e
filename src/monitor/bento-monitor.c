/* bento-monitor: what stays with a detached container (bento's conmon).
 *
 *   bento-monitor LOGFILE DRIVER PIDFD OUTFD ERRFD -- CMD [ARG...]
 *
 * The engine starts the container, then execs this small static program in
 * the same process (so the container's init stays its child): it copies the
 * container's stdout and stderr (OUTFD, ERRFD; ERRFD -1 with a terminal) to
 * LOGFILE in DRIVER's format (k8s-file, json-file, none), waits for the init
 * (PIDFD), then execs CMD ARG... EXITCODE: bento again, which records the
 * exit, applies the restart policy and --rm.  Keeping the full bento (and
 * its libraries) out of the long wait keeps the memory per container small. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

static int logfd = -1;
static const char *driver;

static void
stamp (char *buf, size_t len)
{
  struct timespec ts;
  struct tm tm;
  clock_gettime (CLOCK_REALTIME, &ts);
  gmtime_r (&ts.tv_sec, &tm);
  size_t n = strftime (buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf (buf + n, len - n, ".%09ldZ", ts.tv_nsec);
}

/* JSON string escaping for json-file records. */
static size_t
escape (const char *s, size_t n, char *out)
{
  size_t o = 0;
  for (size_t i = 0; i < n; i++)
    {
      unsigned char c = (unsigned char) s[i];
      if (c == '"' || c == '\\')
        {
          out[o++] = '\\';
          out[o++] = (char) c;
        }
      else if (c == '\n')
        {
          out[o++] = '\\';
          out[o++] = 'n';
        }
      else if (c < 0x20)
        o += (size_t) sprintf (out + o, "\\u%04x", c);
      else
        out[o++] = (char) c;
    }
  return o;
}

static void
log_chunk (const char *stream, const char *buf, size_t len)
{
  if (logfd < 0 || strcmp (driver, "none") == 0)
    return;
  char when[64];
  stamp (when, sizeof when);
  size_t off = 0;
  while (off < len)
    {
      const char *nl = memchr (buf + off, '\n', len - off);
      size_t n = nl ? (size_t) (nl - (buf + off)) : len - off;
      static char line[6 * 16384 + 256];
      int m;
      if (strcmp (driver, "json-file") == 0)
        {
          size_t e = escape (buf + off, n + (nl ? 1 : 0), line + 8);
          memcpy (line, "{\"log\":\"", 8);
          m = (int) (8 + e);
          m += snprintf (line + m, sizeof line - (size_t) m, "\",\"stream\":\"%s\",\"time\":\"%s\"}\n", stream, when);
        }
      else
        {
          m = snprintf (line, 128, "%s %s %s ", when, stream, nl ? "F" : "P");
          memcpy (line + m, buf + off, n);
          m += (int) n;
          line[m++] = '\n';
        }
      if (write (logfd, line, (size_t) m) < 0)
        return;
      off += n + (nl ? 1 : 0);
    }
}

int
main (int argc, char **argv)
{
  if (argc < 8 || strcmp (argv[6], "--") != 0)
    {
      fprintf (stderr, "usage: bento-monitor LOGFILE DRIVER PIDFD OUTFD ERRFD -- CMD [ARG...]\n");
      return 2;
    }
  prctl (PR_SET_NAME, "bento-monitor", 0, 0, 0);
  driver = argv[2];
  int pidfd = atoi (argv[3]), fds[2] = { atoi (argv[4]), atoi (argv[5]) };
  logfd = open (argv[1], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  static char buf[16384];
  bool open_[2] = { fds[0] >= 0, fds[1] >= 0 };
  for (;;)
    {
      struct pollfd p[3] = { { open_[0] ? fds[0] : -1, POLLIN, 0 }, { open_[1] ? fds[1] : -1, POLLIN, 0 },
                             { pidfd, POLLIN, 0 } };
      int timeout = -1;
      if (poll (p, 3, timeout) < 0)
        {
          if (errno == EINTR)
            continue;
          break;
        }
      for (int i = 0; i < 2; i++)
        if (p[i].revents & (POLLIN | POLLHUP | POLLERR))
          {
            ssize_t n = read (fds[i], buf, sizeof buf);
            if (n > 0)
              log_chunk (i == 0 ? "stdout" : "stderr", buf, (size_t) n);
            else if (n == 0 || (errno != EINTR && errno != EAGAIN))
              open_[i] = false;
          }
      if (p[2].revents & POLLIN)
        {
          /* gone: take what is still buffered, then stop */
          struct pollfd d[2] = { { open_[0] ? fds[0] : -1, POLLIN, 0 }, { open_[1] ? fds[1] : -1, POLLIN, 0 } };
          if ((!open_[0] && !open_[1]) || poll (d, 2, 100) <= 0)
            break;
        }
    }
  siginfo_t si;
  memset (&si, 0, sizeof si);
  while (waitid (P_PIDFD, (id_t) pidfd, &si, WEXITED) < 0 && errno == EINTR)
    ;
  int code = si.si_code == CLD_EXITED ? si.si_status : 128 + si.si_status;
  char codebuf[16];
  snprintf (codebuf, sizeof codebuf, "%d", code);
  /* CMD ARG... EXITCODE */
  char **cmd = calloc ((size_t) (argc - 7 + 2), sizeof *cmd);
  if (cmd == NULL)
    return 1;
  int k = 0;
  for (int i = 7; i < argc; i++)
    cmd[k++] = argv[i];
  cmd[k++] = codebuf;
  cmd[k] = NULL;
  if (logfd >= 0)
    close (logfd);
  execv (cmd[0], cmd);
  perror ("bento-monitor: exec");
  return 1;
}
