/* tcpstream: one TCP stream's throughput, for bench/net.sh.
 *
 *   tcpstream sink PORT          accept on PORT (IPv4 and IPv6); read each
 *                                stream to its end, answer with its length
 *   tcpstream send IP PORT MIB   send MIB MiB, wait for the sink's count,
 *                                print "MIB SECONDS MIB/S"
 *
 * The time runs from connect until the sink has counted every byte.
 * Linked statically: it runs inside busybox containers. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static char buf[1 << 17];

static int
sink (const char *port)
{
  int s = socket (AF_INET6, SOCK_STREAM, 0), zero = 0, one = 1;
  struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons ((uint16_t) atoi (port)) };
  if (s < 0 || setsockopt (s, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero) < 0
      || setsockopt (s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0
      || bind (s, (struct sockaddr *) &sa, sizeof sa) < 0 || listen (s, 8) < 0)
    {
      perror ("tcpstream sink");
      return 1;
    }
  for (;;)
    {
      int c = accept (s, NULL, NULL);
      if (c < 0)
        continue;
      unsigned long long total = 0;
      ssize_t n;
      while ((n = read (c, buf, sizeof buf)) > 0)
        total += (unsigned long long) n;
      char reply[32];
      int len = snprintf (reply, sizeof reply, "%llu\n", total);
      if (write (c, reply, (size_t) len) < 0)
        perror ("tcpstream sink: write");
      close (c);
    }
}

static double
now (void)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return (double) t.tv_sec + (double) t.tv_nsec / 1e9;
}

static int
send_stream (const char *ip, const char *port, const char *mib)
{
  struct sockaddr_storage ss = { 0 };
  struct sockaddr_in *in = (struct sockaddr_in *) &ss;
  struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) &ss;
  socklen_t len;
  uint16_t p = htons ((uint16_t) atoi (port));
  if (inet_pton (AF_INET, ip, &in->sin_addr) == 1)
    {
      in->sin_family = AF_INET;
      in->sin_port = p;
      len = sizeof *in;
    }
  else if (inet_pton (AF_INET6, ip, &in6->sin6_addr) == 1)
    {
      in6->sin6_family = AF_INET6;
      in6->sin6_port = p;
      len = sizeof *in6;
    }
  else
    {
      fprintf (stderr, "tcpstream send: `%s` is not an IP address\n", ip);
      return 2;
    }
  unsigned long long want = strtoull (mib, NULL, 10) << 20, sent = 0;
  double t0 = now ();
  int s = socket (ss.ss_family, SOCK_STREAM, 0);
  if (s < 0 || connect (s, (struct sockaddr *) &ss, len) < 0)
    {
      perror ("tcpstream send: connect");
      return 1;
    }
  while (sent < want)
    {
      size_t chunk = want - sent < sizeof buf ? (size_t) (want - sent) : sizeof buf;
      ssize_t n = write (s, buf, chunk);
      if (n <= 0)
        {
          perror ("tcpstream send: write");
          return 1;
        }
      sent += (unsigned long long) n;
    }
  shutdown (s, SHUT_WR);
  char reply[32] = { 0 };
  ssize_t n = read (s, reply, sizeof reply - 1);
  double dt = now () - t0;
  if (n <= 0 || strtoull (reply, NULL, 10) != want)
    {
      fprintf (stderr, "tcpstream send: the sink counted %s bytes of %llu\n", n > 0 ? reply : "no", want);
      return 1;
    }
  printf ("%llu %.3f %.1f\n", want >> 20, dt, (double) (want >> 20) / dt);
  return 0;
}

int
main (int argc, char **argv)
{
  if (argc == 3 && strcmp (argv[1], "sink") == 0)
    return sink (argv[2]);
  if (argc == 5 && strcmp (argv[1], "send") == 0)
    return send_stream (argv[2], argv[3], argv[4]);
  fprintf (stderr, "usage: tcpstream sink PORT | tcpstream send IP PORT MIB\n");
  return 2;
}
