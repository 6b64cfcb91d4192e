/* A container's /etc/resolv.conf and /etc/hosts, as its network has them. */
#include "engine/engine.h"
#include "engine/net-internal.h"
#include "engine/network.h"
#include "shared/cleanup.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool
loopback_nameserver (const char *line)
{
  char addr[64];
  if (sscanf (line, "nameserver %63s", addr) != 1)
    return false;
  return strncmp (addr, "127.", 4) == 0 || strcmp (addr, "::1") == 0;
}

/* The DNS forwarder the tool (or a bridge's gateway, BRIDGE_GW) offers in
 * place of the host's loopback resolvers (unreachable from another network
 * namespace), or NULL. */
static const char *
forwarder (enum net_kind kind, const char *bridge_gw)
{
  switch (kind)
    {
    case NET_PASTA: return PASTA_DNS_FORWARD;
    case NET_SLIRP: return SLIRP_DNS;
    case NET_BRIDGE: return bridge_gw;
    default: return NULL;
    }
}

bool
net_host_has_loopback_resolver (void)
{
  return net_loopback_resolver (NULL, 0);
}

bool
net_loopback_resolver (char *addr, size_t len)
{
  _cleanup_fclose_ FILE *in = fopen ("/etc/resolv.conf", "re");
  _cleanup_free_ char *line = NULL;
  size_t cap = 0;
  char a[64];
  while (in && getline (&line, &cap, in) > 0)
    if (loopback_nameserver (line) && sscanf (line, "nameserver %63s", a) == 1 && (addr == NULL || strchr (a, '.')))
      {
        if (addr)
          snprintf (addr, len, "%s", a);
        return true;
      }
  return false;
}

/* The host's, with --dns and --dns-search in place of its own lines. */
char *
net_resolv_conf (const struct run_opts *o, enum net_kind kind, const char *bridge_gw)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream (&buf, &len);
  if (out == NULL)
    return NULL;
  bool forwarded = false;
  for (size_t i = 0; i < o->dns.n; i++)
    fprintf (out, "nameserver %s\n", o->dns.v[i]);
  if (o->dns_search.n)
    {
      fprintf (out, "search");
      for (size_t i = 0; i < o->dns_search.n; i++)
        fprintf (out, " %s", o->dns_search.v[i]);
      fprintf (out, "\n");
    }
  _cleanup_fclose_ FILE *in = fopen ("/etc/resolv.conf", "re");
  _cleanup_free_ char *line = NULL;
  size_t cap = 0;
  while (in && getline (&line, &cap, in) > 0)
    {
      bool ns = strncmp (line, "nameserver", 10) == 0;
      if (ns && o->dns.n)
        continue;
      if (ns && kind != NET_HOST && loopback_nameserver (line))
        {
          if (forwarder (kind, bridge_gw) && !forwarded)
            fprintf (out, "nameserver %s\n", forwarder (kind, bridge_gw));
          forwarded = true;
          continue;
        }
      if (strncmp (line, "search", 6) == 0 && o->dns_search.n)
        continue;
      fputs (line, out);
    }
  fclose (out);
  return buf;
}

/* The host's default IPv4 gateway (pasta gives it to the container). */
static bool
host_gateway (char *out, size_t len)
{
  _cleanup_fclose_ FILE *f = fopen ("/proc/net/route", "re");
  char iface[64];
  unsigned dest, gw, flags;
  _cleanup_free_ char *line = NULL;
  size_t cap = 0;
  while (f && getline (&line, &cap, f) > 0)
    if (sscanf (line, "%63s %x %x %x", iface, &dest, &gw, &flags) == 4 && dest == 0 && (flags & 0x2))
      {
        struct in_addr a = { .s_addr = gw };
        return inet_ntop (AF_INET, &a, out, (socklen_t) len) != NULL;
      }
  return false;
}

/* The address by which the container reaches the host's loopback. */
static bool
host_address (enum net_kind kind, char *out, size_t len)
{
  if (kind == NET_SLIRP)
    return snprintf (out, len, "%s", SLIRP_HOST) > 0;
  if (kind == NET_PASTA)
    return host_gateway (out, len);
  return false;
}

char *
net_hosts_file (const struct run_opts *o, enum net_kind kind, const char *hostname, const char *name)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream (&buf, &len);
  if (out == NULL)
    return NULL;
  fprintf (out, "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
  /* on a bridge the container's own address comes when it starts */
  if (kind != NET_BRIDGE)
    fprintf (out, "127.0.1.1\t%s %s\n", hostname, name);
  bool host_named = false;
  for (size_t i = 0; i < o->add_hosts.n; i++)
    {
      const char *colon = strchr (o->add_hosts.v[i], ':');
      if (colon == NULL)
        continue;
      int n = (int) (colon - o->add_hosts.v[i]);
      fprintf (out, "%s\t%.*s\n", colon + 1, n, o->add_hosts.v[i]);
      host_named |= strncmp (o->add_hosts.v[i], HOST_NAME ":", sizeof HOST_NAME) == 0;
    }
  char host[64];
  if (!host_named && host_address (kind, host, sizeof host))
    fprintf (out, "%s\t%s %s\n", host, HOST_NAME, HOST_NAME_BENTO);
  fclose (out);
  return buf;
}
