/* The cgroup manager (see cgroup.h for the model). */
#include "runtime/cgroup-internal.h"
#include "runtime/container.h"
#include "runtime/userns.h"
#include "shared/cleanup.h"
#include "shared/log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const char *
cgroup_layout_name (enum cgroup_layout l)
{
  switch (l)
    {
    case CGROUP_V1: return "v1";
    case CGROUP_HYBRID: return "hybrid";
    case CGROUP_V2: return "v2";
    default: return "none";
    }
}

enum cgroup_layout
cgroup_layout (void)
{
  struct cg_host host;
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  return cg_host_scan (&host, &err) < 0 ? CGROUP_NONE : cg_host_layout (&host);
}

static void
sleep_ms (long ms)
{
  struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
  nanosleep (&ts, NULL);
}

/* ---- where: the delegated root and the container's path -------------- */

/* Rootless: the topmost cgroup above (and including) ours that we own,
 * as systemd's Delegate=yes hands out.  Only v2 delegates safely. */
static int
delegated_root (const struct cg_host *host, char **out, bento_err *err)
{
  *out = NULL;
  if (host->unified < 0 || cg_host_layout (host) != CGROUP_V2)
    return 0;
  const struct cg_hier *h = &host->h[host->unified];
  _cleanup_free_ char *self = NULL;
  if (cg_self_path (h, &self, err) < 0)
    return -1;
  _cleanup_free_ char *best = NULL;
  for (;;)
    {
      char dir[512];
      struct stat sb;
      if (cg_dir_path (h, self, dir, sizeof dir) < 0 || stat (dir, &sb) < 0 || sb.st_uid != geteuid ()
          || access (dir, W_OK) < 0)
        break;
      free (best);
      best = strdup (self);
      char *slash = strrchr (self, '/');
      if (best == NULL || slash == NULL || slash == self)
        break;
      *slash = '\0';
    }
  *out = TAKE_PTR (best);
  return 0;
}

/* "slice:prefix:name" (systemd's form, which podman and containerd pass
 * with --systemd-cgroup) -> "/slice/prefix-name.scope" on the cgroupfs. */
static char *
systemd_form (const char *p)
{
  const char *c1 = strchr (p, ':'), *c2 = c1 ? strchr (c1 + 1, ':') : NULL;
  if (c2 == NULL || strchr (c2 + 1, ':'))
    return NULL;
  char *out = NULL;
  int r = asprintf (&out, "/%.*s/%.*s-%s.scope", (int) (c1 - p), c1 == p ? "system.slice" : p,
                    (int) (c2 - c1 - 1), c1 + 1, c2 + 1);
  return r < 0 ? NULL : out;
}

static bool
path_ok (const char *p)
{
  /* never `..`: the path is joined under each hierarchy's mount */
  for (const char *s = p; (s = strstr (s, "..")) != NULL; s += 2)
    if ((s == p || s[-1] == '/') && (s[2] == '\0' || s[2] == '/'))
      return false;
  return true;
}

static int
container_path (const struct container *c, const char *base, char **out, bento_err *err)
{
  const char *want = c->spec->linux_ ? c->spec->linux_->cgroups_path : NULL;
  _cleanup_free_ char *conv = want && strchr (want, ':') ? systemd_form (want) : NULL;
  if (conv)
    want = conv;
  int r;
  if (want == NULL)
    r = asprintf (out, "%s/bento/%s", strcmp (base, "/") ? base : "", c->id);
  else if (want[0] == '/')
    r = asprintf (out, "%s", want);
  else
    r = asprintf (out, "%s/%s", strcmp (base, "/") ? base : "", want);
  if (r < 0)
    return bento_err_make (err, ENOMEM, "cgroup path");
  if (!path_ok (*out))
    return bento_err_make (err, 0, "linux.cgroupsPath `%s`: `..` is not allowed", want);
  if (strcmp (base, "/") != 0 && strncmp (*out, base, strlen (base)) != 0)
    return bento_err_make (err, 0, "linux.cgroupsPath `%s`: outside the cgroup delegated to this user (`%s`)", want,
                           base);
  return 0;
}

