/* udpecho PORT: answer each UDP datagram on PORT (IPv4 and IPv6) with
 * "echo: " and the datagram, and print the sender's address.  Linked
 * statically: the tests run it inside busybox containers, whose busybox
 * has no UDP server. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  if (argc != 2)
    {
      fprintf (stderr, "usage: udpecho PORT\n");
      return 2;
    }
  int s = socket (AF_INET6, SOCK_DGRAM, 0), zero = 0;
  struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons ((uint16_t) atoi (argv[1])) };
  if (s < 0 || setsockopt (s, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero) < 0
      || bind (s, (struct sockaddr *) &sa, sizeof sa) < 0)
    {
      perror ("udpecho");
      return 1;
    }
  for (;;)
    {
      char buf[2048], out[2100], peer[INET6_ADDRSTRLEN];
      struct sockaddr_in6 from;
      socklen_t len = sizeof from;
      ssize_t n = recvfrom (s, buf, sizeof buf, 0, (struct sockaddr *) &from, &len);
      if (n < 0)
        continue;
      int m = snprintf (out, sizeof out, "echo: %.*s", (int) n, buf);
      sendto (s, out, (size_t) m, 0, (struct sockaddr *) &from, len);
      inet_ntop (AF_INET6, &from.sin6_addr, peer, sizeof peer);
      printf ("from %s\n", peer);
      fflush (stdout);
    }
}
