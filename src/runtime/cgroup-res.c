/* linux.resources as cgroup file writes, for v1 and for v2.  Pure: no file
 * is touched here (tests/unit/test-cgroup.c checks the conversions). */
#include "runtime/cgroup-internal.h"
#include "shared/cleanup.h"
#include "shared/log.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
cg_writes_free (struct cg_writes *w)
{
  for (size_t i = 0; i < w->n; i++)
    {
      free (w->v[i].file);
      free (w->v[i].value);
    }
  free (w->v);
  w->v = NULL;
  w->n = 0;
}

static int __attribute__ ((format (printf, 5, 6)))
add (struct cg_writes *w, bento_err *err, const char *ctrl, const char *file, const char *fmt, ...)
{
  struct cg_write *v = realloc (w->v, (w->n + 1) * sizeof *v);
  if (v == NULL)
    return bento_err_make (err, ENOMEM, "linux.resources");
  w->v = v;
  va_list ap;
  va_start (ap, fmt);
  char *value = NULL;
  int r = vasprintf (&value, fmt, ap);
  va_end (ap);
  char *name = r < 0 ? NULL : strdup (file);
  if (name == NULL)
    {
      free (value);
      return bento_err_make (err, ENOMEM, "linux.resources");
    }
  v[w->n++] = (struct cg_write){ .ctrl = ctrl, .file = name, .value = value };
  return 0;
}

/* The same, for a file that may be missing (skipped with a debug line). */
#define add_opt(w, err, ctrl, file, ...)                                                                               \
  (add (w, err, ctrl, file, __VA_ARGS__) < 0 ? -1 : ((w)->v[(w)->n - 1].optional = true, 0))

/* cpu.shares [2, 262144] -> cpu.weight [1, 10000], as runc and crun do. */
uint64_t
cg_shares_to_weight (uint64_t shares)
{
  if (shares == 0)
    return 0;
  if (shares < 2)
    shares = 2;
  if (shares > 262144)
    shares = 262144;
  return 1 + ((shares - 2) * 9999) / 262142;
}

/* blkio.weight [10, 1000] -> io.weight [1, 10000] (runc's formula). */
uint64_t
cg_blkio_to_io_weight (uint64_t weight)
{
  if (weight == 0)
    return 0;
  return 1 + (weight - 10) * 9999 / 990;
}

static const char *
limit_str (int64_t v, char *buf, size_t size, const char *unlimited)
{
  if (v < 0)
    return unlimited;
  snprintf (buf, size, "%" PRId64, v);
  return buf;
}

/* ---- v1 ------------------------------------------------------------------ */

static int
v1_memory (const struct bento_memory *m, struct cg_writes *w, bento_err *err)
{
  char b[32];
  /* memsw must stay >= the limit: a raised limit goes in after memsw is
   * raised (cgroup.c retries the pair in the other order on EINVAL). */
  if ((m->has_limit && add (w, err, "memory", "memory.limit_in_bytes", "%s", limit_str (m->limit, b, sizeof b, "-1")) < 0)
      || (m->has_swap && add (w, err, "memory", "memory.memsw.limit_in_bytes", "%s", limit_str (m->swap, b, sizeof b, "-1")) < 0)
      || (m->has_reservation
          && add (w, err, "memory", "memory.soft_limit_in_bytes", "%s", limit_str (m->reservation, b, sizeof b, "-1")) < 0)
      || (m->has_kernel
          && add_opt (w, err, "memory", "memory.kmem.limit_in_bytes", "%s", limit_str (m->kernel, b, sizeof b, "-1")) < 0)
      || (m->has_kernel_tcp
          && add_opt (w, err, "memory", "memory.kmem.tcp.limit_in_bytes", "%s",
                      limit_str (m->kernel_tcp, b, sizeof b, "-1")) < 0)
      || (m->has_swappiness && add (w, err, "memory", "memory.swappiness", "%" PRIu64, m->swappiness) < 0)
      || (m->disable_oom_killer && add (w, err, "memory", "memory.oom_control", "1") < 0))
    return -1;
  return 0;
}

