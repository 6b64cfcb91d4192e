/* A minimal seccomp agent for the integration tests (seccomp.bats):
 *
 *   seccomp-agent SOCKET STATE-FILE ERRNO [CONNECTIONS]
 *
 * Listens on SOCKET, takes CONNECTIONS (default 1) from the runtime (the
 * container process state as JSON plus the notify fd, SCM_RIGHTS), writes
 * the JSON of the N-th to STATE-FILE.N (the first to STATE-FILE), then
 * answers every notification with -ERRNO until the process is gone (the fd
 * hangs up).  ERRNO `continue:MS` holds each call MS milliseconds, then
 * lets it run (SECCOMP_USER_NOTIF_FLAG_CONTINUE).  Exits 0, or 1 with a
 * message. */
#include "shared/fdpass.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static int
die (const char *what)
{
  fprintf (stderr, "seccomp-agent: %s: %s\n", what, strerror (errno));
  exit (1);
}

/* Read the whole message; return the fd that came with it. */
static int
receive (int conn, char *buf, size_t size)
{
  size_t len = 0;
  int fd = -1;
  for (;;)
    {
      struct iovec iov = { .iov_base = buf + len, .iov_len = size - 1 - len };
      int got;
      ssize_t n = fdpass_recv (conn, &iov, 1, &got);
      if (n < 0)
        die ("recvmsg");
      if (n == 0)
        break;
      if (got >= 0)
        fd = got;
      len += (size_t) n;
    }
  buf[len] = '\0';
  return fd;
}

/* -errno to answer with, or with *hold_ms >= 0 a hold-then-continue. */
struct reply
{
  int err;
  int hold_ms;
};

static void
answer (int fd, struct reply how)
{
  struct seccomp_notif *req;
  struct seccomp_notif_resp *resp;
  if (seccomp_notify_alloc (&req, &resp) < 0)
    die ("seccomp_notify_alloc");
  for (;;)
    {
      struct pollfd p = { .fd = fd, .events = POLLIN };
      if (poll (&p, 1, 60000) <= 0)
        die ("poll the notify fd");
      if (p.revents & (POLLHUP | POLLERR))
        break;
      if (seccomp_notify_receive (fd, req) < 0)
        continue; /* the caller died meanwhile */
      resp->id = req->id;
      resp->val = 0;
      resp->error = how.hold_ms >= 0 ? 0 : -how.err;
      resp->flags = how.hold_ms >= 0 ? SECCOMP_USER_NOTIF_FLAG_CONTINUE : 0;
      if (how.hold_ms > 0)
        usleep ((useconds_t) how.hold_ms * 1000);
      seccomp_notify_respond (fd, resp);
    }
  seccomp_notify_free (req, resp);
}

/* One connection: save its state, answer its notifications (in a child,
 * so the next connection can come). */
static pid_t
serve (int l, const char *state_file, struct reply how)
{
  struct pollfd p = { .fd = l, .events = POLLIN };
  if (poll (&p, 1, 60000) != 1)
    die ("wait for the runtime");
  int conn = accept4 (l, NULL, NULL, SOCK_CLOEXEC);
  if (conn < 0)
    die ("accept");
  static char buf[65536];
  int fd = receive (conn, buf, sizeof buf);
  close (conn);
  FILE *f = fopen (state_file, "w");
  if (f == NULL || fputs (buf, f) < 0 || fclose (f) != 0)
    die ("write the state");
  if (fd < 0)
    {
      fprintf (stderr, "seccomp-agent: no fd came with the state\n");
      exit (1);
    }
  pid_t pid = fork ();
  if (pid < 0)
    die ("fork");
  if (pid == 0)
    {
      answer (fd, how);
      _exit (0);
    }
  close (fd);
  return pid;
}

int
main (int argc, char **argv)
{
  if (argc != 4 && argc != 5)
    {
      fprintf (stderr, "usage: seccomp-agent SOCKET STATE-FILE ERRNO [CONNECTIONS]\n");
      return 2;
    }
  struct sockaddr_un a = { .sun_family = AF_UNIX };
  if (strlen (argv[1]) >= sizeof a.sun_path)
    return 2;
  strcpy (a.sun_path, argv[1]);
  int l = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (l < 0 || bind (l, (struct sockaddr *) &a, sizeof a) < 0 || listen (l, 4) < 0)
    die ("listen");
  int n = argc == 5 ? atoi (argv[4]) : 1;
  struct reply how = { .err = atoi (argv[3]), .hold_ms = -1 };
  if (strncmp (argv[3], "continue:", 9) == 0)
    how.hold_ms = atoi (argv[3] + 9);
  pid_t kids[16];
  for (int i = 0; i < n && i < 16; i++)
    {
      char path[4096];
      if (i == 0)
        snprintf (path, sizeof path, "%s", argv[2]);
      else
        snprintf (path, sizeof path, "%s.%d", argv[2], i + 1);
      kids[i] = serve (l, path, how);
    }
  int status, failed = 0;
  for (int i = 0; i < n && i < 16; i++)
    if (waitpid (kids[i], &status, 0) < 0 || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
      failed = 1;
  return failed;
}