/* ---- splitting the limits between v1 and v2 hierarchies ---------------- */

static bool
on_v2 (const struct cg_host *host, const char *ctrl)
{
  const struct cg_hier *h = cg_host_find (host, ctrl);
  return h && h->v2;
}

/* R restricted to the controllers living on v2 (V2) or on v1: a shallow
 * copy with the other fields cleared. */
static struct bento_resources
split (const struct cg_host *host, const struct bento_resources *r, bool v2)
{
  struct bento_resources s = *r;
  if (on_v2 (host, "memory") != v2)
    s.memory = NULL;
  if (on_v2 (host, "cpu") != v2 && on_v2 (host, "cpuset") != v2)
    s.cpu = NULL;
  if (on_v2 (host, "pids") != v2)
    s.has_pids_limit = false;
  if (on_v2 (host, v2 ? "io" : "blkio") != v2)
    s.block_io = NULL;
  if (on_v2 (host, "hugetlb") != v2)
    s.n_hugepage_limits = 0;
  if (on_v2 (host, "rdma") != v2)
    s.n_rdma = 0;
  if (v2)
    {
      /* v2 has no net_cls/net_prio (check_controllers refuses them there) */
      s.has_net_class_id = false;
      s.n_net_priorities = 0;
    }
  else
    s.n_unified = 0;
  return s;
}

static const char *
v2_name (const char *ctrl)
{
  return strcmp (ctrl, "blkio") == 0 ? "io" : ctrl;
}

/* ---- check ------------------------------------------------------------- */

static int
check_controllers (const struct cg_host *host, const struct bento_resources *r, bento_err *err)
{
  const char *need[16];
  size_t n = cg_res_controllers (r, need, 16);
  for (size_t i = 0; i < n; i++)
    if (cg_host_find (host, need[i]) == NULL && cg_host_find (host, v2_name (need[i])) == NULL)
      return bento_err_make (err, 0, "linux.resources: this host has no `%s` cgroup controller", need[i]);
  if (r->n_unified && host->unified < 0)
    return bento_err_make (err, 0, "linux.resources.unified: needs cgroup v2 (this host has no cgroup2 mount)");
  for (size_t i = 0; i < r->n_unified; i++)
    {
      /* "memory.high": its controller must be on the v2 hierarchy */
      char ctrl[64];
      snprintf (ctrl, sizeof ctrl, "%s", r->unified[i].key);
      ctrl[strcspn (ctrl, ".")] = '\0';
      if (strcmp (ctrl, "cgroup") != 0 && !cg_hier_has (&host->h[host->unified], ctrl))
        return bento_err_make (err, 0, "linux.resources.unified: `%s`: the %s controller is not on this host's cgroup v2 hierarchy%s",
                               r->unified[i].key, ctrl, cg_host_layout (host) == CGROUP_HYBRID ? " (hybrid: it is a v1 one)" : "");
    }
  return 0;
}

/* Convert both halves now: a bad value is refused before anything exists. */
static int
check_conversion (const struct cg_host *host, const struct bento_resources *r, bento_err *err)
{
  struct bento_resources r1 = split (host, r, false), r2 = split (host, r, true);
  struct cg_writes w1 = { 0 }, w2 = { 0 };
  int ret = cg_res_v1 (&r1, NULL, 0, &w1, err) < 0 || cg_res_v2 (&r2, &w2, err) < 0 ? -1 : 0;
  cg_writes_free (&w1);
  cg_writes_free (&w2);
  return ret;
}

static bool
asks_limits (const struct bento_resources *r)
{
  const char *need[16];
  return r && (cg_res_controllers (r, need, 16) > 0 || r->n_unified > 0);
}

