/* The engine's container lifecycle: create, start (in the foreground, or
 * handed to a monitor), stop, kill, remove, wait. */
#include "engine/bridge.h"
#include "engine/engine.h"
#include "engine/engine-internal.h"
#include "engine/userns-auto.h"
#include "engine/monitor.h"
#include "engine/network.h"
#include "engine/overlay.h"
#include "engine/ports.h"
#include "runtime/container.h"
#include "runtime/state.h"
#include "shared/cleanup.h"
#include "shared/log.h"
#include "shared/signals.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int
strv_add (struct strv *s, const char *value)
{
  char **v = realloc (s->v, (s->n + 2) * sizeof *v);
  if (v == NULL)
    return -1;
  s->v = v;
  if ((s->v[s->n] = strdup (value)) == NULL)
    return -1;
  s->v[++s->n] = NULL;
  return 0;
}

void
strv_clear (struct strv *s)
{
  for (size_t i = 0; i < s->n; i++)
    free (s->v[i]);
  free (s->v);
  s->v = NULL;
  s->n = 0;
}

void
run_opts_init (struct run_opts *o)
{
  memset (o, 0, sizeof *o);
  o->stop_timeout = -1;
}

void
run_opts_free (struct run_opts *o)
{
  struct strv *lists[] = { &o->cmd,    &o->env,        &o->volumes,   &o->tmpfs,  &o->mounts,  &o->cap_add,
                           &o->cap_drop, &o->ulimits, &o->dns, &o->dns_search, &o->add_hosts, &o->labels, &o->publish };
  for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
    strv_clear (lists[i]);
}

int
engine_exit_code_for (const bento_err *err)
{
  const char *m = err->msg ? err->msg : "";
  if (strstr (m, "executable file not found") || (strstr (m, "exec: \"") && err->errnum == ENOENT))
    return ENGINE_EXIT_NOT_FOUND;
  if (strstr (m, "exec: \"") && (err->errnum == EACCES || err->errnum == ENOEXEC))
    return ENGINE_EXIT_CANNOT_EXEC;
  return ENGINE_EXIT_FAILED;
}

/* ---- create ------------------------------------------------------------- */

static int
write_text (const char *dir, const char *name, const char *text, bento_err *err)
{
  _cleanup_free_ char *path = NULL;
  if (asprintf (&path, "%s/%s", dir, name) < 0)
    return bento_err_make (err, ENOMEM, "%s", name);
  _cleanup_fclose_ FILE *f = fopen (path, "we");
  if (f == NULL || fputs (text, f) < 0 || fflush (f) != 0)
    return bento_err_make (err, errno ? errno : EIO, "write `%s`", path);
  if (fchmod (fileno (f), 0644) < 0)
    return bento_err_make (err, errno, "chmod `%s`", path);
  return 0;
}

/* --add-host HOST:IP (the first colon splits: IPv6 addresses have more),
 * --dns IP and --dns-search DOMAIN, checked before anything is made: a bad line in the
 * container's /etc/hosts or resolv.conf would fail much later, silently. */
static int
check_names (const struct run_opts *o, bento_err *err)
{
  for (size_t i = 0; i < o->add_hosts.n; i++)
    {
      const char *h = o->add_hosts.v[i], *colon = strchr (h, ':');
      if (colon == NULL || colon == h || colon[1] == '\0')
        return bento_err_make (err, 0, "--add-host `%s`: want HOST:IP", h);
      if (strcspn (h, " \t\n#") < (size_t) (colon - h))
        return bento_err_make (err, 0, "--add-host `%s`: `%.*s` is not a host name", h, (int) (colon - h), h);
      if (!ip_address_valid (colon + 1))
        return bento_err_make (err, 0, "--add-host `%s`: `%s` is not an IP address", h, colon + 1);
    }
  for (size_t i = 0; i < o->dns.n; i++)
    if (!ip_address_valid (o->dns.v[i]))
      return bento_err_make (err, 0, "--dns `%s`: not an IP address", o->dns.v[i]);
  for (size_t i = 0; i < o->dns_search.n; i++)
    if (o->dns_search.v[i][0] == '\0' || strpbrk (o->dns_search.v[i], " \t\n#;") != NULL)
      return bento_err_make (err, 0, "--dns-search `%s`: not a domain name", o->dns_search.v[i]);
  return 0;
}