static int
cpuset (const struct bento_cpu *c, struct cg_writes *w, bento_err *err)
{
  if ((c->cpus && add (w, err, "cpuset", "cpuset.cpus", "%s", c->cpus) < 0)
      || (c->mems && add (w, err, "cpuset", "cpuset.mems", "%s", c->mems) < 0))
    return -1;
  return 0;
}

static int
v1_cpu (const struct bento_cpu *c, struct cg_writes *w, bento_err *err)
{
  /* The period first: a quota is checked against it. */
  if ((c->has_shares && add (w, err, "cpu", "cpu.shares", "%" PRIu64, c->shares) < 0)
      || (c->has_period && add (w, err, "cpu", "cpu.cfs_period_us", "%" PRIu64, c->period) < 0)
      || (c->has_quota && add (w, err, "cpu", "cpu.cfs_quota_us", "%" PRId64, c->quota) < 0)
      || (c->has_burst && add_opt (w, err, "cpu", "cpu.cfs_burst_us", "%" PRIu64, c->burst) < 0)
      || (c->has_realtime_period && add (w, err, "cpu", "cpu.rt_period_us", "%" PRIu64, c->realtime_period) < 0)
      || (c->has_realtime_runtime && add (w, err, "cpu", "cpu.rt_runtime_us", "%" PRId64, c->realtime_runtime) < 0)
      || (c->has_idle && add_opt (w, err, "cpu", "cpu.idle", "%" PRId64, c->idle) < 0))
    return -1;
  return cpuset (c, w, err);
}

static int
devs (struct cg_writes *w, bento_err *err, const char *ctrl, const char *file,
      const struct bento_blkio_device *d, size_t n, bool weight, bool leaf)
{
  for (size_t i = 0; i < n; i++)
    {
      if (weight && !(leaf ? d[i].has_leaf_weight : d[i].has_weight))
        continue;
      uint64_t v = weight ? (leaf ? d[i].leaf_weight : d[i].weight) : d[i].rate;
      if (add (w, err, ctrl, file, "%" PRId64 ":%" PRId64 " %" PRIu64, d[i].major, d[i].minor, v) < 0)
        return -1;
    }
  return 0;
}

static int
v1_blkio (const struct bento_blkio *b, struct cg_writes *w, bento_err *err)
{
  if ((b->has_weight && add (w, err, "blkio", "blkio.weight", "%u", b->weight) < 0)
      || (b->has_leaf_weight && add_opt (w, err, "blkio", "blkio.leaf_weight", "%u", b->leaf_weight) < 0)
      || devs (w, err, "blkio", "blkio.weight_device", b->weight_device, b->n_weight_device, true, false) < 0
      || devs (w, err, "blkio", "blkio.leaf_weight_device", b->weight_device, b->n_weight_device, true, true) < 0
      || devs (w, err, "blkio", "blkio.throttle.read_bps_device", b->throttle_read_bps, b->n_throttle_read_bps, false,
               false) < 0
      || devs (w, err, "blkio", "blkio.throttle.write_bps_device", b->throttle_write_bps, b->n_throttle_write_bps,
               false, false) < 0
      || devs (w, err, "blkio", "blkio.throttle.read_iops_device", b->throttle_read_iops, b->n_throttle_read_iops,
               false, false) < 0
      || devs (w, err, "blkio", "blkio.throttle.write_iops_device", b->throttle_write_iops,
               b->n_throttle_write_iops, false, false) < 0)
    return -1;
  return 0;
}

/* "c 1:3 rwm", with `*` for a wildcard number. */
static int
device_rule (struct cg_writes *w, bento_err *err, const struct bento_device_rule *d)
{
  char maj[24] = "*", min[24] = "*";
  if (d->major >= 0)
    snprintf (maj, sizeof maj, "%" PRId64, d->major);
  if (d->minor >= 0)
    snprintf (min, sizeof min, "%" PRId64, d->minor);
  const char *file = d->allow ? "devices.allow" : "devices.deny";
  if (d->type == 'a')
    return add (w, err, "devices", file, "a");
  return add (w, err, "devices", file, "%c %s:%s %s", d->type, maj, min, d->access ? d->access : "rwm");
}

