/* pasta (Debian's passt): a tap device in the container's namespace with
 * the host's addresses and routes copied in (--config-net), the published
 * ports bound on the host and spliced or forwarded in (the client's address
 * is kept), and the gateway address mapped to the host's loopback.
 *
 * It gets the init's namespaces as fds (net-ns.c) and opens them through
 * /proc/self/fd.  As root, Debian 12's pasta would drop to `nobody` before
 * joining them: it keeps root (--runas 0). */
#include "engine/net-internal.h"
#include "shared/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

/* "ADDR/H1-H2:C1-C2,..." for one protocol, or "none". */
static char *
port_spec (const struct port_list *l, const char *proto)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream (&buf, &len);
  if (out == NULL)
    return NULL;
  bool any = false;
  for (size_t i = 0; i < l->n;)
    {
      size_t run = port_run_length (l, i);
      const struct port_map *m = &l->v[i];
      if (strcmp (m->proto, proto) == 0)
        {
          fprintf (out, "%s%s%s%u", any ? "," : "", m->host_ip, m->host_ip[0] ? "/" : "", m->host_port);
          if (run > 1)
            fprintf (out, "-%u", m->host_port + (unsigned) run - 1);
          fprintf (out, ":%u", m->ctr_port);
          if (run > 1)
            fprintf (out, "-%u", m->ctr_port + (unsigned) run - 1);
          any = true;
        }
      i += run;
    }
  if (!any)
    fputs ("none", out);
  fclose (out);
  return buf;
}

static int
read_pid_file (const char *path, pid_t *pid)
{
  _cleanup_fclose_ FILE *f = fopen (path, "re");
  int v = 0;
  if (f == NULL || fscanf (f, "%d", &v) != 1 || v <= 0)
    return -1;
  *pid = v;
  return 0;
}

static int
run_pasta (char **argv, const int *keep, size_t n_keep, struct ctr *c, const char *pidfile, struct net_run *n,
           bento_err *err)
{
  int pidfd = -1;
  _cleanup_free_ char *log = NULL;
  if (asprintf (&log, "%s/pasta.log", c->dir) < 0)
    return bento_err_make (err, ENOMEM, "pasta");
  struct tool_spec t = { .argv = argv, .keep = keep, .n_keep = n_keep, .userns = -1 };
  pid_t pid = tool_spawn (&t, log, &pidfd, err);
  if (pid < 0)
    return bento_err_wrap (err, "start pasta");
  /* it goes to the background once the namespace is set up */
  int status = tool_wait (pid, pidfd, 10000, err);
  close (pidfd);
  if (status < 0)
    return bento_err_wrap (err, "pasta");
  if (status != 0)
    {
      char msg[512];
      tool_read_error (log, msg, sizeof msg);
      return bento_err_make (err, 0, "pasta failed (exit status %d)%s%s", status, msg[0] ? ": " : "", msg);
    }
  pid_t daemon = 0;
  if (read_pid_file (pidfile, &daemon) < 0)
    return bento_err_make (err, 0, "pasta did not write its pid to `%s`", pidfile);
  unlink (pidfile);
  n->tool = daemon;
  n->tool_start = tool_start_time (daemon);
  return 0;
}

int
pasta_start (struct ctr *c, const struct port_list *ports, bool rootless, struct net_run *n, bento_err *err)
{
  char pasta[4096];
  if (!tool_find ("pasta", pasta, sizeof pasta))
    return bento_err_make (err, 0, "--network pasta: pasta was not found (Debian's passt package)");
  _cleanup_free_ char *tcp = port_spec (ports, "tcp"), *udp = port_spec (ports, "udp");
  _cleanup_free_ char *pidfile = NULL;
  if (tcp == NULL || udp == NULL || asprintf (&pidfile, "%s/pasta.pid", c->dir) < 0)
    return bento_err_make (err, ENOMEM, "pasta");
  char *argv[32];
  int a = 0;
  argv[a++] = pasta;
  argv[a++] = (char *) "--config-net";
  argv[a++] = (char *) "--quiet";
  argv[a++] = (char *) "-t";
  argv[a++] = tcp;
  argv[a++] = (char *) "-u";
  argv[a++] = udp;
  argv[a++] = (char *) "-T";
  argv[a++] = (char *) "none";
  argv[a++] = (char *) "-U";
  argv[a++] = (char *) "none";
  if (net_host_has_loopback_resolver ())
    {
      argv[a++] = (char *) "--dns-forward";
      argv[a++] = (char *) PASTA_DNS_FORWARD;
    }
  argv[a++] = (char *) "--pid";
  argv[a++] = pidfile;
  if (!rootless)
    {
      argv[a++] = (char *) "--runas";
      argv[a++] = (char *) "0";
    }
  /* its fds 3 (and 4): the user namespace when it is another, the network one */
  int keep[2];
  size_t n_keep = 0;
  if (net_other_userns (n->userns_fd))
    {
      keep[n_keep++] = n->userns_fd;
      argv[a++] = (char *) "--userns";
      argv[a++] = (char *) "/proc/self/fd/3";
    }
  keep[n_keep++] = n->netns_fd;
  argv[a++] = (char *) "--netns";
  argv[a++] = (char *) (n_keep == 2 ? "/proc/self/fd/4" : "/proc/self/fd/3");
  argv[a++] = (char *) "--no-netns-quit";
  argv[a] = NULL;
  return run_pasta (argv, keep, n_keep, c, pidfile, n, err);
}
