/* slirp4netns: a tap device (tap0, 10.0.2.100/24) in the container's
 * namespace, user-mode TCP/IP on the host's side; 10.0.2.2 is the host's
 * loopback and 10.0.2.3 a DNS forwarder.  It says on --ready-fd when the
 * namespace is configured and runs until it is stopped (by pid and start
 * time, as pasta: the monitor that started it execs bento-monitor, which
 * knows nothing of it).  Published TCP ports go through bento-portfwd
 * (splice in the host's kernel, as podman's port_handler=rootlesskit:
 * about twice the throughput of slirp4netns's own forwarding here), UDP
 * ports through slirp4netns's API socket (add_hostfwd). */
#include "engine/engine-internal.h"
#include "engine/net-internal.h"
#include "shared/cleanup.h"
#include "shared/log.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define API_SOCKET "slirp.sock"

/* Wait for the ready byte, or the tool's death. */
static int
wait_ready (int ready, int pidfd, const char *log, bento_err *err)
{
  struct pollfd p[2] = { { .fd = ready, .events = POLLIN }, { .fd = pidfd, .events = POLLIN } };
  int r;
  while ((r = poll (p, 2, 10000)) < 0 && errno == EINTR)
    ;
  char c;
  if (r > 0 && (p[0].revents & POLLIN) && read (ready, &c, 1) == 1)
    return 0;
  char msg[512];
  tool_read_error (log, msg, sizeof msg);
  if (r == 0)
    return bento_err_make (err, ETIMEDOUT, "slirp4netns did not get ready");
  return bento_err_make (err, 0, "slirp4netns failed%s%s", msg[0] ? ": " : "", msg);
}

/* One request on the API socket of the container's DIR; its reply. */
static int
api_call (int dirfd, json_t *req, bento_err *err)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  /* through /proc: the directory's own path may be too long for sun_path */
  snprintf (sa.sun_path, sizeof sa.sun_path, "/proc/self/fd/%d/%s", dirfd, API_SOCKET);
  _cleanup_close_ int s = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  _cleanup_free_ char *text = json_dumps (req, JSON_COMPACT);
  if (s < 0 || text == NULL)
    return bento_err_make (err, errno ? errno : ENOMEM, "slirp4netns API");
  if (connect (s, (struct sockaddr *) &sa, sizeof sa) < 0)
    return bento_err_make (err, errno, "connect to slirp4netns's API socket");
  size_t len = strlen (text);
  if (write (s, text, len) != (ssize_t) len || shutdown (s, SHUT_WR) < 0)
    return bento_err_make (err, errno, "write to slirp4netns's API socket");
  char reply[4096];
  size_t got = 0;
  ssize_t n;
  while (got < sizeof reply - 1 && (n = read (s, reply + got, sizeof reply - 1 - got)) > 0)
    got += (size_t) n;
  reply[got] = '\0';
  json_auto_t *j = json_loads (reply, 0, NULL);
  json_t *e = json_object_get (json_object_get (j, "error"), "desc");
  if (j == NULL || e)
    return bento_err_make (err, 0, "slirp4netns: %s", e ? json_string_value (e) : reply);
  return 0;
}

/* The TCP ports of PORTS through bento-portfwd (in the container's user
 * namespace, like slirp4netns); fills n->fwd. */
static int
start_portfwd (struct ctr *c, const struct port_list *ports, struct net_run *n, bento_err *err)
{
  _cleanup_free_ char *path = engine_sibling ("bento-portfwd"), *log = NULL;
  char **argv = calloc (ports->n + 2, sizeof *argv);
  size_t a = 0;
  int r = -1;
  if (path == NULL || argv == NULL || asprintf (&log, "%s/portfwd.log", c->dir) < 0)
    goto out;
  argv[a++] = path;
  for (size_t i = 0; i < ports->n; i++)
    if (strcmp (ports->v[i].proto, "tcp") == 0
        && asprintf (&argv[a++], "%u:%u%s%s", ports->v[i].host_port, ports->v[i].ctr_port,
                     ports->v[i].host_ip[0] ? "@" : "", ports->v[i].host_ip)
               < 0)
      goto out;
  r = 0;
  if (a > 1)
    {
      struct tool_spec t = { .argv = argv, .keep = &n->netns_fd, .n_keep = 1,
                             .userns = net_other_userns (n->userns_fd) ? n->userns_fd : -1 };
      r = tool_spawn_ready (&t, log, "bento-portfwd", &n->fwd, err);
      n->fwd_start = n->fwd > 0 ? tool_start_time (n->fwd) : 0;
    }
out:
  if (r < 0 && !bento_err_is_set (err))
    bento_err_make (err, ENOMEM, "bento-portfwd");
  for (size_t i = 1; argv && i < a; i++)
    free (argv[i]);
  free (argv);
  return r;
}

