/* -p parsing, -P, the record's form of ports and host port reservation. */
#include "engine/ports.h"
#include "shared/cleanup.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

void
port_list_free (struct port_list *l)
{
  free (l->v);
  l->v = NULL;
  l->n = 0;
}

static int
port_add (struct port_list *l, const char *proto, const char *ip, unsigned host, unsigned ctr)
{
  struct port_map *v = realloc (l->v, (l->n + 1) * sizeof *v);
  if (v == NULL)
    return -1;
  l->v = v;
  struct port_map *m = &l->v[l->n++];
  memset (m, 0, sizeof *m);
  snprintf (m->proto, sizeof m->proto, "%s", proto);
  snprintf (m->host_ip, sizeof m->host_ip, "%s", ip);
  m->host_port = (uint16_t) host;
  m->ctr_port = (uint16_t) ctr;
  return 0;
}

/* "N" or "N-M", 1..65535 (0 allowed for a single host port: pick one). */
static int
parse_range (const char *s, bool allow_zero, unsigned *lo, unsigned *hi)
{
  char *end;
  if (s[0] < '0' || s[0] > '9')
    return -1;
  unsigned long a = strtoul (s, &end, 10), b = a;
  if (*end == '-')
    {
      const char *t = end + 1;
      if (*t < '0' || *t > '9')
        return -1;
      b = strtoul (t, &end, 10);
      if (a == 0)
        return -1;
    }
  if (*end != '\0' || a > 65535 || b > 65535 || b < a || (a == 0 && !allow_zero))
    return -1;
  *lo = (unsigned) a;
  *hi = (unsigned) b;
  return 0;
}

/* Split SPEC (without its /PROTO) into IP, HOST and CONTAINER. */
static int
split_spec (char *s, const char **ip, const char **host, const char **ctr)
{
  *ip = "";
  *host = "";
  if (s[0] == '[')
    {
      char *close = strchr (s, ']');
      if (close == NULL || close[1] != ':')
        return -1;
      *close = '\0';
      *ip = s + 1;
      s = close + 2;
      char *colon = strchr (s, ':');
      if (colon == NULL || strchr (colon + 1, ':'))
        return -1;
      *colon = '\0';
      *host = s;
      *ctr = colon + 1;
      return 0;
    }
  char *c1 = strchr (s, ':'), *c2 = c1 ? strchr (c1 + 1, ':') : NULL;
  if (c2 && strchr (c2 + 1, ':'))
    return -1;
  if (c1 == NULL)
    *ctr = s;
  else if (c2 == NULL)
    {
      *c1 = '\0';
      *host = s;
      *ctr = c1 + 1;
      if (**host == '\0')
        return -1;
    }
  else
    {
      *c1 = *c2 = '\0';
      *ip = s;
      *host = c1 + 1;
      *ctr = c2 + 1;
    }
  return 0;
}

bool
ip_address_valid (const char *ip)
{
  unsigned char buf[sizeof (struct in6_addr)];
  return inet_pton (AF_INET, ip, buf) == 1 || inet_pton (AF_INET6, ip, buf) == 1;
}

static bool
same_host_port (const struct port_map *a, const struct port_map *b)
{
  return a->host_port != 0 && a->host_port == b->host_port && strcmp (a->proto, b->proto) == 0
         && (a->host_ip[0] == '\0' || b->host_ip[0] == '\0' || strcmp (a->host_ip, b->host_ip) == 0);
}

static int
check_duplicates (const struct port_list *l, size_t from, const char *spec, bento_err *err)
{
  for (size_t i = from; i < l->n; i++)
    for (size_t j = 0; j < i; j++)
      if (same_host_port (&l->v[i], &l->v[j]))
        return bento_err_make (err, 0, "-p `%s`: host port %u/%s is published twice", spec, l->v[i].host_port,
                               l->v[i].proto);
  return 0;
}