int
cgroup_check_supported (struct container *c, bento_err *err)
{
  const struct bento_resources *r = c->spec->linux_ ? c->spec->linux_->resources : NULL;
  if (!asks_limits (r))
    return 0;
  struct cg_host host;
  if (cg_host_scan (&host, err) < 0)
    return -1;
  if (c->rootless)
    {
      _cleanup_free_ char *root = NULL;
      if (delegated_root (&host, &root, err) < 0)
        return -1;
      const char *need[16] = { "unified" };
      cg_res_controllers (r, need, 16);
      if (root == NULL)
        return bento_err_make (err, 0,
                               "linux.resources.%s: rootless limits need a cgroup v2 subtree delegated to uid %d "
                               "(this host's cgroups are %s, none is writable by it)",
                               need[0], (int) geteuid (), cgroup_layout_name (cg_host_layout (&host)));
    }
  return check_controllers (&host, r, err) < 0 || check_conversion (&host, r, err) < 0 ? -1 : 0;
}

/* ---- create ------------------------------------------------------------- */

/* v2: enable CTRLS (or all it has, when ALL) in PARENT's subtree_control,
 * so that its children get them. */
static int
enable_in (const struct cg_hier *h, const char *parent, const char **need, size_t n, bool all, bento_err *err)
{
  _cleanup_free_ char *avail = cg_read (h, parent, "cgroup.controllers");
  _cleanup_free_ char *enabled = cg_read (h, parent, "cgroup.subtree_control");
  _cleanup_free_ char *padded = NULL;
  if (asprintf (&padded, " %s ", enabled ? enabled : "") < 0)
    return bento_err_make (err, ENOMEM, "cgroup");
  char *save = NULL;
  for (char *t = avail ? strtok_r (avail, " ", &save) : NULL; t; t = strtok_r (NULL, " ", &save))
    {
      bool needed = false;
      for (size_t i = 0; i < n; i++)
        needed |= strcmp (v2_name (need[i]), t) == 0;
      char word[80];
      snprintf (word, sizeof word, " %s ", t);
      if ((!needed && !all) || strstr (padded, word))
        continue;
      snprintf (word, sizeof word, "+%s", t);
      _cleanup_err_ bento_err e = BENTO_ERR_INIT;
      if (cg_write (h, parent, "cgroup.subtree_control", word, &e) < 0 && needed)
        return bento_err_make (err, e.errnum, "enable the %s controller: %s", t, e.msg);
    }
  return 0;
}

/* v1 cpuset: a new cgroup starts with no cpus and no memory nodes, and no
 * task may join it until it has some; give it its parent's (as runc). */
static int
cpuset_inherit (const struct cg_hier *h, const char *parent, const char *child, bento_err *err)
{
  static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
  for (size_t i = 0; i < 2; i++)
    {
      _cleanup_free_ char *mine = cg_read (h, child, files[i]);
      if (mine && mine[0])
        continue;
      _cleanup_free_ char *theirs = cg_read (h, parent, files[i]);
      if (theirs && theirs[0] && cg_write (h, child, files[i], theirs, err) < 0)
        return -1;
    }
  return 0;
}

/* Create PATH in H one level at a time below BASE; on v2 each level's
 * parent first hands the controllers down. */
static int
make_path (const struct cg_hier *h, const char *base, const char *path, const char **need, size_t n, bool all,
           bento_err *err)
{
  _cleanup_free_ char *cur = strdup (path);
  if (cur == NULL)
    return bento_err_make (err, ENOMEM, "cgroup");
  size_t blen = strcmp (base, "/") == 0 ? 0 : strlen (base);
  for (char *s = cur + blen; s && *s == '/';)
    {
      char *next = strchr (s + 1, '/');
      *s = '\0';
      int r = h->v2 ? enable_in (h, cur[0] ? cur : "/", need, n, all, err) : 0;
      *s = '/';
      if (r < 0)
        return -1;
      if (next)
        *next = '\0';
      char dir[512];
      if (cg_dir_path (h, cur, dir, sizeof dir) < 0)
        return bento_err_make (err, ENAMETOOLONG, "cgroup path `%s`", path);
      if (mkdir (dir, 0755) < 0 && errno != EEXIST)
        return bento_err_make (err, errno, "create cgroup `%s`", dir);
      if (!h->v2 && cg_hier_has (h, "cpuset"))
        {
          *s = '\0';
          _cleanup_free_ char *parent = strdup (cur[0] ? cur : "/");
          *s = '/';
          if (parent == NULL || cpuset_inherit (h, parent, cur, err) < 0)
            return parent ? -1 : bento_err_make (err, ENOMEM, "cgroup");
        }
      if (next)
        *next = '/';
      s = next;
    }
  return 0;
}

