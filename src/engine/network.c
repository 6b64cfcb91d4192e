/* Choosing a container's network at create, connecting it at start and
 * disconnecting it at exit (network.h).  The record keeps what a later
 * bento needs to clean up after a lost monitor:
 *
 *   "network"       none, host, private, pasta, slirp4netns or a bridge name
 *   "publish"       the ports asked for (-p, -P), host port 0 to be picked
 *   "ports"         while it runs: the ports published
 *   "netTool", "netToolStart"   pasta's or slirp4netns's pid and start
 *                   time
 *   "netFwd", "netFwdStart"     bento-portfwd's (slirp4netns's TCP ports)
 *   "ip", "ip6", "mac", "netIface"  a bridge network's lease (bridge.h) */
#include "engine/network.h"
#include "engine/bridge.h"
#include "engine/engine.h"
#include "engine/net-internal.h"
#include "shared/cleanup.h"
#include "shared/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum net_kind
net_kind_of (const char *network)
{
  if (network == NULL || strcmp (network, "private") == 0)
    return NET_PRIVATE;
  if (strcmp (network, "none") == 0)
    return NET_NONE;
  if (strcmp (network, "host") == 0)
    return NET_HOST;
  if (strcmp (network, "pasta") == 0)
    return NET_PASTA;
  if (strcmp (network, "slirp4netns") == 0)
    return NET_SLIRP;
  return NET_BRIDGE;
}

/* pasta and slirp4netns open /dev/net/tun in the container's namespace. */
static bool
tun_usable (void)
{
  return access ("/dev/net/tun", R_OK | W_OK) == 0;
}

/* Root: the bridge bento0.  Rootless: pasta, else slirp4netns, else
 * private (said once). */
static const char *
default_network (bool rootless)
{
  char path[4096];
  if (!rootless)
    return BRIDGE_DEFAULT;
  bool tun = tun_usable ();
  if (tun && tool_find ("pasta", path, sizeof path))
    return "pasta";
  if (tun && tool_find ("slirp4netns", path, sizeof path))
    return "slirp4netns";
  log_warn ("%s: the container gets a network namespace with loopback only (--network private)",
            tun ? "neither pasta nor slirp4netns is installed" : "/dev/net/tun cannot be opened");
  return "private";
}

static int
resolve_network (struct engine *e, const char *req, const char **out, bento_err *err)
{
  if (req == NULL || strcmp (req, "default") == 0)
    {
      *out = default_network (e->store->rootless);
      return 0;
    }
  if (strcmp (req, "slirp") == 0)
    req = "slirp4netns";
  *out = req;
  return 0;
}

/* podman's slirp4netns:OPTIONS; only port_handler= (rootlesskit, the
 * default: bento-portfwd in its place; or slirp4netns, its own forwarding). */
static int
slirp_options (const char *opts, const char **handler, bento_err *err)
{
  _cleanup_free_ char *copy = strdup (opts);
  if (copy == NULL)
    return bento_err_make (err, ENOMEM, "--network");
  char *save = NULL;
  for (char *o = strtok_r (copy, ",", &save); o; o = strtok_r (NULL, ",", &save))
    if (strcmp (o, "port_handler=slirp4netns") == 0)
      *handler = "slirp4netns";
    else if (strcmp (o, "port_handler=rootlesskit") == 0)
      *handler = NULL;
    else
      return bento_err_make (err, 0,
                             "--network slirp4netns:%s: unknown option `%s` (port_handler=rootlesskit or "
                             "port_handler=slirp4netns)",
                             opts, o);
  return 0;
}

/* A bridge network that exists, as root, with --ip and --mac-address that
 * fit it; those two are refused on other networks. */
static int
check_bridge (struct engine *e, const struct run_opts *o, const char *network, bento_err *err)
{
  if (net_kind_of (network) == NET_BRIDGE)
    {
      /* a name that is no network at all: say what the choices are */
      if (e->store->rootless)
        return bento_err_make (err, 0,
                               "--network `%s`: unknown network (none, host, private, pasta or slirp4netns; bridge "
                               "networks need root)",
                               network);
      if (!bnet_exists (e->store, network))
        return bento_err_make (err, 0,
                               "--network `%s`: unknown network (none, host, private, pasta, slirp4netns or a "
                               "network of `bento network ls`)",
                               network);
      return bridge_check (e, network, o->ip, o->mac_address, err);
    }
  if (o->ip || o->mac_address)
    return bento_err_make (err, 0, "%s needs a bridge network, not `%s`", o->ip ? "--ip" : "--mac-address",
                           network);
  return 0;
}