int
port_parse (const char *spec, struct port_list *l, bento_err *err)
{
  _cleanup_free_ char *s = strdup (spec);
  if (s == NULL)
    return bento_err_make (err, ENOMEM, "-p");
  const char *proto = "tcp";
  char *slash = strrchr (s, '/');
  if (slash)
    {
      *slash = '\0';
      proto = slash + 1;
      if (strcmp (proto, "tcp") && strcmp (proto, "udp"))
        return bento_err_make (err, 0, "-p `%s`: unknown protocol `%s` (want tcp or udp)", spec, proto);
    }
  const char *ip, *host, *ctr;
  unsigned hlo = 0, hhi = 0, clo, chi;
  if (split_spec (s, &ip, &host, &ctr) < 0)
    return bento_err_make (err, 0, "-p `%s`: want [IP:][HOST:]CONTAINER[/PROTOCOL] (IPv6 addresses in [ ])", spec);
  if (ip[0] != '\0' && !ip_address_valid (ip))
    return bento_err_make (err, 0, "-p `%s`: `%s` is not an IP address", spec, ip);
  if (parse_range (ctr, false, &clo, &chi) < 0)
    return bento_err_make (err, 0, "-p `%s`: `%s` is not a port or range of ports (1-65535)", spec, ctr);
  if (host[0] && parse_range (host, true, &hlo, &hhi) < 0)
    return bento_err_make (err, 0, "-p `%s`: `%s` is not a port or range of ports (1-65535)", spec, host);
  if (host[0] && hhi - hlo != chi - clo)
    return bento_err_make (err, 0, "-p `%s`: the host and container ranges differ in length", spec);
  size_t from = l->n;
  for (unsigned p = clo; p <= chi; p++)
    if (port_add (l, proto, ip, host[0] && hlo ? hlo + (p - clo) : 0, p) < 0)
      return bento_err_make (err, ENOMEM, "-p");
  return check_duplicates (l, from, spec, err);
}

int
port_add_exposed (char *const *exposed, struct port_list *l, bento_err *err)
{
  for (char *const *e = exposed; e && *e; e++)
    {
      unsigned lo, hi;
      _cleanup_free_ char *s = strdup (*e);
      if (s == NULL)
        return bento_err_make (err, ENOMEM, "-P");
      char *slash = strchr (s, '/');
      const char *proto = slash ? slash + 1 : "tcp";
      if (slash)
        *slash = '\0';
      if ((strcmp (proto, "tcp") && strcmp (proto, "udp")) || parse_range (s, false, &lo, &hi) < 0)
        continue; /* sctp and the like: not ours to publish */
      for (unsigned p = lo; p <= hi; p++)
        {
          bool taken = false;
          for (size_t i = 0; i < l->n && !taken; i++)
            taken = l->v[i].ctr_port == p && strcmp (l->v[i].proto, proto) == 0;
          if (!taken && port_add (l, proto, "", 0, p) < 0)
            return bento_err_make (err, ENOMEM, "-P");
        }
    }
  return 0;
}

json_t *
port_list_to_json (const struct port_list *l)
{
  json_t *a = json_array ();
  for (size_t i = 0; i < l->n; i++)
    json_array_append_new (a, json_pack ("{s:s, s:i, s:i, s:s}", "hostIP", l->v[i].host_ip, "hostPort",
                                         (int) l->v[i].host_port, "containerPort", (int) l->v[i].ctr_port,
                                         "protocol", l->v[i].proto));
  return a;
}

int
port_list_from_json (json_t *a, struct port_list *l)
{
  size_t i;
  json_t *v;
  memset (l, 0, sizeof *l);
  json_array_foreach (a, i, v)
  {
    const char *ip = json_string_value (json_object_get (v, "hostIP"));
    const char *proto = json_string_value (json_object_get (v, "protocol"));
    json_int_t h = json_integer_value (json_object_get (v, "hostPort"));
    json_int_t c = json_integer_value (json_object_get (v, "containerPort"));
    if (h < 0 || h > 65535 || c < 1 || c > 65535
        || port_add (l, proto ? proto : "tcp", ip ? ip : "", (unsigned) h, (unsigned) c) < 0)
      return -1;
  }
  return 0;
}

