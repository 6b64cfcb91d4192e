/* recvtty SOCKET: the other end of --console-socket, for the tests.  Listens
 * on SOCKET, takes one pty master sent with SCM_RIGHTS, prints the name sent
 * with it on stderr ("recvtty: got NAME"), then copies whatever the
 * container writes to its terminal to stdout until the terminal closes.
 * With -i TEXT, writes TEXT to the terminal first. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void
die (const char *what)
{
  fprintf (stderr, "recvtty: %s: %s\n", what, strerror (errno));
  exit (1);
}

int
main (int argc, char **argv)
{
  const char *input = NULL;
  int opt;
  while ((opt = getopt (argc, argv, "i:")) != -1)
    if (opt == 'i')
      input = optarg;
  if (optind >= argc)
    {
      fprintf (stderr, "usage: recvtty [-i TEXT] SOCKET\n");
      return 2;
    }
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  snprintf (addr.sun_path, sizeof addr.sun_path, "%s", argv[optind]);
  int s = socket (AF_UNIX, SOCK_STREAM, 0);
  if (s < 0 || bind (s, (struct sockaddr *) &addr, sizeof addr) < 0 || listen (s, 1) < 0)
    die ("listen");
  int c = accept (s, NULL, NULL);
  if (c < 0)
    die ("accept");
  char name[256] = "", control[CMSG_SPACE (sizeof (int))];
  struct iovec iov = { name, sizeof name - 1 };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control };
  if (recvmsg (c, &mh, 0) < 0)
    die ("recvmsg");
  struct cmsghdr *cm = CMSG_FIRSTHDR (&mh);
  if (cm == NULL || cm->cmsg_type != SCM_RIGHTS)
    {
      fprintf (stderr, "recvtty: no fd received\n");
      return 1;
    }
  int master;
  memcpy (&master, CMSG_DATA (cm), sizeof master);
  fprintf (stderr, "recvtty: got %s\n", name);
  if (input && write (master, input, strlen (input)) < 0)
    die ("write");
  char buf[4096];
  ssize_t n;
  while ((n = read (master, buf, sizeof buf)) > 0)
    if (write (1, buf, (size_t) n) != n)
      die ("write");
  return 0;
}