static const struct bento_device_rule default_rules[] = {
  /* mknod of any device is harmless: the node is useless without r/w. */
  { true, 'c', -1, -1, (char *) "m" },   { true, 'b', -1, -1, (char *) "m" },
  { true, 'c', 1, 3, (char *) "rwm" },   /* null */
  { true, 'c', 1, 5, (char *) "rwm" },   /* zero */
  { true, 'c', 1, 7, (char *) "rwm" },   /* full */
  { true, 'c', 1, 8, (char *) "rwm" },   /* random */
  { true, 'c', 1, 9, (char *) "rwm" },   /* urandom */
  { true, 'c', 5, 0, (char *) "rwm" },   /* tty */
  { true, 'c', 5, 1, (char *) "rwm" },   /* console */
  { true, 'c', 5, 2, (char *) "rwm" },   /* ptmx */
  { true, 'c', 136, -1, (char *) "rwm" }, /* pts */
};

int
cg_device_rules (const struct bento_linux *l, struct bento_device_rule **out, size_t *n, bento_err *err)
{
  /* runc's order, last match wins: deny everything, the config's rules,
   * its linux.devices, then the devices every container needs. */
  const struct bento_resources *r = l ? l->resources : NULL;
  size_t nr = r ? r->n_devices : 0, nd = l ? l->n_devices : 0;
  size_t total = 1 + nr + nd + sizeof default_rules / sizeof default_rules[0];
  struct bento_device_rule *v = calloc (total, sizeof *v);
  if (v == NULL)
    return bento_err_make (err, ENOMEM, "device rules");
  size_t k = 0;
  v[k++] = (struct bento_device_rule){ false, 'a', -1, -1, NULL };
  for (size_t i = 0; i < nr; i++)
    v[k++] = r->devices[i];
  for (size_t i = 0; i < nd; i++)
    if (l->devices[i].type != 'p')
      v[k++] = (struct bento_device_rule){ true, l->devices[i].type == 'b' ? 'b' : 'c', l->devices[i].major,
                                           l->devices[i].minor, NULL };
  for (size_t i = 0; i < sizeof default_rules / sizeof default_rules[0]; i++)
    v[k++] = default_rules[i];
  *out = v;
  *n = k;
  return 0;
}

static int
v1_devices (const struct bento_device_rule *rules, size_t n, struct cg_writes *w, bento_err *err)
{
  for (size_t i = 0; i < n; i++)
    if (device_rule (w, err, &rules[i]) < 0)
      return -1;
  return 0;
}

static int
hugetlb (const struct bento_resources *r, struct cg_writes *w, bento_err *err, bool v2)
{
  for (size_t i = 0; i < r->n_hugepage_limits; i++)
    {
      /* the file name is built from the page size: it must be a plain word */
      const char *size = r->hugepage_limits[i].page_size;
      if (size == NULL || size[0] == '\0' || strpbrk (size, "/. ") != NULL)
        return bento_err_make (err, 0, "linux.resources.hugepageLimits: bad page size `%s`", size ? size : "");
      _cleanup_free_ char *file = NULL;
      if (asprintf (&file, v2 ? "hugetlb.%s.max" : "hugetlb.%s.limit_in_bytes", size) < 0)
        return bento_err_make (err, ENOMEM, "hugetlb");
      if (add (w, err, "hugetlb", file, "%" PRIu64, r->hugepage_limits[i].limit) < 0)
        return -1;
    }
  return 0;
}

static int
rdma (const struct bento_resources *r, struct cg_writes *w, bento_err *err)
{
  for (size_t i = 0; i < r->n_rdma; i++)
    {
      const struct bento_rdma *d = &r->rdma[i];
      char h[32] = "", o[32] = "";
      if (d->has_hca_handles)
        snprintf (h, sizeof h, " hca_handle=%u", d->hca_handles);
      if (d->has_hca_objects)
        snprintf (o, sizeof o, " hca_object=%u", d->hca_objects);
      if (add (w, err, "rdma", "rdma.max", "%s%s%s", d->device, h, o) < 0)
        return -1;
    }
  return 0;
}