/* -p and -P into a port list; refused when the network cannot publish. */
static int
parse_ports (struct engine *e, const struct run_opts *o, const struct image_config *ic, enum net_kind kind,
             struct port_list *l, bento_err *err)
{
  for (size_t i = 0; i < o->publish.n; i++)
    if (port_parse (o->publish.v[i], l, err) < 0)
      return -1;
  if (o->publish_all && port_add_exposed (ic->exposed_ports, l, err) < 0)
    return -1;
  if (l->n == 0)
    return 0;
  if (kind != NET_PASTA && kind != NET_SLIRP && kind != NET_BRIDGE)
    return bento_err_make (err, 0, "-p/-P: publishing ports needs pasta, slirp4netns or a bridge network, not `%s`",
                           kind == NET_NONE ? "none" : kind == NET_HOST ? "host" : "private");
  if (e->store->rootless && port_check_unprivileged (l, err) < 0)
    return -1;
  /* a port in use is refused now, before anything is made */
  _cleanup_free_ int *fds = calloc (l->n, sizeof *fds);
  struct port_list probe = { .v = malloc (l->n * sizeof *l->v), .n = l->n };
  if (fds == NULL || probe.v == NULL)
    {
      port_list_free (&probe);
      return bento_err_make (err, ENOMEM, "-p");
    }
  memcpy (probe.v, l->v, l->n * sizeof *l->v);
  int r = port_reserve (&probe, fds, err);
  for (size_t i = 0; r == 0 && i < probe.n; i++)
    close (fds[i]);
  port_list_free (&probe);
  return r < 0 ? bento_err_wrap (err, "-p") : 0;
}

int
net_configure (struct engine *e, const struct run_opts *o, const struct image_config *ic, struct ctr *c,
               bento_err *err)
{
  const char *network = NULL, *handler = NULL;
  const char *req = o->network;
  if (req && strncmp (req, "slirp4netns:", 12) == 0)
    {
      if (slirp_options (req + 12, &handler, err) < 0)
        return -1;
      req = "slirp4netns";
    }
  if (resolve_network (e, req, &network, err) < 0 || check_bridge (e, o, network, err) < 0)
    return -1;
  if (handler)
    ctr_set_str (c, "portHandler", handler);
  enum net_kind kind = net_kind_of (network);
  struct port_list ports = { 0 };
  if (parse_ports (e, o, ic, kind, &ports, err) < 0)
    {
      port_list_free (&ports);
      return -1;
    }
  ctr_set_str (c, "network", network);
  if (o->ip)
    ctr_set_str (c, "ipRequest", o->ip);
  if (o->mac_address)
    ctr_set_str (c, "macRequest", o->mac_address);
  json_object_set_new (c->rec, "publish", port_list_to_json (&ports));
  port_list_free (&ports);
  return 0;
}

void
net_run_init (struct net_run *n)
{
  memset (n, 0, sizeof *n);
  n->userns_fd = -1;
  n->netns_fd = -1;
}

/* ---- attach, detach --------------------------------------------------------- */

static void
record_attached (struct ctr *c, const struct port_list *ports, const struct net_run *n)
{
  _cleanup_err_ bento_err ignored = BENTO_ERR_INIT;
  if (ctr_lock (c, &ignored) == 0)
    {
      json_object_set_new (c->rec, "ports", port_list_to_json (ports));
      if (n->tool > 0)
        {
          ctr_set_int (c, "netTool", n->tool);
          ctr_set_int (c, "netToolStart", (json_int_t) n->tool_start);
        }
      if (n->fwd > 0)
        {
          ctr_set_int (c, "netFwd", n->fwd);
          ctr_set_int (c, "netFwdStart", (json_int_t) n->fwd_start);
        }
      ctr_save (c, &ignored);
    }
  ctr_unlock (c);
}