static int
load_image_config (struct store *s, const struct image_record *img, struct image_config *ic, bento_err *err)
{
  _cleanup_free_ char *buf = NULL;
  size_t len = 0;
  if (store_read_blob (s, img->id, 4 << 20, &buf, &len, err) < 0
      || image_config_parse (buf, len, ic, err) < 0)
    return bento_err_wrap (err, "config of image `%s`", img->id);
  return 0;
}

static json_t *
command_json (const struct run_opts *o, const struct image_config *ic)
{
  json_t *a = json_array ();
  char **ep = o->has_entrypoint ? NULL : ic->entrypoint;
  for (char **p = ep; p && *p; p++)
    json_array_append_new (a, json_string (*p));
  if (o->has_entrypoint && o->entrypoint[0])
    json_array_append_new (a, json_string (o->entrypoint));
  char **cmd = o->cmd.n ? o->cmd.v : o->has_entrypoint ? NULL : ic->cmd;
  for (char **p = cmd; p && *p; p++)
    json_array_append_new (a, json_string (*p));
  return a;
}

static int
check_options (const struct run_opts *o, bento_err *err)
{
  if (o->log_driver && strcmp (o->log_driver, "k8s-file") && strcmp (o->log_driver, "json-file")
      && strcmp (o->log_driver, "none"))
    return bento_err_make (err, 0, "--log-driver `%s`: want k8s-file, json-file or none", o->log_driver);
  if (o->restart && strcmp (o->restart, "no") && strcmp (o->restart, "always") && strncmp (o->restart, "on-failure", 10))
    return bento_err_make (err, 0, "--restart `%s`: want no, on-failure[:N] or always", o->restart);
  if (o->rm && o->restart && strcmp (o->restart, "no"))
    return bento_err_make (err, 0, "--rm and --restart cannot go together");
  if (o->userns && strcmp (o->userns, "host") && strcmp (o->userns, "auto") && strcmp (o->userns, "keep-id"))
    return bento_err_make (err, 0, "--userns `%s`: want host, auto or keep-id", o->userns);
  if (o->userns && strcmp (o->userns, "auto") == 0 && geteuid () != 0)
    return bento_err_make (err, 0, "--userns auto: only as root here (rootless containers already run in your "
                                   "subordinate ids: root inside is you, 1-65536 the others; --userns keep-id maps you to your own uid)");
  if (o->userns && strcmp (o->userns, "keep-id") == 0 && geteuid () == 0)
    return bento_err_make (err, 0, "--userns keep-id: only for rootless containers (as podman)");
  if (o->userns && strcmp (o->userns, "host") == 0 && geteuid () != 0)
    return bento_err_make (err, 0, "--userns host: a rootless container needs a user namespace");
  return check_names (o, err);
}

static void
fill_record (struct ctr *c, const struct run_opts *o, const struct image_record *img, const struct image_config *ic,
             const char *name, const char *hostname)
{
  char now[64];
  ctr_now (now, sizeof now);
  c->rec = json_object ();
  ctr_set_str (c, "id", c->id);
  ctr_set_str (c, "name", name);
  ctr_set_str (c, "image", img->id);
  ctr_set_str (c, "imageName", o->image);
  ctr_set_str (c, "created", now);
  ctr_set_str (c, "hostname", hostname);
  if (o->userns)
    ctr_set_str (c, "userns", o->userns);
  json_object_set_new (c->rec, "command", command_json (o, ic));
  ctr_set_str (c, "status", "created");
  ctr_set_int (c, "exitCode", 0);
  ctr_set_int (c, "pid", 0);
  json_object_set_new (c->rec, "rm", json_boolean (o->rm));
  json_object_set_new (c->rec, "tty", json_boolean (o->tty));
  json_object_set_new (c->rec, "interactive", json_boolean (o->interactive));
  ctr_set_str (c, "restart", o->restart ? o->restart : "no");
  ctr_set_int (c, "restartCount", 0);
  ctr_set_str (c, "logDriver", o->log_driver ? o->log_driver : "k8s-file");
  ctr_set_str (c, "stopSignal", o->stop_signal ? o->stop_signal : ic->stop_signal ? ic->stop_signal : "SIGTERM");
  ctr_set_int (c, "stopTimeout", o->stop_timeout >= 0 ? o->stop_timeout : 10);
  json_t *labels = json_object ();
  for (size_t i = 0; i < o->labels.n; i++)
    {
      char *eq = strchr (o->labels.v[i], '=');
      _cleanup_free_ char *k = eq ? strndup (o->labels.v[i], (size_t) (eq - o->labels.v[i])) : strdup (o->labels.v[i]);
      if (k)
        json_object_set_new (labels, k, json_string (eq ? eq + 1 : ""));
    }
  json_object_set_new (c->rec, "labels", labels);
  json_t *exposed = json_array ();
  for (char **p = ic->exposed_ports; p && *p; p++)
    json_array_append_new (exposed, json_string (*p));
  json_object_set_new (c->rec, "exposedPorts", exposed);
}

