/* Bridge networks, as root (podman's netavark in small):
 *
 *   STORE/networks/NAME.json   the definition, in podman's `network inspect`
 *                              form; bento0 (10.90.0.0/24) is made on first use
 *   STORE/networks/lock        held while a network or its members change
 *
 * A network is a Linux bridge with the gateway's addresses, made when its
 * first container starts and deleted with the last one (when no port of
 * anyone's is left on it), and an nftables
 * table of its own (inet bento_IFACE_HASH, HASH of the store's path, so
 * two stores that share a bridge keep their rules apart): masquerade for what leaves the
 * subnet and a DNAT rule per published port.  Each container gets a veth
 * pair (bvID on the bridge, eth0 inside) and an address from the subnet;
 * the container records hold the leases ("ip", "ip6", "mac", "netIface"),
 * so what a network has is read from them, and a member whose veth is gone
 * (its namespace died with no one left to say so) is dropped on the way.
 * Members find each other by name through their /etc/hosts, rewritten in
 * place whenever one comes or goes. */
#ifndef BENTO_ENGINE_BRIDGE_H
#define BENTO_ENGINE_BRIDGE_H

#include "engine/network.h"
#include "engine/store.h"
#include "shared/error.h"

#include <jansson.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>

#define BRIDGE_DEFAULT "bento0"

struct bnet
{
  char name[64];
  char iface[IFNAMSIZ];
  char id[65];
  struct in_addr net4, gw4;
  int prefix4;
  bool ipv6;
  struct in6_addr net6, gw6;
  int prefix6;
  bool internal; /* no masquerade: the subnet reaches only the host and itself */
  char created[64];
  char table[64]; /* the nftables table: bento_IFACE_STOREHASH */
};

/* What `bento network create` asks for; NULL or false for the defaults. */
struct bnet_opts
{
  const char *subnet4, *gateway4, *subnet6, *gateway6;
  const char *iface;
  bool ipv6, internal;
};

/* The definitions.  bento0 is written on its first load. */
int bnet_load (struct store *s, const char *name, struct bnet *out, bento_err *err);
int bnet_create (struct store *s, const char *name, const struct bnet_opts *o, struct bnet *out, bento_err *err);
/* Refused while a container (in any state) names it, unless FORCE. */
int bnet_remove (struct engine *e, const char *name, bool force, bento_err *err);
/* Names of every network (bento0 first), NULL-terminated. */
char **bnet_names (struct store *s, bento_err *err);
json_t *bnet_to_json (const struct bnet *b);

/* The network's IPv4 gateway, as text. */
int bridge_gateway (struct store *s, const char *network, char *out, size_t len);
/* Is there a network NAME (bento0 always is)? */
bool bnet_exists (struct store *s, const char *name);
/* At create, as root: the network NAME loads and --ip/--mac-address fit it. */
int bridge_check (struct engine *e, const char *network, const char *ip, const char *mac, bento_err *err);
/* Connect the created init's namespace (n->netns_fd) to its network. */
int bridge_attach (struct engine *e, struct ctr *c, struct net_run *n, bento_err *err);
/* The container is gone (or never started): release what its record holds.
 * Idempotent. */
void bridge_detach (struct engine *e, struct ctr *c);

#endif
