/* Between network.c and the drivers: pasta (net-pasta.c), slirp4netns
 * (net-slirp.c), the root bridge (bridge.c), and the helper processes they
 * start (net-tool.c). */
#ifndef BENTO_ENGINE_NET_INTERNAL_H
#define BENTO_ENGINE_NET_INTERNAL_H

#include "engine/network.h"
#include "engine/store.h"

#include <netinet/in.h>
#include <stdint.h>

/* The name by which a container reaches the host (podman's, and ours). */
#define HOST_NAME "host.containers.internal"
#define HOST_NAME_BENTO "host.bento.internal"

/* pasta answers DNS sent here from the host's first resolver, podman's
 * choice of address. */
#define PASTA_DNS_FORWARD "169.254.1.1"
/* slirp4netns: the host's loopback, and its DNS forwarder */
#define SLIRP_HOST "10.0.2.2"
#define SLIRP_DNS "10.0.2.3"

bool net_host_has_loopback_resolver (void);
/* The host's first IPv4 resolver on loopback (into ADDR), if it has one. */
bool net_loopback_resolver (char *addr, size_t len);

/* ---- helper processes (net-tool.c) ---------------------------------------- */

#define TOOL_MAX_FDS 8

struct tool_spec
{
  char *const *argv;  /* argv[0] a path */
  const char *cwd;    /* NULL: ours */
  const int *keep;    /* these fds become its 3, 4, ... */
  size_t n_keep;
  int userns;         /* a user namespace it joins first, or -1 */
};

/* Run T in a session of its own with stdin and stdout on /dev/null and
 * stderr to the file LOG.  Returns its pid and a pidfd. */
int tool_spawn (const struct tool_spec *t, const char *log, int *pidfd, bento_err *err);
/* Wait up to MS for PIDFD's process to exit: its exit status, or -1 with
 * ETIMEDOUT (it is killed then). */
int tool_wait (pid_t pid, int pidfd, int ms, bento_err *err);
/* tool_spawn with a pipe after T's fds, on which it says "ok\n" when
 * ready, or its error (WHAT names it); waits for that line.  *PID is set
 * once it runs, also when it then fails (stop it). */
int tool_spawn_ready (const struct tool_spec *t, const char *log, const char *what, pid_t *pid, bento_err *err);
/* What the tool wrote to LOG, its last line of substance. */
void tool_read_error (const char *log, char *buf, size_t len);
/* The start time of PID (/proc/PID/stat), 0 if it is gone. */
unsigned long long tool_start_time (pid_t pid);
/* Stop PID if it is still the process of START (and its name starts with
 * COMM): SIGTERM, then SIGKILL; reaped when it is our child. */
void tool_stop (pid_t pid, unsigned long long start, const char *comm);
/* Find TOOL on $PATH (and /usr/bin, /usr/sbin, /sbin, /bin). */
bool tool_find (const char *tool, char *path, size_t len);

/* bento-portfwd's name in /proc/PID/comm */
#define FWD_COMM "bento-portfwd"

/* ---- the init's namespaces (net-ns.c) ------------------------------------ */

int net_recv_namespaces (int sock, int *user, int *net, bento_err *err);
/* Is FD a user namespace other than ours? */
bool net_other_userns (int fd);

/* ---- the tools --------------------------------------------------------- */

/* Start pasta for the namespaces in N (n->userns_fd, n->netns_fd) with
 * PORTS forwarded; fills n->tool and n->tool_start. */
int pasta_start (struct ctr *c, const struct port_list *ports, bool rootless, struct net_run *n, bento_err *err);
/* The same with slirp4netns, our child (n->tool_pidfd, n->exit_fd). */
int slirp_start (struct ctr *c, const struct port_list *ports, bool rootless, struct net_run *n, bento_err *err);

/* ---- bridge networks (bridge.c, bridge-link.c, nft.c) ------------------------- */

struct bnet;
/* The store's network lock (an fd to close), or -1. */
int bnet_lock (struct store *s, bento_err *err);
bool bnet_contains4 (const struct bnet *b, struct in_addr a);
bool bnet_parse_mac (const char *s, uint8_t mac[6]);
uint32_t bnet_mask4 (int prefix);

/* A container on a bridge network, as its record has it. */
struct bmember
{
  char *id, *name, *hostname, *dir, *iface;
  struct in_addr ip;
  bool has6;
  struct in6_addr ip6;
  struct port_list ports;
};

/* Replace the network's nftables table with one for MEMBERS. */
int nft_network_apply (const struct bnet *b, const struct bmember *m, size_t n, bento_err *err);
/* Delete the network's table (gone already is no error). */
int nft_network_delete (const struct bnet *b, bento_err *err);

#endif