/* Write W's entries to the hierarchies of HOST that carry their controller
 * in the version V2. */
static int
apply_writes (const struct cg_host *host, const char *path, struct cg_writes *w, bool v2, bento_err *err)
{
  for (size_t i = 0; i < w->n; i++)
    {
      struct cg_write *x = &w->v[i];
      char ctrl[64];
      snprintf (ctrl, sizeof ctrl, "%s", x->ctrl ? x->ctrl : x->file);
      if (x->ctrl == NULL)
        ctrl[strcspn (ctrl, ".")] = '\0';
      const struct cg_hier *h = x->ctrl == NULL && host->unified >= 0 ? &host->h[host->unified] : cg_host_find (host, ctrl);
      if (h == NULL || h->v2 != v2)
        continue;
      _cleanup_err_ bento_err e = BENTO_ERR_INIT;
      if (cg_write (h, path, x->file, x->value, &e) == 0)
        continue;
      if (x->optional && e.errnum == ENOENT)
        {
          log_debug ("cgroup: %s: skipped (this kernel has no such file)", x->file);
          continue;
        }
      /* v1 memory: a raised limit may have to wait for memsw to be raised */
      _cleanup_err_ bento_err e2 = BENTO_ERR_INIT;
      if (e.errnum == EINVAL && strcmp (x->file, "memory.limit_in_bytes") == 0 && i + 1 < w->n
          && strcmp (w->v[i + 1].file, "memory.memsw.limit_in_bytes") == 0
          && cg_write (h, path, w->v[i + 1].file, w->v[i + 1].value, &e2) == 0
          && cg_write (h, path, x->file, x->value, &e2) == 0)
        {
          i++;
          continue;
        }
      bento_err_set_raw (err, e.errnum, e.msg);
      return bento_err_wrap (err, "linux.resources");
    }
  return 0;
}

/* RULES: the device rules for a v1 devices controller (NULL: leave it). */
static int
apply (const struct cg_host *host, const char *path, const struct bento_resources *r,
       const struct bento_device_rule *rules, size_t n_rules, bento_err *err)
{
  static const struct bento_resources none = { 0 };
  if (r == NULL)
    r = &none;
  struct bento_resources r1 = split (host, r, false), r2 = split (host, r, true);
  struct cg_writes w1 = { 0 }, w2 = { 0 };
  int ret = -1;
  if (cg_res_v1 (&r1, rules, n_rules, &w1, err) == 0 && cg_res_v2 (&r2, &w2, err) == 0
      && apply_writes (host, path, &w1, false, err) == 0 && apply_writes (host, path, &w2, true, err) == 0)
    ret = 0;
  cg_writes_free (&w1);
  cg_writes_free (&w2);
  return ret;
}

/* Device rules as root: the v1 devices controller, or on pure v2 an eBPF
 * program.  Rootless, the devices are what the user may open anyway. */
static int
apply_all (const struct container *c, const struct cg_host *host, const char *path, bento_err *err)
{
  const struct bento_linux *l = c->spec->linux_;
  const struct bento_resources *r = l ? l->resources : NULL;
  if (c->rootless)
    return apply (host, path, r, NULL, 0, err);
  _cleanup_free_ struct bento_device_rule *rules = NULL;
  size_t n = 0;
  if (cg_device_rules (l, &rules, &n, err) < 0 || apply (host, path, r, rules, n, err) < 0)
    return -1;
  /* The eBPF program on the v2 cgroup: the only device control on pure v2;
   * on hybrid hosts it applies too (the kernel runs the default hierarchy's
   * programs before v1's devices controller), so the rules hold twice. */
  if (host->unified < 0)
    return 0;
  char dir[512];
  if (cg_dir_path (&host->h[host->unified], path, dir, sizeof dir) < 0)
    return bento_err_make (err, ENAMETOOLONG, "cgroup path");
  _cleanup_close_ int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return bento_err_make (err, errno, "open cgroup `%s`", dir);
  return cg_bpf_devices (fd, rules, n, err);
}

