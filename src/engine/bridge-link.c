/* Containers on bridge networks (bridge.h): the members as their records
 * have them, an address for a newcomer, its veth pair and the inside of its
 * namespace, then the network's table and every member's /etc/hosts.  All
 * of it under the store's network lock.
 *
 * The record says what to undo: "netIface" (the host's end of the veth) is
 * written before the pair is made, the lease ("ip", "ip6", "mac", "ports")
 * once it is complete; bridge_detach works from both. */
#include "engine/bridge.h"
#include "engine/ctr.h"
#include "engine/engine.h"
#include "engine/engine-internal.h"
#include "engine/net-internal.h"
#include "engine/netlink.h"
#include "shared/cleanup.h"
#include "shared/log.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define HOSTS_MARK "\t# bento network\n"

/* ---- members ------------------------------------------------------------------ */

static void
members_free (struct bmember *v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      free (v[i].id);
      free (v[i].name);
      free (v[i].hostname);
      free (v[i].dir);
      free (v[i].iface);
      port_list_free (&v[i].ports);
    }
  free (v);
}

/* M's names and paths from C's record; IFACE its veth. */
static int
member_names (struct ctr *c, struct bmember *m, const char *iface)
{
  const char *name = ctr_str (c, "name"), *host = ctr_str (c, "hostname");
  m->id = strdup (c->id);
  m->name = strdup (name ? name : c->id);
  m->hostname = strdup (host ? host : name ? name : c->id);
  m->dir = strdup (c->dir);
  m->iface = strdup (iface);
  return m->id && m->name && m->hostname && m->dir && m->iface ? 0 : -1;
}

/* A member with its lease, from its record. */
static int
member_from (struct ctr *c, struct bmember *m)
{
  memset (m, 0, sizeof *m);
  const char *ip = ctr_str (c, "ip"), *ip6 = ctr_str (c, "ip6"), *iface = ctr_str (c, "netIface");
  if (ip == NULL || inet_pton (AF_INET, ip, &m->ip) != 1)
    return -1;
  m->has6 = ip6 && inet_pton (AF_INET6, ip6, &m->ip6) == 1;
  if (port_list_from_json (json_object_get (c->rec, "ports"), &m->ports) < 0)
    port_list_free (&m->ports);
  return member_names (c, m, iface ? iface : "");
}

/* The containers with a lease on B whose veth still exists (one whose
 * namespace died is left to its own cleanup, but holds nothing now). */
static int
members_read (struct engine *e, const struct bnet *b, struct bmember **out, size_t *n, bento_err *err)
{
  char **ids = NULL;
  size_t count = 0;
  *out = NULL;
  *n = 0;
  if (ctr_list (e->store, &ids, &count, err) < 0)
    return -1;
  struct bmember *v = calloc (count + 1, sizeof *v);
  for (size_t i = 0; i < count; i++)
    {
      struct ctr c;
      _cleanup_err_ bento_err ignored = BENTO_ERR_INIT;
      if (v && ctr_open (e->store, ids[i], &c, &ignored) == 0)
        {
          const char *net = ctr_str (&c, "network"), *iface = ctr_str (&c, "netIface");
          if (net && strcmp (net, b->name) == 0 && iface && if_nametoindex (iface) != 0
              && member_from (&c, &v[*n]) == 0)
            (*n)++;
        }
      ctr_close (&c);
      free (ids[i]);
    }
  free (ids);
  if (v == NULL)
    return bento_err_make (err, ENOMEM, "network members");
  *out = v;
  return 0;
}

/* ---- addresses ---------------------------------------------------------------- */

static const struct bmember *
holder (const struct bmember *m, size_t n, struct in_addr a)
{
  for (size_t i = 0; i < n; i++)
    if (m[i].ip.s_addr == a.s_addr)
      return &m[i];
  return NULL;
}