static int
pids (const struct bento_resources *r, struct cg_writes *w, bento_err *err)
{
  if (!r->has_pids_limit)
    return 0;
  if (r->pids_limit <= 0)
    return add (w, err, "pids", "pids.max", "max");
  return add (w, err, "pids", "pids.max", "%" PRId64, r->pids_limit);
}

int
cg_res_v1 (const struct bento_resources *r, const struct bento_device_rule *rules, size_t n_rules,
           struct cg_writes *w, bento_err *err)
{
  if (r->n_unified)
    return bento_err_make (err, 0, "linux.resources.unified: needs cgroup v2 (this host's controllers are v1)");
  if ((r->memory && v1_memory (r->memory, w, err) < 0) || (r->cpu && v1_cpu (r->cpu, w, err) < 0)
      || pids (r, w, err) < 0 || (r->block_io && v1_blkio (r->block_io, w, err) < 0)
      || hugetlb (r, w, err, false) < 0 || rdma (r, w, err) < 0 || v1_devices (rules, n_rules, w, err) < 0)
    return -1;
  if (r->has_net_class_id && add (w, err, "net_cls", "net_cls.classid", "%u", r->net_class_id) < 0)
    return -1;
  for (size_t i = 0; i < r->n_net_priorities; i++)
    if (add (w, err, "net_prio", "net_prio.ifpriomap", "%s %u", r->net_priorities[i].name,
             r->net_priorities[i].priority) < 0)
      return -1;
  return 0;
}

/* ---- v2 ------------------------------------------------------------------ */

static int
v2_memory (const struct bento_memory *m, struct cg_writes *w, bento_err *err)
{
  char b[32];
  if (m->has_limit && add (w, err, "memory", "memory.max", "%s", limit_str (m->limit, b, sizeof b, "max")) < 0)
    return -1;
  if (m->has_swap)
    {
      /* v1's swap is memory+swap; v2's memory.swap.max is the swap alone. */
      if (m->swap >= 0 && !(m->has_limit && m->limit >= 0))
        return bento_err_make (err, 0, "linux.resources.memory.swap: needs memory.limit on cgroup v2");
      if (m->swap >= 0 && m->swap < m->limit)
        return bento_err_make (err, 0, "linux.resources.memory.swap: %" PRId64 " is below memory.limit %" PRId64,
                               m->swap, m->limit);
      int64_t swap = m->swap < 0 ? -1 : m->swap - m->limit;
      if (add_opt (w, err, "memory", "memory.swap.max", "%s", limit_str (swap, b, sizeof b, "max")) < 0)
        return -1;
    }
  if (m->has_reservation
      && add (w, err, "memory", "memory.low", "%s", limit_str (m->reservation, b, sizeof b, "max")) < 0)
    return -1;
  /* kernel, kernelTCP, swappiness and disableOOMKiller have no v2 file:
   * ignored, as runc and crun do. */
  if (m->has_kernel || m->has_kernel_tcp || m->has_swappiness || m->disable_oom_killer)
    log_debug ("linux.resources.memory: kernel/kernelTCP/swappiness/disableOOMKiller have no cgroup v2 file: ignored");
  return 0;
}

static int
v2_cpu (const struct bento_cpu *c, struct cg_writes *w, bento_err *err)
{
  if (c->has_realtime_period || c->has_realtime_runtime)
    return bento_err_make (err, 0, "linux.resources.cpu: realtime limits need cgroup v1 (v2 has no cpu.rt_*)");
  if (c->has_shares && c->shares && add (w, err, "cpu", "cpu.weight", "%" PRIu64, cg_shares_to_weight (c->shares)) < 0)
    return -1;
  if (c->has_quota || c->has_period)
    {
      char q[32];
      uint64_t period = c->has_period && c->period ? c->period : 100000;
      const char *quota = c->has_quota ? limit_str (c->quota, q, sizeof q, "max") : "max";
      if (add (w, err, "cpu", "cpu.max", "%s %" PRIu64, quota, period) < 0)
        return -1;
    }
  if ((c->has_burst && add_opt (w, err, "cpu", "cpu.max.burst", "%" PRIu64, c->burst) < 0)
      || (c->has_idle && add_opt (w, err, "cpu", "cpu.idle", "%" PRId64, c->idle) < 0))
    return -1;
  return cpuset (c, w, err);
}

