/* udpecho PORT: answer each UDP datagram on PORT (IPv4 and IPv6) with
 * "echo: " and the datagram, and print the sender's address.
 * udpecho IPV4 PORT TEXT: the client: send TEXT to IPV4:PORT until an
 * answer comes (50 tries, 200 ms apart) and print it; status 1 if none.
 * Linked statically: the tests run it inside busybox containers, whose
 * busybox has neither a UDP server nor a UDP client. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static int
client (const char *host, const char *port, const char *text)
{
  struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons ((uint16_t) atoi (port)) };
  struct timeval tv = { 0, 200000 };
  int s = socket (AF_INET, SOCK_DGRAM, 0);
  if (inet_pton (AF_INET, host, &to.sin_addr) != 1)
    {
      fprintf (stderr, "udpecho: `%s` is not an IPv4 address\n", host);
      return 2;
    }
  if (s < 0 || setsockopt (s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0)
    {
      perror ("udpecho");
      return 1;
    }
  for (int i = 0; i < 50; i++)
    {
      char buf[2048];
      if (sendto (s, text, strlen (text), 0, (struct sockaddr *) &to, sizeof to) < 0)
        {
          perror ("udpecho: sendto");
          return 1;
        }
      ssize_t n = recv (s, buf, sizeof buf, 0);
      if (n >= 0)
        {
          printf ("%.*s\n", (int) n, buf);
          return 0;
        }
    }
  fprintf (stderr, "udpecho: no answer from %s:%s\n", host, port);
  return 1;
}

int
main (int argc, char **argv)
{
  if (argc == 4)
    return client (argv[1], argv[2], argv[3]);
  if (argc != 2)
    {
      fprintf (stderr, "usage: udpecho PORT | udpecho IPV4 PORT TEXT\n");
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
