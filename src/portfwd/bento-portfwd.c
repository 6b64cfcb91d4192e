/* bento-portfwd: the published TCP ports of a slirp4netns container,
 * forwarded by splice(2) in the host's kernel instead of through
 * slirp4netns's user-mode TCP stack (podman's port_handler=rootlesskit
 * works the same way); about twice the throughput here.
 *
 *   bento-portfwd HOSTPORT:CTRPORT[@IP]...
 *     fd 3  the container's network namespace
 *     fd 4  a pipe: "ok\n" once every port listens, else the error
 *
 * net-slirp.c starts it in the container's user namespace, still in the
 * host's network namespace, where it listens.  A child (the dialer) joins
 * the container's network namespace and, for each connection accepted,
 * connects to 127.0.0.1:CTRPORT there and hands the socket back over a
 * socketpair; a process per connection then splices both ways.  Static:
 * it holds little for the container's life.
 *
 *   bento-portfwd --dns IFACE LISTEN_IP UPSTREAM_IP
 *     fd 3  the ready pipe
 *
 * A bridge network's DNS forwarder (bridge-link.c): queries to the
 * gateway's port 53 relayed to the host's resolver on loopback, which the
 * containers cannot reach; it exits once the bridge IFACE is gone. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <net/if.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_PORTS 1024

struct fwd
{
  int fd;
  uint16_t host, ctr;
};

static struct fwd fwds[MAX_PORTS];
static int n_fwds;

/* ---- listening on the host ------------------------------------------------- */

static int
listen_on (const char *ip, uint16_t port, char *why, size_t len)
{
  struct sockaddr_storage ss = { 0 };
  struct sockaddr_in *in = (struct sockaddr_in *) &ss;
  struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) &ss;
  socklen_t sl = sizeof *in6;
  int one = 1, zero = 0, fd;
  if (ip[0] && inet_pton (AF_INET, ip, &in->sin_addr) == 1)
    {
      in->sin_family = AF_INET;
      in->sin_port = htons (port);
      sl = sizeof *in;
    }
  else
    {
      in6->sin6_family = AF_INET6;
      in6->sin6_port = htons (port);
      if (ip[0] && inet_pton (AF_INET6, ip, &in6->sin6_addr) != 1)
        {
          snprintf (why, len, "`%s` is not an IP address", ip);
          return -1;
        }
    }
  fd = socket (ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0 && ss.ss_family == AF_INET6 && !ip[0] && errno == EAFNOSUPPORT)
    {
      /* no IPv6 on this host */
      memset (&ss, 0, sizeof ss);
      in->sin_family = AF_INET;
      in->sin_port = htons (port);
      sl = sizeof *in;
      fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    }
  if (fd >= 0 && ss.ss_family == AF_INET6)
    setsockopt (fd, IPPROTO_IPV6, IPV6_V6ONLY, ip[0] ? &one : &zero, sizeof one);
  if (fd < 0 || setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0
      || bind (fd, (struct sockaddr *) &ss, sl) < 0 || listen (fd, 128) < 0)
    {
      snprintf (why, len, "host port %s%s%u/tcp: %s", ip, ip[0] ? ":" : "", port, strerror (errno));
      return -1;
    }
  return fd;
}

/* "HOSTPORT:CTRPORT[@IP]" */
static int
add_forward (const char *arg, char *why, size_t len)
{
  unsigned host, ctr;
  int used = 0;
  if (n_fwds == MAX_PORTS || sscanf (arg, "%u:%u%n", &host, &ctr, &used) != 2 || host == 0 || host > 65535
      || ctr == 0 || ctr > 65535 || (arg[used] != '\0' && arg[used] != '@'))
    {
      snprintf (why, len, "bad forward `%s` (HOSTPORT:CTRPORT[@IP])", arg);
      return -1;
    }
  const char *ip = arg[used] == '@' ? arg + used + 1 : "";
  int fd = listen_on (ip, (uint16_t) host, why, len);
  if (fd < 0)
    return -1;
  fwds[n_fwds++] = (struct fwd) { .fd = fd, .host = (uint16_t) host, .ctr = (uint16_t) ctr };
  return 0;
}