static int
create_dirs (const struct cg_host *host, const char *base, const char *path, const struct bento_resources *r,
             bento_err *err)
{
  const char *need[16];
  size_t n = r ? cg_res_controllers (r, need, 16) : 0;
  bool pure = cg_host_layout (host) == CGROUP_V2;
  /* Pure v2: every controller, for stats and later updates (as runc);
   * hybrid's v2 mount: only what the limits need. */
  for (size_t i = 0; i < host->n; i++)
    if (make_path (&host->h[i], base, path, need, n, pure, err) < 0)
      return -1;
  return 0;
}

int
cgroup_create (struct container *c, bento_err *err)
{
  const struct bento_resources *r = c->spec->linux_ ? c->spec->linux_->resources : NULL;
  struct cg_host host;
  if (cg_host_scan (&host, err) < 0)
    return -1;
  _cleanup_free_ char *base = NULL;
  if (c->rootless && delegated_root (&host, &base, err) < 0)
    return -1;
  if (c->rootless && base == NULL)
    {
      /* podman does the same: no delegation, no cgroup (limits were refused
       * at load). */
      log_debug ("rootless without a delegated cgroup v2 subtree: the container stays in the caller's cgroup");
      return 0;
    }
  _cleanup_free_ char *path = NULL;
  if (container_path (c, base ? base : "/", &path, err) < 0)
    return -1;
  /* Recorded before it exists: a create killed from here on is cleaned by
   * `delete --force`. */
  c->state.cgroup_path = TAKE_PTR (path);
  if (state_write (c->dirfd, &c->state, err) < 0)
    return -1;
  const char *p = c->state.cgroup_path;
  if (create_dirs (&host, base ? base : "/", p, r, err) < 0 || apply_all (c, &host, p, err) < 0)
    return bento_err_wrap (err, "cgroup `%s`", p);
  enum cgroup_layout layout = cg_host_layout (&host);
  /* v1 (and hybrid's v1 half): the init moves itself, when it can write
   * the files (root, no new user namespace); else we move it. */
  c->cgroup_self = (layout == CGROUP_V1 || layout == CGROUP_HYBRID) && !c->rootless && !c->new_userns;
  if (host.unified >= 0 && (layout == CGROUP_V2 || c->cgroup_self))
    {
      char dir[512];
      cg_dir_path (&host.h[host.unified], p, dir, sizeof dir);
      c->cgroup_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (c->cgroup_fd < 0)
        return bento_err_make (err, errno, "open cgroup `%s`", dir);
    }
  return 0;
}

/* ---- enter ------------------------------------------------------------- */

/* The sub-cgroup of SUBS that applies to H, or NULL. */
static const char *
sub_for (const struct cg_hier *h, const char *const *subs, size_t n)
{
  const char *all = NULL;
  for (size_t i = 0; i < n; i++)
    {
      const char *colon = strchr (subs[i], ':');
      if (colon == NULL)
        {
          all = subs[i];
          continue;
        }
      char ctrls[256];
      snprintf (ctrls, sizeof ctrls, "%.*s", (int) (colon - subs[i]), subs[i]);
      char *save = NULL;
      if (h->v2 && ctrls[0] == '\0')
        return colon + 1;
      for (char *t = strtok_r (ctrls, ",", &save); t; t = strtok_r (NULL, ",", &save))
        if (cg_hier_has (h, t))
          return colon + 1;
    }
  return all;
}