static void
record_detached (struct ctr *c)
{
  _cleanup_err_ bento_err ignored = BENTO_ERR_INIT;
  if (ctr_lock (c, &ignored) == 0)
    {
      const char *keys[] = { "ports", "netTool", "netToolStart", "netFwd", "netFwdStart" };
      for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        json_object_del (c->rec, keys[i]);
      ctr_save (c, &ignored);
    }
  ctr_unlock (c);
}

static int
start_tool (struct engine *e, struct ctr *c, struct port_list *ports, struct net_run *n, bento_err *err)
{
  /* hold every host port (picking the free ones) until the tool binds them */
  _cleanup_free_ int *fds = calloc (ports->n + 1, sizeof *fds);
  if (fds == NULL)
    return bento_err_make (err, ENOMEM, "ports");
  if (port_reserve (ports, fds, err) < 0)
    return bento_err_wrap (err, "publish");
  for (size_t i = 0; i < ports->n; i++)
    close (fds[i]);
  bool rootless = e->store->rootless;
  if (n->kind == NET_PASTA)
    return pasta_start (c, ports, rootless, n, err);
  return slirp_start (c, ports, rootless, n, err);
}

int
net_attach (struct engine *e, struct ctr *c, pid_t pid, int ns_sock, struct net_run *n, bento_err *err)
{
  net_run_init (n);
  n->kind = net_kind_of (ctr_str (c, "network"));
  if (n->kind != NET_PASTA && n->kind != NET_SLIRP && n->kind != NET_BRIDGE)
    return 0;
  if (net_recv_namespaces (ns_sock, &n->userns_fd, &n->netns_fd, err) < 0)
    return -1;
  if (n->kind == NET_BRIDGE)
    {
      n->attached = true;
      int r = bridge_attach (e, c, n, err);
      if (r < 0)
        net_detach (e, c, n);
      return r;
    }
  struct port_list ports = { 0 };
  if (port_list_from_json (json_object_get (c->rec, "publish"), &ports) < 0)
    {
      port_list_free (&ports);
      return bento_err_make (err, 0, "the record's published ports are malformed");
    }
  n->attached = true;
  int r = start_tool (e, c, &ports, n, err);
  if (r == 0)
    record_attached (c, &ports, n);
  port_list_free (&ports);
  if (r < 0)
    net_detach (e, c, n);
  return r;
}

static void
remove_tool_files (struct ctr *c)
{
  const char *files[] = { "slirp.sock", "pasta.pid" };
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
    {
      _cleanup_free_ char *p = NULL;
      if (asprintf (&p, "%s/%s", c->dir, files[i]) >= 0)
        unlink (p);
    }
}

static const char *
tool_comm (enum net_kind kind)
{
  return kind == NET_SLIRP ? "slirp4netns" : "pas"; /* pasta, or passt.avx2 */
}

void
net_detach (struct engine *e, struct ctr *c, struct net_run *n)
{
  if (!n->attached)
    return;
  /* stopped here too: the record may not have it yet */
  tool_stop (n->tool, n->tool_start, tool_comm (n->kind));
  tool_stop (n->fwd, n->fwd_start, FWD_COMM);
  n->tool = n->fwd = 0;
  for (size_t i = 0; i < n->n_port_fds; i++)
    closep (&n->port_fds[i]);
  free (n->port_fds);
  n->port_fds = NULL;
  n->n_port_fds = 0;
  closep (&n->userns_fd);
  closep (&n->netns_fd);
  net_cleanup_record (e, c);
  n->attached = false;
}

void
net_cleanup_record (struct engine *e, struct ctr *c)
{
  if (net_kind_of (ctr_str (c, "network")) == NET_BRIDGE)
    {
      bridge_detach (e, c);
      return;
    }
  pid_t tool = (pid_t) ctr_int (c, "netTool");
  unsigned long long start = (unsigned long long) ctr_int (c, "netToolStart");
  if (tool <= 0 && json_object_get (c->rec, "ports") == NULL)
    return;
  if (tool > 0)
    tool_stop (tool, start, tool_comm (net_kind_of (ctr_str (c, "network"))));
  tool_stop ((pid_t) ctr_int (c, "netFwd"), (unsigned long long) ctr_int (c, "netFwdStart"), FWD_COMM);
  remove_tool_files (c);
  record_detached (c);
}
