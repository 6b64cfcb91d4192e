/* rtnetlink: the few requests a bridge network makes (bridge.c), each sent
 * and acknowledged on its own, so an error names the request that failed.
 *
 * A socket works in the network namespace of the thread that opened it:
 * open one after setns(2) into a container's namespace to configure its
 * side, and it stays there when the thread goes back. */
#ifndef BENTO_ENGINE_NETLINK_H
#define BENTO_ENGINE_NETLINK_H

#include "shared/error.h"

#include <stdint.h>

struct nl
{
  int fd;
  uint32_t seq;
};

int nl_open (struct nl *nl, bento_err *err);
void nl_close (struct nl *nl);

/* A bridge device NAME (down); EEXIST is no error. */
int nl_bridge_add (struct nl *nl, const char *name, bento_err *err);
/* A veth pair: HOST here, enslaved to MASTER (an ifindex), and PEER in the
 * network namespace PEER_NETNS (an fd) with the hardware address MAC. */
int nl_veth_add (struct nl *nl, const char *host, int master, const char *peer, int peer_netns,
                 const uint8_t mac[6], bento_err *err);
/* Delete the link NAME; one that is gone already is no error. */
int nl_link_del (struct nl *nl, const char *name, bento_err *err);
int nl_link_up (struct nl *nl, int ifindex, bento_err *err);
/* ADDR/PREFIX (an in_addr or in6_addr for FAMILY) on IFINDEX; IPv6
 * addresses skip duplicate address detection (usable at once). */
int nl_addr_add (struct nl *nl, int ifindex, int family, const void *addr, int prefix, bento_err *err);
/* The default route of FAMILY through GW on IFINDEX. */
int nl_route_default (struct nl *nl, int ifindex, int family, const void *gw, bento_err *err);

#endif