/* ---- the dialer, in the container's network namespace --------------------- */

static int
send_fd (int sock, int fd, int err)
{
  char cbuf[CMSG_SPACE (sizeof (int))] = { 0 };
  struct iovec iov = { .iov_base = &err, .iov_len = sizeof err };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
  if (fd >= 0)
    {
      msg.msg_control = cbuf;
      msg.msg_controllen = sizeof cbuf;
      struct cmsghdr *c = CMSG_FIRSTHDR (&msg);
      c->cmsg_level = SOL_SOCKET;
      c->cmsg_type = SCM_RIGHTS;
      c->cmsg_len = CMSG_LEN (sizeof (int));
      memcpy (CMSG_DATA (c), &fd, sizeof fd);
    }
  return sendmsg (sock, &msg, MSG_NOSIGNAL) < 0 ? -1 : 0;
}

static _Noreturn void
dialer (int sock, int netns)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (setns (netns, CLONE_NEWNET) < 0)
    {
      perror ("bento-portfwd: join the container's network namespace");
      _exit (1);
    }
  uint16_t port;
  while (recv (sock, &port, sizeof port, 0) == (ssize_t) sizeof port)
    {
      struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons (port),
                                .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
      int s = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      int e = s < 0 || connect (s, (struct sockaddr *) &sa, sizeof sa) < 0 ? errno : 0;
      if (send_fd (sock, e ? -1 : s, e) < 0)
        _exit (1);
      if (s >= 0)
        close (s);
    }
  _exit (0);
}

/* A socket connected to PORT inside the container, or -1. */
static int
dial (int sock, uint16_t port)
{
  if (send (sock, &port, sizeof port, MSG_NOSIGNAL) != (ssize_t) sizeof port)
    return -1;
  int err = 0;
  char cbuf[CMSG_SPACE (sizeof (int))];
  struct iovec iov = { .iov_base = &err, .iov_len = sizeof err };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf };
  if (recvmsg (sock, &msg, MSG_CMSG_CLOEXEC) != (ssize_t) sizeof err)
    return -2; /* the dialer is gone */
  struct cmsghdr *c = CMSG_FIRSTHDR (&msg);
  int fd = -1;
  if (err == 0 && c && c->cmsg_type == SCM_RIGHTS)
    memcpy (&fd, CMSG_DATA (c), sizeof fd);
  return fd;
}

/* ---- one connection: splice both ways ------------------------------------- */

struct dir
{
  int from, to, pipe[2];
  size_t n, cap;
  bool eof, shut;
};