static int
create_files (struct engine *e, struct ctr *c, const struct run_opts *o, const struct image_config *ic,
              bento_err *err)
{
  const char *hostname = ctr_str (c, "hostname");
  enum net_kind kind = net_kind_of (ctr_str (c, "network"));
  _cleanup_free_ char *hosts = net_hosts_file (o, kind, hostname, ctr_str (c, "name"));
  char gw[64];
  bool bridge = kind == NET_BRIDGE && bridge_gateway (e->store, ctr_str (c, "network"), gw, sizeof gw) == 0;
  _cleanup_free_ char *resolv = net_resolv_conf (o, kind, bridge ? gw : NULL);
  _cleanup_free_ char *hn = NULL, *bundle = NULL;
  if (hosts == NULL || resolv == NULL || asprintf (&hn, "%s\n", hostname) < 0
      || asprintf (&bundle, "%s/bundle", c->dir) < 0)
    return bento_err_make (err, ENOMEM, "container files");
  if (write_text (c->dir, "hostname", hn, err) < 0 || write_text (c->dir, "hosts", hosts, err) < 0
      || write_text (c->dir, "resolv.conf", resolv, err) < 0)
    return -1;
  if (mkdir (bundle, 0700) < 0 && errno != EEXIST)
    return bento_err_make (err, errno, "create `%s`", bundle);
  _cleanup_free_ char *config = engine_spec_json (e, o, ic, c, err);
  if (config == NULL || write_text (bundle, "config.json", config, err) < 0)
    return -1;
  return ctr_save (c, err);
}