static int
enter (const struct container_state *st, pid_t pid, bool skip_v2, const char *const *subs, size_t n_subs,
       bento_err *err)
{
  if (st->cgroup_path == NULL)
    return n_subs ? bento_err_make (err, 0, "--cgroup: container `%s` has no cgroup", st->id) : 0;
  struct cg_host host;
  if (cg_host_scan (&host, err) < 0)
    return -1;
  char num[24];
  snprintf (num, sizeof num, "%d", (int) pid);
  for (size_t i = 0; i < host.n; i++)
    {
      if (skip_v2 && host.h[i].v2)
        continue;
      const char *sub = sub_for (&host.h[i], subs, n_subs);
      while (sub && *sub == '/')
        sub++;
      _cleanup_free_ char *path = NULL;
      if (sub && (!path_ok (sub) || asprintf (&path, "%s/%s", st->cgroup_path, sub) < 0))
        return bento_err_make (err, 0, "--cgroup `%s`: not a sub-cgroup of the container's", sub);
      if (cg_write (&host.h[i], path ? path : st->cgroup_path, "cgroup.procs", num, err) < 0)
        return bento_err_wrap (err, "join cgroup `%s`", path ? path : st->cgroup_path);
    }
  return 0;
}

int
cgroup_enter_self (struct container *c, bento_err *err)
{
  struct cg_host host;
  if (cg_host_scan (&host, err) < 0)
    return -1;
  for (size_t i = 0; i < host.n; i++)
    if (!host.h[i].v2 && cg_write (&host.h[i], c->state.cgroup_path, "tasks", "0", err) < 0)
      return bento_err_wrap (err, "join cgroup `%s`", c->state.cgroup_path);
  return 0;
}

int
cgroup_enter_init (struct container *c, bento_err *err)
{
  /* cloned into the v2 one already (cgroup_fd), in the v1 ones by itself
   * (cgroup_self) */
  if (c->cgroup_self)
    return 0;
  return enter (&c->state, c->pid, c->cgroup_fd >= 0, NULL, 0, err);
}

int
cgroup_join (const struct container_state *st, pid_t pid, bento_err *err)
{
  return enter (st, pid, false, NULL, 0, err);
}

int
cgroup_join_sub (const struct container_state *st, pid_t pid, const char *const *subs, size_t n, bento_err *err)
{
  return enter (st, pid, false, subs, n, err);
}

/* ---- pids, kill, freeze -------------------------------------------------- */

/* The hierarchy that tells who is in the container: v2, else pids, else any. */
static const struct cg_hier *
procs_hier (const struct cg_host *host)
{
  if (cg_host_layout (host) == CGROUP_V2)
    return &host->h[host->unified];
  const struct cg_hier *h = cg_host_find (host, "pids");
  if (h == NULL)
    h = cg_host_find (host, "freezer");
  return h ? h : (host->n ? &host->h[0] : NULL);
}

static int
add_pid (pid_t **v, size_t *n, pid_t pid)
{
  for (size_t i = 0; i < *n; i++)
    if ((*v)[i] == pid)
      return 0;
  pid_t *bigger = realloc (*v, (*n + 1) * sizeof **v);
  if (bigger == NULL)
    return -1;
  *v = bigger;
  (*v)[(*n)++] = pid;
  return 0;
}

/* cgroup.procs of PATH and of every cgroup below it. */
static int
collect (const struct cg_hier *h, const char *path, pid_t **v, size_t *n, int depth)
{
  _cleanup_free_ char *procs = cg_read (h, path, "cgroup.procs");
  char *save = NULL;
  for (char *t = procs ? strtok_r (procs, "\n", &save) : NULL; t; t = strtok_r (NULL, "\n", &save))
    if (add_pid (v, n, (pid_t) atoi (t)) < 0)
      return -1;
  char dir[512];
  if (depth > 32 || cg_dir_path (h, path, dir, sizeof dir) < 0)
    return 0;
  _cleanup_closedir_ DIR *d = opendir (dir);
  struct dirent *de;
  while (d && (de = readdir (d)) != NULL)
    {
      if (de->d_type != DT_DIR || de->d_name[0] == '.')
        continue;
      _cleanup_free_ char *sub = NULL;
      if (asprintf (&sub, "%s/%s", path, de->d_name) < 0 || collect (h, sub, v, n, depth + 1) < 0)
        return -1;
    }
  return 0;
}

static int
cmp_pid (const void *a, const void *b)
{
  return *(const pid_t *) a - *(const pid_t *) b;
}