/* UDP through slirp4netns's add_hostfwd, and TCP too when OWN (the
 * record's portHandler slirp4netns, or no bento-portfwd beside us). */
static int
forward_ports (struct ctr *c, const struct port_list *ports, bool own, bento_err *err)
{
  _cleanup_close_ int dirfd = open (c->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0)
    return bento_err_make (err, errno, "open `%s`", c->dir);
  for (size_t i = 0; i < ports->n; i++)
    {
      const struct port_map *m = &ports->v[i];
      if (!own && strcmp (m->proto, "udp") != 0)
        continue;
      json_auto_t *req = json_pack ("{s:s, s:{s:s, s:s, s:i, s:i}}", "execute", "add_hostfwd", "arguments", "proto",
                                    m->proto, "host_addr", m->host_ip[0] ? m->host_ip : "0.0.0.0", "host_port",
                                    (int) m->host_port, "guest_port", (int) m->ctr_port);
      if (req == NULL || api_call (dirfd, req, err) < 0)
        return bento_err_wrap (err, "publish %u/%s on host port %u", m->ctr_port, m->proto, m->host_port);
    }
  return 0;
}

/* Rootless, it runs in the container's user namespace (as podman runs it
 * in its own): there it may make the mount namespace of its sandbox and
 * join the network namespace.  Its fds: 3 ready, 4 the network namespace. */
static int
spawn_slirp (struct ctr *c, struct net_run *n, int ready_w, int *pidfd, bento_err *err)
{
  char tool[4096];
  if (!tool_find ("slirp4netns", tool, sizeof tool))
    return bento_err_make (err, 0, "--network slirp4netns: slirp4netns was not found");
  _cleanup_free_ char *log = NULL;
  if (asprintf (&log, "%s/slirp4netns.log", c->dir) < 0)
    return bento_err_make (err, ENOMEM, "slirp4netns");
  int keep[2] = { ready_w, n->netns_fd };
  char *argv[] = { tool, "--configure", "--mtu=65520", "--enable-sandbox", "--enable-seccomp", "--ready-fd=3",
                   "--api-socket=" API_SOCKET, "--netns-type=path", "/proc/self/fd/4", "tap0", NULL };
  struct tool_spec t = { .argv = argv, .cwd = c->dir, .keep = keep, .n_keep = 2,
                         .userns = net_other_userns (n->userns_fd) ? n->userns_fd : -1 };
  return tool_spawn (&t, log, pidfd, err);
}

int
slirp_start (struct ctr *c, const struct port_list *ports, bool rootless, struct net_run *n, bento_err *err)
{
  int ready[2];
  if (pipe2 (ready, O_CLOEXEC) < 0)
    return bento_err_make (err, errno, "pipe");
  _cleanup_free_ char *sock = NULL, *log = NULL;
  if (asprintf (&sock, "%s/%s", c->dir, API_SOCKET) >= 0)
    unlink (sock);
  int pidfd = -1;
  pid_t child = spawn_slirp (c, n, ready[1], &pidfd, err);
  close (ready[1]);
  if (child < 0)
    {
      close (ready[0]);
      return -1;
    }
  n->tool = child;
  n->tool_start = tool_start_time (child);
  int r = asprintf (&log, "%s/slirp4netns.log", c->dir) < 0 ? bento_err_make (err, ENOMEM, "slirp4netns")
                                                            : wait_ready (ready[0], pidfd, log, err);
  close (ready[0]);
  close (pidfd);
  _cleanup_free_ char *fwd = engine_sibling ("bento-portfwd");
  const char *handler = ctr_str (c, "portHandler");
  bool own = (handler && strcmp (handler, "slirp4netns") == 0) || fwd == NULL || access (fwd, X_OK) != 0;
  if (!own)
    log_debug ("slirp4netns: TCP ports through %s", fwd);
  if (r < 0 || forward_ports (c, ports, own, err) < 0 || (!own && start_portfwd (c, ports, n, err) < 0))
    return -1; /* net_detach stops them */
  return 0;
}