static int
pick_ip (const struct bnet *b, const struct bmember *m, size_t n, const char *want, struct in_addr *out,
         bento_err *err)
{
  if (want)
    {
      if (inet_pton (AF_INET, want, out) != 1)
        return bento_err_make (err, 0, "--ip `%s`: not an IPv4 address", want);
      const struct bmember *h = holder (m, n, *out);
      if (h)
        return bento_err_make (err, EADDRINUSE, "--ip `%s`: container `%s` has it", want, h->name);
      return 0;
    }
  uint32_t net = ntohl (b->net4.s_addr), size = 1u << (32 - b->prefix4);
  for (uint32_t h = 1; h < size - 1; h++)
    {
      out->s_addr = htonl (net + h);
      if (out->s_addr != b->gw4.s_addr && holder (m, n, *out) == NULL)
        return 0;
    }
  return bento_err_make (err, 0, "network `%s` has no free address left", b->name);
}

/* The IPv6 address: the subnet with the IPv4 address's host part. */
static void
ip6_for (const struct bnet *b, struct in_addr ip, struct in6_addr *out)
{
  uint32_t host = ntohl (ip.s_addr) & ~ntohl (bnet_mask4 (b->prefix4));
  *out = b->net6;
  for (int i = 0; i < 4; i++)
    out->s6_addr[15 - i] |= (uint8_t) (host >> (8 * i));
}

/* ---- the kernel's side ------------------------------------------------------------ */

static void
sysctl_set (const char *path, const char *value)
{
  _cleanup_close_ int fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write (fd, value, strlen (value)) < 0)
    log_debug ("%s: %s", path, strerror (errno));
}

/* A new bridge's DNS forwarder, when the host's resolver is on loopback
 * (its containers' resolv.conf names the gateway then: net-files.c).  It
 * goes by itself with the bridge. */
static void
dns_start (const struct bnet *b)
{
  char upstream[64], gw[INET_ADDRSTRLEN];
  _cleanup_free_ char *path = engine_sibling ("bento-portfwd");
  if (!net_loopback_resolver (upstream, sizeof upstream) || path == NULL)
    return;
  inet_ntop (AF_INET, &b->gw4, gw, sizeof gw);
  char *argv[] = { path, (char *) "--dns", (char *) b->iface, gw, upstream, NULL };
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  struct tool_spec t = { .argv = argv, .userns = -1 };
  pid_t pid;
  if (tool_spawn_ready (&t, "/dev/null", "the DNS forwarder", &pid, &err) < 0)
    log_warn ("network `%s`: %s", b->name, err.msg);
}

/* The bridge with the gateway's addresses, up; its index. */
static int
bridge_up (struct nl *nl, const struct bnet *b, bento_err *err)
{
  int idx = (int) if_nametoindex (b->iface);
  bool created = idx == 0;
  if (idx == 0 && nl_bridge_add (nl, b->iface, err) < 0)
    return -1;
  if (idx == 0 && (idx = (int) if_nametoindex (b->iface)) == 0)
    return bento_err_make (err, errno, "bridge `%s`", b->iface);
  if (nl_addr_add (nl, idx, AF_INET, &b->gw4, b->prefix4, err) < 0
      || (b->ipv6 && nl_addr_add (nl, idx, AF_INET6, &b->gw6, b->prefix6, err) < 0) || nl_link_up (nl, idx, err) < 0)
    return bento_err_wrap (err, "bridge `%s`", b->iface);
  /* DNAT from the host's loopback to a member, and routing between
   * members through the gateway (published ports, masquerade) */
  char path[128];
  snprintf (path, sizeof path, "/proc/sys/net/ipv4/conf/%s/route_localnet", b->iface);
  sysctl_set (path, "1");
  sysctl_set ("/proc/sys/net/ipv4/ip_forward", "1");
  if (b->ipv6)
    sysctl_set ("/proc/sys/net/ipv6/conf/all/forwarding", "1");
  if (created)
    dns_start (b);
  return idx;
}

/* The container's end: eth0 with its addresses, up, the default routes.
 * The netlink socket is opened inside its namespace, then this thread goes
 * back to its own. */
