/* A container's network, as podman sets it up:
 *
 *   none         loopback only
 *   host         the host's network namespace
 *   private      a network namespace of its own with loopback only
 *   pasta        rootless (and root): pasta (passt) connects the namespace
 *                to the host's network through a tap device, forwards the
 *                published ports and maps the gateway address to the host's
 *                loopback
 *   slirp4netns  the same through slirp4netns (10.0.2.0/24; 10.0.2.2 is the
 *                host's loopback, 10.0.2.3 its DNS forwarder); its TCP ports
 *                through bento-portfwd (slirp4netns:port_handler=slirp4netns
 *                for its own forwarding)
 *   NAME         root: a bridge network (bridge.h), bento0 by default
 *
 * The default is bento0 as root, and pasta, else slirp4netns, else
 * private (with a warning) rootless, as podman's.  The tool runs for the life of the
 * container beside it: started by whoever runs the runtime (the monitor,
 * or bento run in the foreground) once the init's namespaces exist and
 * before it starts; stopped from what the record says when the container
 * exits (bento monitor-exit, or bento run), or, when that process died
 * (SIGKILL), by the next bento command that finds the container gone
 * (net_cleanup_record). */
#ifndef BENTO_ENGINE_NETWORK_H
#define BENTO_ENGINE_NETWORK_H

#include "engine/ctr.h"
#include "engine/ports.h"
#include "shared/error.h"

#include <stdbool.h>
#include <sys/types.h>

struct engine;
struct run_opts;
struct image_config;

enum net_kind
{
  NET_NONE,
  NET_HOST,
  NET_PRIVATE,
  NET_PASTA,
  NET_SLIRP,
  NET_BRIDGE,
};

/* The kind of the record's "network". */
enum net_kind net_kind_of (const char *network);

/* At create: resolve --network (the default), parse -p/-P and check them;
 * fills the record's "network" and "publish".  Refuses bad input before
 * anything exists. */
int net_configure (struct engine *e, const struct run_opts *o, const struct image_config *ic, struct ctr *c,
                   bento_err *err);

/* The container's /etc/resolv.conf and /etc/hosts for its network
 * (BRIDGE_GW: a bridge network's gateway, its DNS forwarder). */
char *net_resolv_conf (const struct run_opts *o, enum net_kind kind, const char *bridge_gw);
char *net_hosts_file (const struct run_opts *o, enum net_kind kind, const char *hostname, const char *name);

/* What a running container's network holds in the process that runs it. */
struct net_run
{
  enum net_kind kind;
  pid_t tool;        /* pasta or slirp4netns, 0 if none */
  unsigned long long tool_start; /* its start time (/proc/PID/stat) */
  pid_t fwd;         /* slirp4netns: bento-portfwd for the TCP ports, 0 if none */
  unsigned long long fwd_start;
  int *port_fds;     /* bridge: the host ports held while it runs */
  size_t n_port_fds;
  int userns_fd, netns_fd; /* the init's namespaces (net-ns.c) */
  bool attached;
};

void net_run_init (struct net_run *n);

/* In the init, from the engine's prepare_root hook: send its namespaces to
 * the engine over SOCK (net-ns.c). */
int net_send_namespaces (int sock, bento_err *err);

/* Connect the network namespace of the created (not yet started) init PID,
 * whose namespaces come on NS_SOCK; records the ports actually published. */
int net_attach (struct engine *e, struct ctr *c, pid_t pid, int ns_sock, struct net_run *n, bento_err *err);
/* Undo net_attach, from what N holds and the record says (the container is
 * gone). */
void net_detach (struct engine *e, struct ctr *c, struct net_run *n);
/* The container is gone: undo what the record says is left of its network
 * (a tool still running, a bridge lease).  Idempotent. */
void net_cleanup_record (struct engine *e, struct ctr *c);

#endif