static bool
same_pid_ns (pid_t a, pid_t b)
{
  char pa[64], pb[64], la[64] = "", lb[64] = "";
  snprintf (pa, sizeof pa, "/proc/%d/ns/pid", (int) a);
  snprintf (pb, sizeof pb, "/proc/%d/ns/pid", (int) b);
  return readlink (pa, la, sizeof la - 1) > 0 && readlink (pb, lb, sizeof lb - 1) > 0 && strcmp (la, lb) == 0;
}

/* Without a cgroup, the container's processes are those of its pid
 * namespace (when it has its own), else its init alone. */
static int
pids_by_ns (const struct container_state *st, pid_t **v, size_t *n)
{
  if (st->pid <= 0)
    return 0;
  if (same_pid_ns (st->pid, getpid ()))
    return add_pid (v, n, st->pid);
  _cleanup_closedir_ DIR *d = opendir ("/proc");
  struct dirent *de;
  while (d && (de = readdir (d)) != NULL)
    {
      pid_t pid = (pid_t) atoi (de->d_name);
      if (pid > 0 && same_pid_ns (pid, st->pid) && add_pid (v, n, pid) < 0)
        return -1;
    }
  return 0;
}

int
cgroup_pids (const struct container_state *st, pid_t **out, size_t *n, bento_err *err)
{
  *out = NULL;
  *n = 0;
  struct cg_host host;
  if (cg_host_scan (&host, err) < 0)
    return -1;
  const struct cg_hier *h = st->cgroup_path ? procs_hier (&host) : NULL;
  if ((h ? collect (h, st->cgroup_path, out, n, 0) : pids_by_ns (st, out, n)) < 0)
    {
      free (*out);
      *out = NULL;
      return bento_err_make (err, ENOMEM, "list the container's processes");
    }
  qsort (*out, *n, sizeof **out, cmp_pid);
  return 0;
}

static const struct cg_hier *
freezer_hier (const struct cg_host *host)
{
  const struct cg_hier *h = cg_host_find (host, "freezer");
  if (h)
    return h;
  return cg_host_layout (host) == CGROUP_V2 ? &host->h[host->unified] : NULL;
}

bool
cgroup_is_frozen (const struct container_state *st)
{
  struct cg_host host;
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  if (st->cgroup_path == NULL || cg_host_scan (&host, &err) < 0)
    return false;
  const struct cg_hier *h = freezer_hier (&host);
  if (h == NULL)
    return false;
  if (h->v2)
    {
      uint64_t v = 0;
      return cg_read_u64 (h, st->cgroup_path, "cgroup.freeze", NULL, &v) && v == 1;
    }
  _cleanup_free_ char *s = cg_read (h, st->cgroup_path, "freezer.state");
  return s && (strcmp (s, "FROZEN") == 0 || strcmp (s, "FREEZING") == 0);
}

static bool
freeze_done (const struct cg_hier *h, const char *path, bool freeze)
{
  if (h->v2)
    {
      uint64_t v = 0;
      return cg_read_u64 (h, path, "cgroup.events", "frozen", &v) && v == (freeze ? 1 : 0);
    }
  _cleanup_free_ char *s = cg_read (h, path, "freezer.state");
  return s && strcmp (s, freeze ? "FROZEN" : "THAWED") == 0;
}

int
cgroup_freeze (const struct container_state *st, bool freeze, bento_err *err)
{
  if (st->cgroup_path == NULL)
    return bento_err_make (err, 0, "container `%s` has no cgroup to %s (rootless without a delegated cgroup v2 subtree)",
                           st->id, freeze ? "freeze" : "thaw");
  struct cg_host host;
  if (cg_host_scan (&host, err) < 0)
    return -1;
  const struct cg_hier *h = freezer_hier (&host);
  if (h == NULL)
    return bento_err_make (err, 0, "this host has no freezer cgroup controller");
  const char *file = h->v2 ? "cgroup.freeze" : "freezer.state";
  const char *value = h->v2 ? (freeze ? "1" : "0") : (freeze ? "FROZEN" : "THAWED");
  /* v1 may stay FREEZING while a task is in an uninterruptible sleep: ask
   * again, as runc does, for up to 5 s. */
  for (int i = 0; i < 500; i++)
    {
      if ((i % 10 == 0) && cg_write (h, st->cgroup_path, file, value, err) < 0)
        return -1;
      if (freeze_done (h, st->cgroup_path, freeze))
        return 0;
      sleep_ms (10);
    }
  return bento_err_make (err, ETIMEDOUT, "%s cgroup `%s`", freeze ? "freeze" : "thaw", st->cgroup_path);
}