static int
io_devs (struct cg_writes *w, bento_err *err, const char *key, const struct bento_blkio_device *d, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (add (w, err, "io", "io.max", "%" PRId64 ":%" PRId64 " %s=%" PRIu64, d[i].major, d[i].minor, key, d[i].rate) < 0)
      return -1;
  return 0;
}

static int
v2_io (const struct bento_blkio *b, struct cg_writes *w, bento_err *err)
{
  if (b->has_weight && b->weight
      && add (w, err, "io", "io.weight", "default %" PRIu64, cg_blkio_to_io_weight (b->weight)) < 0)
    return -1;
  for (size_t i = 0; i < b->n_weight_device; i++)
    if (b->weight_device[i].has_weight
        && add (w, err, "io", "io.weight", "%" PRId64 ":%" PRId64 " %" PRIu64, b->weight_device[i].major,
                b->weight_device[i].minor, cg_blkio_to_io_weight (b->weight_device[i].weight)) < 0)
      return -1;
  if (io_devs (w, err, "rbps", b->throttle_read_bps, b->n_throttle_read_bps) < 0
      || io_devs (w, err, "wbps", b->throttle_write_bps, b->n_throttle_write_bps) < 0
      || io_devs (w, err, "riops", b->throttle_read_iops, b->n_throttle_read_iops) < 0
      || io_devs (w, err, "wiops", b->throttle_write_iops, b->n_throttle_write_iops) < 0)
    return -1;
  return 0;
}

static int
unified (const struct bento_resources *r, struct cg_writes *w, bento_err *err)
{
  for (size_t i = 0; i < r->n_unified; i++)
    {
      const char *key = r->unified[i].key;
      /* a file of this cgroup: "controller.name", never a path */
      const char *dot = strchr (key, '.');
      if (dot == NULL || dot == key || strchr (key, '/') || strcmp (key, "cgroup.procs") == 0
          || strcmp (key, "cgroup.subtree_control") == 0)
        return bento_err_make (err, 0, "linux.resources.unified: `%s` is not a cgroup v2 limit file", key);
      /* no controller: cgroup.c takes it from the file name's prefix */
      if (add (w, err, NULL, key, "%s", r->unified[i].value) < 0)
        return -1;
    }
  return 0;
}

int
cg_res_v2 (const struct bento_resources *r, struct cg_writes *w, bento_err *err)
{
  if (r->has_net_class_id || r->n_net_priorities)
    return bento_err_make (err, 0, "linux.resources.network: needs the cgroup v1 net_cls/net_prio controllers");
  if ((r->memory && v2_memory (r->memory, w, err) < 0) || (r->cpu && v2_cpu (r->cpu, w, err) < 0)
      || pids (r, w, err) < 0 || (r->block_io && v2_io (r->block_io, w, err) < 0)
      || hugetlb (r, w, err, true) < 0 || rdma (r, w, err) < 0 || unified (r, w, err) < 0)
    return -1;
  return 0;
}

size_t
cg_res_controllers (const struct bento_resources *r, const char **out, size_t max)
{
  size_t n = 0;
#define NEED(cond, name)                                                                                               \
  do                                                                                                                   \
    if ((cond) && n < max)                                                                                             \
      out[n++] = (name);                                                                                               \
  while (0)
  NEED (r->memory, "memory");
  NEED (r->cpu && (r->cpu->has_shares || r->cpu->has_quota || r->cpu->has_period || r->cpu->has_burst
                   || r->cpu->has_realtime_period || r->cpu->has_realtime_runtime || r->cpu->has_idle),
        "cpu");
  NEED (r->cpu && (r->cpu->cpus || r->cpu->mems), "cpuset");
  NEED (r->has_pids_limit, "pids");
  NEED (r->block_io, "blkio");
  NEED (r->n_hugepage_limits, "hugetlb");
  NEED (r->n_rdma, "rdma");
  NEED (r->has_net_class_id, "net_cls");
  NEED (r->n_net_priorities, "net_prio");
#undef NEED
  return n;
}