int
engine_create (struct engine *e, struct run_opts *o, struct ctr *out, bento_err *err)
{
  struct image_record img = { 0 };
  struct image_config ic = { 0 };
  struct image_rootfs r = { 0 };
  char id[65];
  _cleanup_free_ char *gen = NULL;
  _cleanup_close_ int auto_lock = -1;
  uint32_t auto_uid = 0, auto_gid = 0;
  bool userns_auto = o->userns && strcmp (o->userns, "auto") == 0;
  int ret = -1;
  memset (out, 0, sizeof *out);
  out->lock_fd = -1;
  if (check_options (o, err) < 0 || ctr_new_id (id, err) < 0)
    return -1;
  const char *name = o->name ? o->name : (gen = ctr_generate_name ());
  if (name == NULL)
    return bento_err_make (err, ENOMEM, "name");
  if (o->name && (o->name[0] == '\0' || o->name[strspn (o->name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")]))
    return bento_err_make (err, 0, "--name `%s`: only letters, digits and _ . - are allowed", o->name);
  if (ctr_name_taken (e->store, name, NULL))
    return bento_err_make (err, 0, "the container name `%s` is already in use", name);
  if (store_find_image (e->store, o->image, &img, err) < 0)
    return -1;
  if (load_image_config (e->store, &img, &ic, err) < 0)
    goto out;
  if (image_rootfs_create (e->store, &img, id, &r, err) < 0)
    goto out;
  /* --userns auto: a range of its own, held by the record (under the meta
   * lock until it is saved), and the image copied into it */
  if (userns_auto)
    {
      if ((auto_lock = store_lock_meta (e->store, err)) < 0
          || userns_auto_pick (e->store, &auto_uid, &auto_gid, err) < 0)
        goto undo;
      r.shift_auto = true;
      r.auto_uid = auto_uid;
      r.auto_gid = auto_gid;
      if (image_rootfs_precopy (&r, e->store->root, err) < 0)
        goto undo;
    }
  out->id = strdup (id);
  out->dir = strdup (r.dir);
  char hostname[13];
  snprintf (hostname, sizeof hostname, "%.12s", id);
  if (out->id == NULL || out->dir == NULL)
    {
      bento_err_make (err, ENOMEM, "create");
      goto undo;
    }
  fill_record (out, o, &img, &ic, name, o->hostname ? o->hostname : hostname);
  if (userns_auto)
    {
      ctr_set_int (out, "usernsUidBase", auto_uid);
      ctr_set_int (out, "usernsGidBase", auto_gid);
    }
  if (net_configure (e, o, &ic, out, err) < 0 || create_files (e, out, o, &ic, err) < 0)
    goto undo;
  ret = 0;
  goto out;
undo:
  {
    bento_err ignored = BENTO_ERR_INIT;
    image_rootfs_remove (e->store, img.id, id, &ignored);
    bento_err_clear (&ignored);
    ctr_close (out);
  }
out:
  image_rootfs_free (&r);
  image_config_free (&ic);
  image_record_free (&img);
  return ret;
}

/* ---- one run through the runtime ------------------------------------------ */

static char *
runtime_root (struct engine *e)
{
  char *root = NULL;
  bento_err ignored = BENTO_ERR_INIT;
  if (e->runtime_root)
    root = strdup (e->runtime_root);
  else if (state_root_default (&root, &ignored) < 0)
    root = NULL;
  bento_err_clear (&ignored);
  return root;
}

/* A new network namespace has its loopback down: bring it up, as podman's
 * `none` and `private` networks have it. */
static int
loopback_up (bento_err *err)
{
  _cleanup_close_ int s = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct ifreq ifr = { 0 };
  snprintf (ifr.ifr_name, sizeof ifr.ifr_name, "lo");
  if (s < 0 || ioctl (s, SIOCGIFFLAGS, &ifr) < 0)
    return bento_err_make (err, errno, "loopback");
  ifr.ifr_flags |= IFF_UP;
  if (ioctl (s, SIOCSIFFLAGS, &ifr) < 0)
    return bento_err_make (err, errno, "bring loopback up");
  return 0;
}

/* Any group may use ICMP echo sockets in the container's own network
 * namespace (docker's default, podman's for root): ping without
 * CAP_NET_RAW.  The range must be mapped in its user namespace: the groups
 * mapped from 0 up. */
static void
ping_for_all (void)
{
  _cleanup_fclose_ FILE *map = fopen ("/proc/self/gid_map", "re");
  unsigned long inside, outside, count, top = 0;
  bool more = true;
  while (map && more && fscanf (map, "%lu %lu %lu", &inside, &outside, &count) == 3)
    if ((more = inside <= top && inside + count > top))
      top = inside + count;
  if (top == 0)
    return;
  char range[64];
  int n = snprintf (range, sizeof range, "0 %lu", top - 1 > 2147483647UL ? 2147483647UL : top - 1);
  _cleanup_close_ int fd = open ("/proc/sys/net/ipv4/ping_group_range", O_WRONLY | O_CLOEXEC);
  if (fd >= 0 && write (fd, range, (size_t) n) < 0)
    log_debug ("net.ipv4.ping_group_range: %s", strerror (errno));
}

/* In the init, its mount tree private: the image's root at the rootfs path. */
static int
prepare_root (struct container *rc, void *arg, bento_err *err)
{
  struct engine_run *run = arg;
  if (image_rootfs_mount (&run->root, NULL, ROOTFS_AUTO, err) < 0)
    return bento_err_wrap (err, "mount the container's root");
  if (!run->new_netns)
    return 0;
  ping_for_all ();
  if (run->ns_sock[1] >= 0 && net_send_namespaces (run->ns_sock[1], err) < 0)
    return -1;
  return loopback_up (err);
}

static void
run_free (struct engine_run *run)
{
  closep (&run->ns_sock[0]);
  closep (&run->ns_sock[1]);
  container_free (&run->rc);
  image_rootfs_free (&run->root);
  image_record_free (&run->img);
  free (run->state_root);
  free (run->bundle);
}

/* A stopped runtime container of the same id from an earlier run. */
static void
delete_runtime (const char *state_root, const char *id)
{
  _cleanup_close_ int rootfd = -1;
  bento_err ignored = BENTO_ERR_INIT;
  if (state_root_open (state_root, true, &rootfd, &ignored) == 0 && faccessat (rootfd, id, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    container_delete (rootfd, id, true, &ignored);
  bento_err_clear (&ignored);
}

static void
record_running (struct ctr *c, pid_t pid, bool monitor)
{
  char now[64];
  bento_err ignored = BENTO_ERR_INIT;
  ctr_now (now, sizeof now);
  if (ctr_lock (c, &ignored) == 0)
    {
      ctr_set_str (c, "status", "running");
      ctr_set_int (c, "pid", pid);
      ctr_set_int (c, "monitorPid", monitor ? getpid () : 0);
      ctr_set_str (c, "startedAt", now);
      json_object_set_new (c->rec, "stopping", json_false ());
      ctr_save (c, &ignored);
    }
  ctr_unlock (c);
  bento_err_clear (&ignored);
}

void
engine_mark_exited (struct engine *e, struct ctr *c, int code)
{
  char now[64];
  bento_err ignored = BENTO_ERR_INIT;
  ctr_now (now, sizeof now);
  if (ctr_lock (c, &ignored) == 0)
    {
      ctr_set_str (c, "status", "exited");
      ctr_set_int (c, "exitCode", code);
      ctr_set_int (c, "pid", 0);
      ctr_set_int (c, "monitorPid", 0);
      ctr_set_str (c, "finishedAt", now);
      ctr_save (c, &ignored);
    }
  ctr_unlock (c);
  bento_err_clear (&ignored);
}

int
engine_run_start (struct engine *e, struct ctr *c, bool attach, struct engine_run *run, bento_err *err)
{
  memset (run, 0, sizeof *run);
  container_init (&run->rc);
  net_run_init (&run->net);
  run->ns_sock[0] = run->ns_sock[1] = -1;
  run->state_root = runtime_root (e);
  if (run->state_root == NULL || asprintf (&run->bundle, "%s/bundle", c->dir) < 0)
    return bento_err_make (err, ENOMEM, "start");
  if (store_find_image (e->store, ctr_str (c, "image"), &run->img, err) < 0
      || image_rootfs_create (e->store, &run->img, c->id, &run->root, err) < 0)
    return bento_err_wrap (err, "start `%s`", ctr_str (c, "name"));
  const char *userns = ctr_str (c, "userns");
  if (userns && strcmp (userns, "keep-id") == 0)
    {
      run->root.keep_id = true;
      run->root.keep_uid = getuid ();
      run->root.keep_gid = getgid ();
    }
  else if (userns && strcmp (userns, "auto") == 0)
    {
      /* copied and shifted at create (image_rootfs_precopy) */
      run->root.shift_auto = true;
      run->root.auto_uid = (uint32_t) ctr_int (c, "usernsUidBase");
      run->root.auto_gid = (uint32_t) ctr_int (c, "usernsGidBase");
      if (image_rootfs_precopy (&run->root, e->store->root, err) < 0)
        return bento_err_wrap (err, "start `%s`", ctr_str (c, "name"));
    }
  delete_runtime (run->state_root, c->id);
  struct container *rc = &run->rc;
  rc->id = c->id;
  rc->state_root = run->state_root;
  rc->bundle = run->bundle;
  rc->use_fifo = false;
  rc->detach = false; /* we (or the monitor) stay to hold its stdio */
  rc->prepare_root = prepare_root;
  rc->prepare_root_arg = run;
  if (container_load (rc, err) < 0)
    return -1;
  const struct bento_linux *l = rc->spec->linux_;
  run->new_netns = l && l->namespaces[BENTO_NS_NET].present && l->namespaces[BENTO_NS_NET].path == NULL;
  /* the init sends its namespaces on this (prepare_root) */
  if (run->new_netns && socketpair (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, run->ns_sock) < 0)
    return bento_err_make (err, errno, "socketpair");
  int r = container_create (rc, err);
  closep (&run->ns_sock[1]);
  if (r < 0)
    return -1;
  /* its namespaces exist and it has not started: connect its network */
  r = net_attach (e, c, rc->pid, run->ns_sock[0], &run->net, err);
  closep (&run->ns_sock[0]);
  if (r < 0)
    {
      bento_err_wrap (err, "start `%s`", ctr_str (c, "name"));
      bento_err ignored = BENTO_ERR_INIT;
      container_delete (rc->rootfd, c->id, true, &ignored);
      bento_err_clear (&ignored);
      engine_mark_exited (e, c, ENGINE_EXIT_FAILED);
      return -1;
    }
  record_running (c, rc->pid, !attach);
  if (container_start_direct (rc, err) < 0)
    {
      bento_err ignored = BENTO_ERR_INIT;
      container_delete (rc->rootfd, c->id, true, &ignored);
      bento_err_clear (&ignored);
      net_detach (e, c, &run->net);
      engine_mark_exited (e, c, engine_exit_code_for (err));
      return -1;
    }
  return 0;
}

void
engine_after_exit (struct engine *e, struct ctr *c, int code)
{
  net_cleanup_record (e, c);
  engine_mark_exited (e, c, code);
  _cleanup_free_ char *root = runtime_root (e);
  if (root)
    delete_runtime (root, c->id);
}

int
engine_run_finish (struct engine *e, struct ctr *c, struct engine_run *run, int *code, bento_err *err)
{
  int r = container_wait (&run->rc, code, err);
  bento_err ignored = BENTO_ERR_INIT;
  container_delete (run->rc.rootfd, c->id, true, &ignored);
  bento_err_clear (&ignored);
  net_detach (e, c, &run->net);
  engine_mark_exited (e, c, r < 0 ? -1 : *code);
  return r;
}

/* ---- the verbs ----------------------------------------------------------- */

/* A zombie is not alive: a killed monitor whose parent (often not an init
 * that reaps promptly) has not waited for it yet. */
static bool
pid_alive (pid_t pid)
{
  return pid > 0 && proc_start_time (pid) != 0;
}

pid_t
engine_pid (struct engine *e, struct ctr *c)
{
  _cleanup_free_ char *root = runtime_root (e);
  _cleanup_close_ int rootfd = -1, dirfd = -1;
  bento_err ignored = BENTO_ERR_INIT;
  struct container_state st = { 0 };
  pid_t pid = 0;
  if (root && state_root_open (root, false, &rootfd, &ignored) == 0
      && (dirfd = openat (rootfd, c->id, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0 && state_read (dirfd, &st, &ignored) == 0)
    {
      enum container_status s = state_status (dirfd, &st);
      if (s == STATUS_RUNNING || s == STATUS_CREATED || s == STATUS_PAUSED)
        pid = st.pid;
    }
  state_clear (&st);
  bento_err_clear (&ignored);
  return pid;
}

void
engine_refresh (struct engine *e, struct ctr *c)
{
  const char *s = ctr_str (c, "status");
  if (s == NULL || strcmp (s, "running") != 0)
    return;
  /* running on record, but the process and its monitor are gone (killed,
   * or the machine rebooted): it exited, its code unknown (137: killed) */
  if (engine_pid (e, c) == 0 && !pid_alive ((pid_t) ctr_int (c, "monitorPid")))
    {
      engine_mark_exited (e, c, 137);
      net_cleanup_record (e, c);
    }
}

int
engine_start (struct engine *e, struct ctr *c, bool attach, int *status, bento_err *err)
{
  engine_refresh (e, c);
  if (strcmp (ctr_str (c, "status"), "running") == 0)
    return bento_err_make (err, 0, "container `%s` is already running", ctr_str (c, "name"));
  if (!attach)
    return monitor_spawn (e, c, err);
  if (!ctr_bool (c, "interactive"))
    {
      /* docker without -i: the container's stdin is closed */
      int null = open ("/dev/null", O_RDONLY | O_CLOEXEC);
      if (null >= 0)
        {
          dup2 (null, 0);
          close (null);
        }
    }
  struct engine_run run;
  int r = engine_run_start (e, c, true, &run, err);
  if (r == 0)
    r = engine_run_finish (e, c, &run, status, err);
  run_free (&run);
  if (ctr_bool (c, "rm"))
    {
      bento_err ignored = BENTO_ERR_INIT;
      struct ctr fresh;
      if (ctr_open (e->store, c->id, &fresh, &ignored) == 0)
        engine_remove (e, &fresh, true, &ignored);
      ctr_close (&fresh);
      bento_err_clear (&ignored);
    }
  return r;
}

static int
runtime_signal (struct engine *e, struct ctr *c, int sig, bool all, bento_err *err)
{
  _cleanup_free_ char *root = runtime_root (e);
  _cleanup_close_ int rootfd = -1;
  if (root == NULL || state_root_open (root, false, &rootfd, err) < 0)
    return -1;
  return container_kill (rootfd, c->id, sig, all, err);
}

int
engine_kill (struct engine *e, struct ctr *c, int sig, bento_err *err)
{
  engine_refresh (e, c);
  if (strcmp (ctr_str (c, "status"), "running") != 0)
    return bento_err_make (err, 0, "container `%s` is not running", ctr_str (c, "name"));
  return runtime_signal (e, c, sig, false, err);
}

/* Wait up to MS milliseconds for the record to leave `running`. */
static bool
wait_not_running (struct engine *e, struct ctr *c, int ms)
{
  for (int waited = 0; waited <= ms; waited += 50)
    {
      bento_err ignored = BENTO_ERR_INIT;
      struct ctr fresh;
      if (ctr_open (e->store, c->id, &fresh, &ignored) < 0)
        {
          ctr_close (&fresh);
          bento_err_clear (&ignored);
          return true; /* removed (--rm) */
        }
      engine_refresh (e, &fresh);
      bool running = strcmp (ctr_str (&fresh, "status"), "running") == 0;
      ctr_close (&fresh);
      if (!running)
        return true;
      struct timespec ts = { 0, 50 * 1000 * 1000 };
      nanosleep (&ts, NULL);
    }
  return false;
}

int
engine_stop (struct engine *e, struct ctr *c, int timeout, bento_err *err)
{
  engine_refresh (e, c);
  if (strcmp (ctr_str (c, "status"), "running") != 0)
    return 0;
  if (ctr_lock (c, err) < 0)
    return -1;
  json_object_set_new (c->rec, "stopping", json_true ());
  ctr_save (c, err);
  ctr_unlock (c);
  if (timeout < 0)
    timeout = (int) ctr_int (c, "stopTimeout");
  int sig = signal_from_name (ctr_str (c, "stopSignal"));
  bento_err ignored = BENTO_ERR_INIT;
  runtime_signal (e, c, sig > 0 ? sig : SIGTERM, false, &ignored);
  bento_err_clear (&ignored);
  if (!wait_not_running (e, c, timeout * 1000))
    {
      runtime_signal (e, c, SIGKILL, true, &ignored);
      bento_err_clear (&ignored);
      if (!wait_not_running (e, c, 10000))
        return bento_err_make (err, ETIMEDOUT, "stop container `%s`", ctr_str (c, "name"));
    }
  return 0;
}

int
engine_wait (struct engine *e, struct ctr *c, int *code, bento_err *err)
{
  while (!wait_not_running (e, c, 3600 * 1000))
    ;
  struct ctr fresh;
  if (ctr_open (e->store, c->id, &fresh, err) < 0)
    {
      ctr_close (&fresh);
      return -1;
    }
  *code = (int) ctr_int (&fresh, "exitCode");
  ctr_close (&fresh);
  return 0;
}

int
engine_remove (struct engine *e, struct ctr *c, bool force, bento_err *err)
{
  engine_refresh (e, c);
  if (strcmp (ctr_str (c, "status"), "running") == 0)
    {
      if (!force)
        return bento_err_make (err, 0,
                               "cannot remove container `%s`: it is running (stop it first, or remove it with -f)",
                               ctr_str (c, "name"));
      if (ctr_lock (c, err) == 0)
        {
          json_object_set_new (c->rec, "stopping", json_true ());
          json_object_set_new (c->rec, "rm", json_false ());
          ctr_save (c, err);
        }
      ctr_unlock (c);
      bento_err_clear (err);
      runtime_signal (e, c, SIGKILL, true, err);
      bento_err_clear (err);
      wait_not_running (e, c, 10000);
    }
  _cleanup_free_ char *root = runtime_root (e);
  if (root)
    delete_runtime (root, c->id);
  net_cleanup_record (e, c);
  if (image_rootfs_remove (e->store, ctr_str (c, "image"), c->id, err) < 0)
    return -1;
  return 0;
}