/* Move what can move now; -1 on a broken connection. */
static int
pump (struct dir *d)
{
  for (bool moved = true; moved;)
    {
      moved = false;
      if (!d->eof && d->n < d->cap)
        {
          ssize_t r = splice (d->from, NULL, d->pipe[1], NULL, d->cap - d->n, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
          if (r > 0)
            d->n += (size_t) r, moved = true;
          else if (r == 0)
            d->eof = true;
          else if (errno != EAGAIN && errno != EINTR)
            return -1;
        }
      if (d->n > 0)
        {
          ssize_t w = splice (d->pipe[0], NULL, d->to, NULL, d->n, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
          if (w > 0)
            d->n -= (size_t) w, moved = true;
          else if (w < 0 && errno != EAGAIN && errno != EINTR)
            return -1;
        }
    }
  if (d->eof && d->n == 0 && !d->shut)
    {
      shutdown (d->to, SHUT_WR);
      d->shut = true;
    }
  return 0;
}

static short
events_of (const struct dir *in, const struct dir *out)
{
  return (short) ((!in->eof && in->n < in->cap ? POLLIN : 0) | (out->n > 0 ? POLLOUT : 0));
}

static _Noreturn void
relay (int a, int b)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  struct dir d[2] = { { .from = a, .to = b }, { .from = b, .to = a } };
  for (int i = 0; i < 2; i++)
    {
      if (pipe2 (d[i].pipe, O_CLOEXEC | O_NONBLOCK) < 0)
        _exit (1);
      fcntl (d[i].pipe[1], F_SETPIPE_SZ, 1 << 20); /* the most an unprivileged pipe may hold */
      int cap = fcntl (d[i].pipe[1], F_GETPIPE_SZ);
      d[i].cap = cap > 0 ? (size_t) cap : 65536;
    }
  fcntl (a, F_SETFL, O_NONBLOCK);
  fcntl (b, F_SETFL, O_NONBLOCK);
  for (;;)
    {
      if (pump (&d[0]) < 0 || pump (&d[1]) < 0 || (d[0].shut && d[1].shut))
        _exit (0);
      struct pollfd p[2] = { { .fd = a, .events = events_of (&d[0], &d[1]) },
                             { .fd = b, .events = events_of (&d[1], &d[0]) } };
      if (poll (p, 2, -1) < 0 && errno != EINTR)
        _exit (1);
      /* an error with nothing to move: the peer is gone */
      for (int i = 0; i < 2; i++)
        if ((p[i].revents & (POLLERR | POLLNVAL)) && !(p[i].revents & POLLIN))
          _exit (0);
    }
}

static void
serve (int sock)
{
  struct pollfd p[MAX_PORTS];
  for (int i = 0; i < n_fwds; i++)
    p[i] = (struct pollfd) { .fd = fwds[i].fd, .events = POLLIN };
  for (;;)
    {
      if (poll (p, (nfds_t) n_fwds, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          perror ("bento-portfwd: poll");
          exit (1);
        }
      for (int i = 0; i < n_fwds; i++)
        {
          if (!(p[i].revents & POLLIN))
            continue;
          int c = accept4 (fwds[i].fd, NULL, NULL, SOCK_CLOEXEC);
          if (c < 0)
            continue;
          int inner = dial (sock, fwds[i].ctr);
          if (inner == -2)
            exit (1);
          if (inner >= 0 && fork () == 0)
            {
              for (int k = 0; k < n_fwds; k++)
                close (fwds[k].fd);
              close (sock);
              relay (c, inner);
            }
          close (c);
          if (inner >= 0)
            close (inner);
        }
    }
}

/* ---- the DNS forwarder ----------------------------------------------------- */

#define DNS_PENDING 64

struct query
{
  int fd; /* connected to the upstream resolver, -1 when free */
  struct sockaddr_in client;
  time_t sent;
};

static int
dns_listen (const char *ip, struct sockaddr_in *up, const char *upstream, FILE *ready)
{
  struct sockaddr_in la = { .sin_family = AF_INET, .sin_port = htons (53) };
  *up = (struct sockaddr_in) { .sin_family = AF_INET, .sin_port = htons (53) };
  int s = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), one = 1;
  if (inet_pton (AF_INET, ip, &la.sin_addr) != 1 || inet_pton (AF_INET, upstream, &up->sin_addr) != 1)
    {
      fprintf (ready, "--dns: `%s` or `%s` is not an IPv4 address\n", ip, upstream);
      return -1;
    }
  /* REUSEADDR: the forwarder of the bridge before it may linger a second */
  if (s < 0 || setsockopt (s, IPPROTO_IP, IP_FREEBIND, &one, sizeof one) < 0
      || setsockopt (s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0
      || bind (s, (struct sockaddr *) &la, sizeof la) < 0)
    {
      fprintf (ready, "--dns: %s:53/udp: %s\n", ip, strerror (errno));
      return -1;
    }
  return s;
}

/* A query from a container: sent upstream on a socket of its own, so the
 * answer finds its way back to the client. */
static void
dns_forward (int s, const struct sockaddr_in *up, struct query *q)
{
  char buf[4096];
  struct sockaddr_in client;
  socklen_t len = sizeof client;
  ssize_t n = recvfrom (s, buf, sizeof buf, 0, (struct sockaddr *) &client, &len);
  if (n <= 0)
    return;
  struct query *slot = &q[0];
  for (int i = 0; i < DNS_PENDING; i++)
    if (q[i].fd < 0 || q[i].sent < slot->sent)
      {
        slot = &q[i];
        if (q[i].fd < 0)
          break;
      }
  if (slot->fd >= 0)
    close (slot->fd); /* the oldest gives way */
  slot->fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (slot->fd < 0 || connect (slot->fd, (const struct sockaddr *) up, sizeof *up) < 0
      || send (slot->fd, buf, (size_t) n, 0) < 0)
    {
      if (slot->fd >= 0)
        close (slot->fd);
      slot->fd = -1;
      return;
    }
  slot->client = client;
  slot->sent = time (NULL);
}

static int
dns_relay (const char *iface, const char *ip, const char *upstream, FILE *ready)
{
  struct sockaddr_in up;
  unsigned index = if_nametoindex (iface);
  int s = index ? dns_listen (ip, &up, upstream, ready) : -1;
  if (index == 0)
    fprintf (ready, "--dns: no interface `%s`\n", iface);
  if (s < 0)
    return 1;
  fprintf (ready, "ok\n");
  fclose (ready);
  struct query q[DNS_PENDING];
  for (int i = 0; i < DNS_PENDING; i++)
    q[i].fd = -1;
  for (;;)
    {
      struct pollfd p[DNS_PENDING + 1] = { { .fd = s, .events = POLLIN } };
      for (int i = 0; i < DNS_PENDING; i++)
        p[i + 1] = (struct pollfd) { .fd = q[i].fd, .events = POLLIN };
      int r = poll (p, DNS_PENDING + 1, 1000);
      if (r < 0 && errno != EINTR)
        return 1;
      if (if_nametoindex (iface) != index)
        return 0; /* the bridge is gone (with the network's last container) */
      if (r > 0 && (p[0].revents & POLLIN))
        dns_forward (s, &up, q);
      time_t now = time (NULL);
      for (int i = 0; i < DNS_PENDING; i++)
        {
          if (q[i].fd < 0)
            continue;
          if (p[i + 1].fd == q[i].fd && (p[i + 1].revents & POLLIN))
            {
              char buf[4096];
              ssize_t n = recv (q[i].fd, buf, sizeof buf, 0);
              if (n > 0)
                sendto (s, buf, (size_t) n, 0, (struct sockaddr *) &q[i].client, sizeof q[i].client);
            }
          else if (now - q[i].sent < 5)
            continue;
          close (q[i].fd);
          q[i].fd = -1;
        }
    }
}

int
main (int argc, char **argv)
{
  if (argc == 5 && strcmp (argv[1], "--dns") == 0)
    {
      FILE *ready = fdopen (3, "w");
      if (ready == NULL)
        {
          fprintf (stderr, "bento-portfwd --dns: fd 3 (ready pipe) is needed\n");
          return 2;
        }
      return dns_relay (argv[2], argv[3], argv[4], ready);
    }

  char why[512] = "";
  FILE *ready = fdopen (4, "w");
  if (ready == NULL || fcntl (3, F_GETFD) < 0)
    {
      fprintf (stderr, "bento-portfwd: fds 3 (network namespace) and 4 (ready pipe) are needed\n");
      return 2;
    }
  for (int i = 1; i < argc; i++)
    if (add_forward (argv[i], why, sizeof why) < 0)
      {
        fprintf (ready, "%s\n", why);
        return 1;
      }
  /* connections' processes are reaped by the kernel */
  struct sigaction sa = { .sa_handler = SIG_IGN, .sa_flags = SA_NOCLDWAIT };
  sigaction (SIGCHLD, &sa, NULL);
  int sp[2];
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
    {
      fprintf (ready, "socketpair: %s\n", strerror (errno));
      return 1;
    }
  pid_t pid = fork ();
  if (pid < 0)
    {
      fprintf (ready, "fork: %s\n", strerror (errno));
      return 1;
    }
  if (pid == 0)
    {
      close (sp[0]);
      for (int i = 0; i < n_fwds; i++)
        close (fwds[i].fd);
      dialer (sp[1], 3);
    }
  close (sp[1]);
  close (3);
  fprintf (ready, "ok\n");
  fclose (ready);
  serve (sp[0]);
  return 0;
}