int
cgroup_kill_all (const struct container_state *st, int sig, bento_err *err)
{
  struct cg_host host;
  if (cg_host_scan (&host, err) < 0)
    return -1;
  const struct cg_hier *fz = st->cgroup_path ? freezer_hier (&host) : NULL;
  /* Frozen, nothing can fork behind our back while the signals go out. */
  bool frozen = fz && !cgroup_is_frozen (st) && cgroup_freeze (st, true, err) == 0;
  bento_err_clear (err);
  _cleanup_free_ pid_t *pids = NULL;
  size_t n = 0;
  if (cgroup_pids (st, &pids, &n, err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++)
    if (pids[i] != st->pid)
      kill (pids[i], sig);
  if (frozen)
    return cgroup_freeze (st, false, err);
  return 0;
}

/* ---- update, destroy ------------------------------------------------------- */

int
cgroup_update (const struct container_state *st, const struct bento_resources *r, bento_err *err)
{
  if (st->cgroup_path == NULL)
    return bento_err_make (err, 0, "container `%s` has no cgroup (rootless without a delegated cgroup v2 subtree)",
                           st->id);
  struct cg_host host;
  if (cg_host_scan (&host, err) < 0 || check_controllers (&host, r, err) < 0)
    return -1;
  return apply (&host, st->cgroup_path, r, NULL, 0, err);
}

static int
remove_tree (const struct cg_hier *h, const char *path, int depth, bento_err *err)
{
  char dir[512];
  if (cg_dir_path (h, path, dir, sizeof dir) < 0)
    return bento_err_make (err, ENAMETOOLONG, "cgroup path `%s`", path);
  _cleanup_closedir_ DIR *d = opendir (dir);
  if (d == NULL)
    return errno == ENOENT ? 0 : bento_err_make (err, errno, "open cgroup `%s`", dir);
  struct dirent *de;
  while (depth < 32 && (de = readdir (d)) != NULL)
    {
      if (de->d_type != DT_DIR || de->d_name[0] == '.')
        continue;
      _cleanup_free_ char *sub = NULL;
      if (asprintf (&sub, "%s/%s", path, de->d_name) < 0)
        return bento_err_make (err, ENOMEM, "cgroup");
      if (remove_tree (h, sub, depth + 1, err) < 0)
        return -1;
    }
  /* The last processes may take a moment to leave after SIGKILL. */
  for (int i = 0; i < 300; i++)
    {
      if (rmdir (dir) == 0 || errno == ENOENT)
        return 0;
      if (errno != EBUSY)
        break;
      sleep_ms (10);
    }
  return bento_err_make (err, errno, "remove cgroup `%s`", dir);
}

int
cgroup_destroy_state (const struct container_state *st, bento_err *err)
{
  if (st->cgroup_path == NULL)
    return 0;
  struct cg_host host;
  if (cg_host_scan (&host, err) < 0)
    return -1;
  /* Whatever is left dies first (a frozen task cannot die: thaw it). */
  const struct cg_hier *h = procs_hier (&host);
  _cleanup_err_ bento_err ignored = BENTO_ERR_INIT;
  bool killed = h && h->v2 && cg_write (h, st->cgroup_path, "cgroup.kill", "1", &ignored) == 0;
  _cleanup_free_ pid_t *pids = NULL;
  size_t n = 0;
  if (!killed && h && collect (h, st->cgroup_path, &pids, &n, 0) == 0)
    for (size_t i = 0; i < n; i++)
      kill (pids[i], SIGKILL);
  if (cgroup_is_frozen (st))
    cgroup_freeze (st, false, &ignored);
  for (size_t i = 0; i < host.n; i++)
    if (remove_tree (&host.h[i], st->cgroup_path, 0, err) < 0)
      return -1;
  return 0;
}