int
port_check_unprivileged (const struct port_list *l, bento_err *err)
{
  long start = 1024;
  _cleanup_fclose_ FILE *f = fopen ("/proc/sys/net/ipv4/ip_unprivileged_port_start", "re");
  if (f && fscanf (f, "%ld", &start) != 1)
    start = 1024;
  for (size_t i = 0; i < l->n; i++)
    if (l->v[i].host_port != 0 && l->v[i].host_port < start)
      return bento_err_make (err, 0,
                             "-p: host port %u is below %ld: rootless, binding it needs "
                             "net.ipv4.ip_unprivileged_port_start lowered (sysctl) or a port of %ld or more",
                             l->v[i].host_port, start, start);
  return 0;
}

/* Bind PROTO on IP:PORT (every address, IPv4 and IPv6, when IP is ""). */
static int
bind_port (const struct port_map *m, uint16_t *port, bento_err *err)
{
  struct sockaddr_storage ss = { 0 };
  struct sockaddr_in *in = (struct sockaddr_in *) &ss;
  struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) &ss;
  socklen_t len;
  int type = strcmp (m->proto, "udp") == 0 ? SOCK_DGRAM : SOCK_STREAM;
  bool v4 = m->host_ip[0] && inet_pton (AF_INET, m->host_ip, &in->sin_addr) == 1;
  int fd = socket (v4 ? AF_INET : AF_INET6, type | SOCK_CLOEXEC, 0);
  if (fd < 0 && !v4 && m->host_ip[0] == '\0' && errno == EAFNOSUPPORT)
    {
      v4 = true; /* no IPv6 on this host */
      fd = socket (AF_INET, type | SOCK_CLOEXEC, 0);
    }
  if (fd < 0)
    return bento_err_make (err, errno, "socket");
  int one = 1, zero = 0;
  setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (v4)
    {
      in->sin_family = AF_INET;
      in->sin_port = htons (*port);
      len = sizeof *in;
    }
  else
    {
      in6->sin6_family = AF_INET6;
      in6->sin6_port = htons (*port);
      if (m->host_ip[0] && inet_pton (AF_INET6, m->host_ip, &in6->sin6_addr) != 1)
        {
          close (fd);
          return bento_err_make (err, 0, "`%s` is not an IP address", m->host_ip);
        }
      setsockopt (fd, IPPROTO_IPV6, IPV6_V6ONLY, m->host_ip[0] ? &one : &zero, sizeof one);
      len = sizeof *in6;
    }
  if (bind (fd, (struct sockaddr *) &ss, len) < 0 || getsockname (fd, (struct sockaddr *) &ss, &len) < 0)
    {
      int e = errno;
      close (fd);
      return bento_err_make (err, e, "host port %s%s%u/%s", m->host_ip, m->host_ip[0] ? ":" : "", *port, m->proto);
    }
  *port = ntohs (v4 ? in->sin_port : in6->sin6_port);
  return fd;
}

int
port_reserve (struct port_list *l, int *fds, bento_err *err)
{
  for (size_t i = 0; i < l->n; i++)
    fds[i] = -1;
  for (size_t i = 0; i < l->n; i++)
    {
      uint16_t port = l->v[i].host_port;
      if ((fds[i] = bind_port (&l->v[i], &port, err)) < 0)
        {
          for (size_t j = 0; j < i; j++)
            close (fds[j]);
          return -1;
        }
      l->v[i].host_port = port;
    }
  return 0;
}

size_t
port_run_length (const struct port_list *l, size_t first)
{
  size_t n = 1;
  const struct port_map *a = &l->v[first];
  while (first + n < l->n)
    {
      const struct port_map *b = &l->v[first + n];
      if (strcmp (a->proto, b->proto) || strcmp (a->host_ip, b->host_ip) || b->host_port != a->host_port + n
          || b->ctr_port != a->ctr_port + n)
        break;
      n++;
    }
  return n;
}
