/* A bridge network's nftables table (inet bento_IFACE_HASH), written whole and
 * replaced in one transaction through libnftables whenever a member comes
 * or goes, so no rule is ever looked up by handle or left half-made:
 *
 *   postrouting  masquerade what leaves the subnet (not for --internal);
 *                masquerade what was DNAT'd to a member from the host's
 *                loopback (with route_localnet on the bridge) or from
 *                another member through the gateway, so replies come back
 *   prerouting,  for packets to one of the host's own addresses: the
 *   output       published ports, a DNAT rule each (chain ports) */
#include "engine/bridge.h"
#include "engine/net-internal.h"
#include "shared/cleanup.h"

#include <arpa/inet.h>
#include <errno.h>
#include <nftables/libnftables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
nft_run (const char *cmds, bento_err *err)
{
  struct nft_ctx *ctx = nft_ctx_new (NFT_CTX_DEFAULT);
  if (ctx == NULL)
    return bento_err_make (err, ENOMEM, "nftables");
  nft_ctx_buffer_output (ctx);
  nft_ctx_buffer_error (ctx);
  int r = nft_run_cmd_from_buffer (ctx, cmds);
  if (r != 0)
    {
      /* the first line of what nft says */
      const char *msg = nft_ctx_get_error_buffer (ctx);
      size_t len = msg ? strcspn (msg, "\n") : 0;
      bento_err_make (err, 0, "nftables: %.*s", (int) len, len ? msg : "failed");
    }
  nft_ctx_free (ctx);
  return r != 0 ? -1 : 0;
}

/* One DNAT rule of published port P to ADDR (an in_addr, or an in6_addr
 * when V6) of a member. */
static void
dnat_rule (FILE *out, const struct port_map *p, bool v6, const void *addr)
{
  char ip[INET6_ADDRSTRLEN];
  inet_ntop (v6 ? AF_INET6 : AF_INET, addr, ip, sizeof ip);
  const char *family = v6 ? "ip6" : "ip";
  if (p->host_ip[0])
    fprintf (out, "\t\t%s daddr %s ", family, p->host_ip);
  else
    fprintf (out, "\t\tmeta nfproto %s ", v6 ? "ipv6" : "ipv4");
  fprintf (out, "%s dport %u dnat %s to %s%s%s:%u\n", p->proto, p->host_port, family, v6 ? "[" : "", ip,
           v6 ? "]" : "", p->ctr_port);
}

/* P's rules: IPv4, and IPv6 for a member that has it (a host address
 * given picks its own family). */
static void
port_rule (FILE *out, const struct port_map *p, const struct bmember *m)
{
  bool host6 = strchr (p->host_ip, ':') != NULL;
  if (!host6)
    dnat_rule (out, p, false, &m->ip);
  if (m->has6 && (host6 || !p->host_ip[0]))
    dnat_rule (out, p, true, &m->ip6);
}

static void
postrouting (FILE *out, const struct bnet *b)
{
  char net[INET6_ADDRSTRLEN];
  inet_ntop (AF_INET, &b->net4, net, sizeof net);
  fprintf (out, "\tchain postrouting {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n");
  if (!b->internal)
    fprintf (out, "\t\tip saddr %s/%d ip daddr != %s/%d masquerade\n", net, b->prefix4, net, b->prefix4);
  fprintf (out, "\t\toifname \"%s\" ip saddr 127.0.0.0/8 masquerade\n", b->iface);
  fprintf (out, "\t\toifname \"%s\" ct status dnat ip saddr %s/%d masquerade\n", b->iface, net, b->prefix4);
  if (b->ipv6)
    {
      inet_ntop (AF_INET6, &b->net6, net, sizeof net);
      if (!b->internal)
        fprintf (out, "\t\tip6 saddr %s/%d ip6 daddr != %s/%d masquerade\n", net, b->prefix6, net, b->prefix6);
      fprintf (out, "\t\toifname \"%s\" ct status dnat ip6 saddr %s/%d masquerade\n", b->iface, net, b->prefix6);
    }
  fprintf (out, "\t}\n");
}

int
nft_network_apply (const struct bnet *b, const struct bmember *m, size_t n, bento_err *err)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream (&buf, &len);
  if (out == NULL)
    return bento_err_make (err, errno, "nftables");
  /* made if missing, so the delete always has a table to delete */
  fprintf (out, "table inet %s\ndelete table inet %s\ntable inet %s {\n", b->table, b->table, b->table);
  postrouting (out, b);
  fprintf (out, "\tchain prerouting {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n"
                "\t\tfib daddr type local jump ports\n\t}\n");
  fprintf (out, "\tchain output {\n\t\ttype nat hook output priority -100; policy accept;\n"
                "\t\tfib daddr type local jump ports\n\t}\n");
  fprintf (out, "\tchain ports {\n");
  for (size_t i = 0; i < n; i++)
    for (size_t k = 0; k < m[i].ports.n; k++)
      port_rule (out, &m[i].ports.v[k], &m[i]);
  fprintf (out, "\t}\n}\n");
  if (fclose (out) != 0)
    {
      free (buf);
      return bento_err_make (err, ENOMEM, "nftables");
    }
  int r = nft_run (buf, err);
  free (buf);
  return r < 0 ? bento_err_wrap (err, "network `%s`", b->name) : 0;
}

int
nft_network_delete (const struct bnet *b, bento_err *err)
{
  _cleanup_free_ char *cmds = NULL;
  if (asprintf (&cmds, "table inet %s\ndelete table inet %s\n", b->table, b->table) < 0)
    return bento_err_make (err, ENOMEM, "nftables");
  return nft_run (cmds, err) < 0 ? bento_err_wrap (err, "network `%s`", b->name) : 0;
}