static int
configure_inside (int netns, const struct bnet *b, const struct bmember *m, bento_err *err)
{
  _cleanup_close_ int self = open ("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (self < 0)
    return bento_err_make (err, errno, "open our network namespace");
  if (setns (netns, CLONE_NEWNET) < 0)
    return bento_err_make (err, errno, "join the container's network namespace");
  struct nl nl = { .fd = -1 };
  _cleanup_err_ bento_err open_err = BENTO_ERR_INIT;
  int opened = nl_open (&nl, &open_err);
  int idx = (int) if_nametoindex ("eth0");
  if (setns (self, CLONE_NEWNET) < 0)
    {
      /* staying in the container's namespace would be worse than dying */
      log_error ("go back to our network namespace: %s", strerror (errno));
      _exit (ENGINE_EXIT_FAILED);
    }
  if (opened < 0)
    return bento_err_set_raw (err, open_err.errnum, open_err.msg);
  int r = 0;
  if (idx == 0)
    r = bento_err_make (err, 0, "eth0 is missing in the container");
  else if (nl_addr_add (&nl, idx, AF_INET, &m->ip, b->prefix4, err) < 0
           || (m->has6 && nl_addr_add (&nl, idx, AF_INET6, &m->ip6, b->prefix6, err) < 0)
           || nl_link_up (&nl, idx, err) < 0
           || (!b->internal && nl_route_default (&nl, idx, AF_INET, &b->gw4, err) < 0)
           || (!b->internal && m->has6 && nl_route_default (&nl, idx, AF_INET6, &b->gw6, err) < 0))
    r = -1;
  nl_close (&nl);
  return r < 0 ? bento_err_wrap (err, "in the container") : 0;
}

/* ---- /etc/hosts ------------------------------------------------------------------ */

static void
host_lines (FILE *out, const struct bmember *m, bool self)
{
  char ip[INET6_ADDRSTRLEN];
  const char *first = self ? m->hostname : m->name, *second = self ? m->name : m->hostname;
  bool same = strcmp (first, second) == 0;
  inet_ntop (AF_INET, &m->ip, ip, sizeof ip);
  fprintf (out, "%s\t%s%s%s" HOSTS_MARK, ip, first, same ? "" : " ", same ? "" : second);
  if (m->has6)
    {
      inet_ntop (AF_INET6, &m->ip6, ip, sizeof ip);
      fprintf (out, "%s\t%s%s%s" HOSTS_MARK, ip, first, same ? "" : " ", same ? "" : second);
    }
}

/* SELF's hosts file: its own lines kept, the network's replaced by one per
 * member (itself first) and the gateway as host.containers.internal.  Written in place: it is bound into the container. */
static void
hosts_write (const struct bnet *b, const struct bmember *self, const struct bmember *all, size_t n)
{
  _cleanup_free_ char *path = NULL, *line = NULL, *buf = NULL;
  if (asprintf (&path, "%s/hosts", self->dir) < 0)
    return;
  size_t cap = 0, len = 0;
  FILE *out = open_memstream (&buf, &len);
  _cleanup_fclose_ FILE *in = fopen (path, "re");
  if (out == NULL || in == NULL)
    {
      if (out)
        fclose (out);
      return;
    }
  bool host_named = false;
  while (getline (&line, &cap, in) > 0)
    if (strstr (line, HOSTS_MARK) == NULL)
      {
        fputs (line, out);
        host_named |= strstr (line, "\t" HOST_NAME) != NULL; /* --add-host */
      }
  host_lines (out, self, true);
  /* the host, as podman names it: the gateway */
  char gw[INET_ADDRSTRLEN];
  if (!host_named)
    fprintf (out, "%s\t%s %s" HOSTS_MARK, inet_ntop (AF_INET, &b->gw4, gw, sizeof gw), HOST_NAME, HOST_NAME_BENTO);
  for (size_t i = 0; i < n; i++)
    if (strcmp (all[i].id, self->id) != 0)
      host_lines (out, &all[i], false);
  if (fclose (out) != 0)
    return;
  _cleanup_close_ int fd = open (path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 || write (fd, buf, len) != (ssize_t) len)
    log_warn ("update %s: %s", path, strerror (errno));
}

/* Has the bridge a port left (another store's container)? */
static bool
bridge_has_ports (const char *iface)
{
  char path[128];
  snprintf (path, sizeof path, "/sys/class/net/%s/brif", iface);
  _cleanup_closedir_ DIR *d = opendir (path);
  struct dirent *de;
  while (d && (de = readdir (d)) != NULL)
    if (de->d_name[0] != '.')
      return true;
  return false;
}

/* The table and every member's hosts file for members M; with none left,
 * the table goes, and the bridge once no one has a port on it. */
static int
network_sync (const struct bnet *b, const struct bmember *m, size_t n, bento_err *err)
{
  if (n == 0)
    {
      struct nl nl = { .fd = -1 };
      int r = nft_network_delete (b, err);
      if (!bridge_has_ports (b->iface) && (nl_open (&nl, err) < 0 || nl_link_del (&nl, b->iface, err) < 0))
        r = -1;
      nl_close (&nl);
      return r;
    }
  for (size_t i = 0; i < n; i++)
    hosts_write (b, &m[i], m, n);
  return nft_network_apply (b, m, n, err);
}

/* ---- attach, detach --------------------------------------------------------------- */

static int
record_fields (struct ctr *c, const char *const *keys, json_t *const *values, size_t n, bento_err *err)
{
  if (ctr_lock (c, err) < 0)
    {
      for (size_t i = 0; i < n; i++)
        json_decref (values[i]);
      return -1;
    }
  for (size_t i = 0; i < n; i++)
    if (values[i])
      json_object_set_new (c->rec, keys[i], values[i]);
    else
      json_object_del (c->rec, keys[i]);
  int r = ctr_save (c, err);
  ctr_unlock (c);
  return r;
}

static void
mac_for (const struct ctr *c, struct in_addr ip, uint8_t mac[6])
{
  const char *want = ctr_str (c, "macRequest");
  if (want && bnet_parse_mac (want, mac))
    return;
  /* docker's: locally administered, the address after 02:42 */
  mac[0] = 0x02;
  mac[1] = 0x42;
  memcpy (mac + 2, &ip.s_addr, 4);
}

/* Reserve the published host ports (held by the process that runs the
 * container, so no one else takes them), fill SELF's list. */
static int
reserve_ports (struct ctr *c, struct bmember *self, struct net_run *n, bento_err *err)
{
  if (port_list_from_json (json_object_get (c->rec, "publish"), &self->ports) < 0)
    return bento_err_make (err, 0, "the record's published ports are malformed");
  if (self->ports.n == 0)
    return 0;
  n->port_fds = calloc (self->ports.n, sizeof *n->port_fds);
  if (n->port_fds == NULL)
    return bento_err_make (err, ENOMEM, "ports");
  if (port_reserve (&self->ports, n->port_fds, err) < 0)
    {
      free (n->port_fds);
      n->port_fds = NULL;
      return bento_err_wrap (err, "publish");
    }
  n->n_port_fds = self->ports.n;
  /* bound without SO_REUSEADDR from now on: another bind of the port
   * fails, though none of ours listens (DNAT takes the traffic first) */
  int zero = 0;
  for (size_t i = 0; i < n->n_port_fds; i++)
    if (setsockopt (n->port_fds[i], SOL_SOCKET, SO_REUSEADDR, &zero, sizeof zero) < 0)
      return bento_err_make (err, errno, "hold the host ports");
  return 0;
}

static int
attach_locked (struct engine *e, struct ctr *c, const struct bnet *b, struct net_run *n, struct bmember **m,
               size_t *nm, bento_err *err)
{
  struct nl nl = { .fd = -1 };
  if (members_read (e, b, m, nm, err) < 0 || nl_open (&nl, err) < 0)
    return -1;
  if (*m == NULL)
    return bento_err_make (err, ENOMEM, "network members");
  struct bmember *self = &(*m)[*nm];
  memset (self, 0, sizeof *self);
  char iface[IFNAMSIZ];
  snprintf (iface, sizeof iface, "bv%.12s", c->id);
  int br = bridge_up (&nl, b, err);
  int r = -1;
  const char *keys[] = { "netIface" };
  if (br < 0 || pick_ip (b, *m, *nm, ctr_str (c, "ipRequest"), &self->ip, err) < 0
      || record_fields (c, keys, (json_t *[]) { json_string (iface) }, 1, err) < 0
      || member_names (c, self, iface) < 0)
    goto out;
  if ((self->has6 = b->ipv6))
    ip6_for (b, self->ip, &self->ip6);
  uint8_t mac[6];
  mac_for (c, self->ip, mac);
  if (nl_veth_add (&nl, iface, br, "eth0", n->netns_fd, mac, err) < 0)
    goto out;
  int host = (int) if_nametoindex (iface);
  if (host == 0)
    {
      bento_err_make (err, errno, "veth `%s`", iface);
      goto out;
    }
  if (nl_link_up (&nl, host, err) < 0 || configure_inside (n->netns_fd, b, self, err) < 0
      || reserve_ports (c, self, n, err) < 0)
    goto out;
  char ip[INET6_ADDRSTRLEN], ip6[INET6_ADDRSTRLEN], macs[18];
  inet_ntop (AF_INET, &self->ip, ip, sizeof ip);
  inet_ntop (AF_INET6, &self->ip6, ip6, sizeof ip6);
  snprintf (macs, sizeof macs, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
  const char *lease_keys[] = { "ip", "ip6", "mac", "ports" };
  json_t *lease[] = { json_string (ip), self->has6 ? json_string (ip6) : NULL, json_string (macs),
                      port_list_to_json (&self->ports) };
  if (record_fields (c, lease_keys, lease, 4, err) < 0)
    goto out;
  (*nm)++;
  r = network_sync (b, *m, *nm, err);
out:
  nl_close (&nl);
  return r;
}

int
bridge_attach (struct engine *e, struct ctr *c, struct net_run *n, bento_err *err)
{
  struct bnet b;
  const char *name = ctr_str (c, "network");
  _cleanup_close_ int lock = bnet_lock (e->store, err);
  if (lock < 0 || bnet_load (e->store, name, &b, err) < 0)
    return -1;
  struct bmember *m = NULL;
  size_t nm = 0;
  int r = attach_locked (e, c, &b, n, &m, &nm, err);
  /* self is the last entry once counted, or sits past the end unfinished */
  members_free (m, m ? nm + (r < 0) : 0);
  return r < 0 ? bento_err_wrap (err, "network `%s`", name) : 0;
}

void
bridge_detach (struct engine *e, struct ctr *c)
{
  const char *iface = ctr_str (c, "netIface");
  if (iface == NULL && ctr_str (c, "ip") == NULL)
    return;
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  struct bnet b;
  _cleanup_close_ int lock = bnet_lock (e->store, &err);
  if (lock < 0 || bnet_load (e->store, ctr_str (c, "network"), &b, &err) < 0)
    {
      log_warn ("release the network of `%s`: %s", ctr_str (c, "name"), err.msg);
      return;
    }
  struct nl nl = { .fd = -1 };
  if (iface && (nl_open (&nl, &err) < 0 || nl_link_del (&nl, iface, &err) < 0))
    log_warn ("%s", err.msg);
  nl_close (&nl);
  bento_err_clear (&err);
  const char *keys[] = { "netIface", "ip", "ip6", "mac", "ports" };
  json_t *none[] = { NULL, NULL, NULL, NULL, NULL };
  if (record_fields (c, keys, none, 5, &err) < 0)
    log_warn ("%s", err.msg);
  bento_err_clear (&err);
  struct bmember *m = NULL;
  size_t nm = 0;
  if (members_read (e, &b, &m, &nm, &err) < 0 || network_sync (&b, m, nm, &err) < 0)
    log_warn ("network `%s`: %s", b.name, err.msg);
  members_free (m, nm);
}
