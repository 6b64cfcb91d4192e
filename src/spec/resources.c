/* linux.resources: what the cgroup managers (src/runtime/cgroup*.c) apply. */
#include "shared/cleanup.h"
#include "spec/json.h"
#include "spec/spec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int spec_parse_resources (json_t *lx, struct bento_linux *l, bento_err *err);

#define RES "linux.resources"

static void *
alloc_one (size_t n, size_t size, bento_err *err)
{
  void *p = calloc (n ? n : 1, size);
  if (p == NULL)
    bento_err_make (err, ENOMEM, "parse " RES);
  return p;
}

/* An optional int64 with its has_ flag. */
static int
opt_i64 (json_t *o, const char *key, const char *path, bool *has, int64_t *v, bento_err *err)
{
  int r = jget_int64 (o, key, path, false, v, err);
  if (r > 0)
    *has = true;
  return r < 0 ? -1 : 0;
}

static int
opt_u64 (json_t *o, const char *key, const char *path, bool *has, uint64_t *v, bento_err *err)
{
  int r = jget_uint64 (o, key, path, false, v, err);
  if (r > 0)
    *has = true;
  return r < 0 ? -1 : 0;
}

static int
parse_memory (json_t *res, struct bento_resources *r, bento_err *err)
{
  json_t *o;
  const char *p = RES ".memory";
  int k = jget_object (res, "memory", RES, false, &o, err);
  if (k <= 0)
    return k;
  struct bento_memory *m = r->memory = alloc_one (1, sizeof *m, err);
  if (m == NULL)
    return -1;
  if (opt_i64 (o, "limit", p, &m->has_limit, &m->limit, err) < 0
      || opt_i64 (o, "reservation", p, &m->has_reservation, &m->reservation, err) < 0
      || opt_i64 (o, "swap", p, &m->has_swap, &m->swap, err) < 0
      || opt_i64 (o, "kernel", p, &m->has_kernel, &m->kernel, err) < 0
      || opt_i64 (o, "kernelTCP", p, &m->has_kernel_tcp, &m->kernel_tcp, err) < 0
      || opt_u64 (o, "swappiness", p, &m->has_swappiness, &m->swappiness, err) < 0
      || jget_bool (o, "disableOOMKiller", p, &m->disable_oom_killer, err) < 0
      || jget_bool (o, "useHierarchy", p, &m->use_hierarchy, err) < 0
      || jget_bool (o, "checkBeforeUpdate", p, &m->check_before_update, err) < 0)
    return -1;
  if (m->has_swappiness && m->swappiness > 100)
    return bento_err_make (err, 0, "%s.swappiness: %llu is out of range [0, 100]", p,
                           (unsigned long long) m->swappiness);
  return 0;
}

static int
parse_cpu (json_t *res, struct bento_resources *r, bento_err *err)
{
  json_t *o;
  const char *p = RES ".cpu";
  int k = jget_object (res, "cpu", RES, false, &o, err);
  if (k <= 0)
    return k;
  struct bento_cpu *c = r->cpu = alloc_one (1, sizeof *c, err);
  if (c == NULL)
    return -1;
  if (opt_u64 (o, "shares", p, &c->has_shares, &c->shares, err) < 0
      || opt_i64 (o, "quota", p, &c->has_quota, &c->quota, err) < 0
      || opt_u64 (o, "burst", p, &c->has_burst, &c->burst, err) < 0
      || opt_u64 (o, "period", p, &c->has_period, &c->period, err) < 0
      || opt_i64 (o, "realtimeRuntime", p, &c->has_realtime_runtime, &c->realtime_runtime, err) < 0
      || opt_u64 (o, "realtimePeriod", p, &c->has_realtime_period, &c->realtime_period, err) < 0
      || opt_i64 (o, "idle", p, &c->has_idle, &c->idle, err) < 0
      || jget_string (o, "cpus", p, false, &c->cpus, err) < 0 || jget_string (o, "mems", p, false, &c->mems, err) < 0)
    return -1;
  return 0;
}

static int
parse_pids (json_t *res, struct bento_resources *r, bento_err *err)
{
  json_t *o;
  int k = jget_object (res, "pids", RES, false, &o, err);
  if (k <= 0)
    return k;
  if (jget_int64 (o, "limit", RES ".pids", true, &r->pids_limit, err) < 0)
    return -1;
  r->has_pids_limit = true;
  return 0;
}

static int
parse_blkio_devices (json_t *o, const char *key, bool throttle, struct bento_blkio_device **out, size_t *n,
                     bento_err *err)
{
  json_t *arr;
  _cleanup_free_ char *p = jpath_key (RES ".blockIO", key);
  int k = jget_array (o, key, RES ".blockIO", &arr, err);
  if (k <= 0)
    return k;
  size_t len = json_array_size (arr);
  struct bento_blkio_device *d = *out = alloc_one (len, sizeof *d, err);
  if (d == NULL)
    return -1;
  for (size_t i = 0; i < len; i++)
    {
      json_t *e;
      _cleanup_free_ char *pi = jpath_index (p, i);
      int64_t w = 0, lw = 0;
      int rw, rlw;
      if (jelem_object (arr, i, p, &e, err) < 0 || jget_int64 (e, "major", pi, true, &d[i].major, err) < 0
          || jget_int64 (e, "minor", pi, true, &d[i].minor, err) < 0)
        return -1;
      if (throttle && jget_uint64 (e, "rate", pi, true, &d[i].rate, err) < 0)
        return -1;
      if (!throttle)
        {
          if ((rw = jget_range (e, "weight", pi, false, 10, 1000, &w, err)) < 0
              || (rlw = jget_range (e, "leafWeight", pi, false, 10, 1000, &lw, err)) < 0)
            return -1;
          d[i].has_weight = rw > 0;
          d[i].weight = (uint16_t) w;
          d[i].has_leaf_weight = rlw > 0;
          d[i].leaf_weight = (uint16_t) lw;
        }
      *n = i + 1;
    }
  return 0;
}

static int
parse_blkio (json_t *res, struct bento_resources *r, bento_err *err)
{
  json_t *o;
  const char *p = RES ".blockIO";
  int k = jget_object (res, "blockIO", RES, false, &o, err);
  if (k <= 0)
    return k;
  struct bento_blkio *b = r->block_io = alloc_one (1, sizeof *b, err);
  if (b == NULL)
    return -1;
  int64_t w = 0, lw = 0;
  int rw, rlw;
  if ((rw = jget_range (o, "weight", p, false, 10, 1000, &w, err)) < 0
      || (rlw = jget_range (o, "leafWeight", p, false, 10, 1000, &lw, err)) < 0)
    return -1;
  b->has_weight = rw > 0;
  b->weight = (uint16_t) w;
  b->has_leaf_weight = rlw > 0;
  b->leaf_weight = (uint16_t) lw;
  if (parse_blkio_devices (o, "weightDevice", false, &b->weight_device, &b->n_weight_device, err) < 0
      || parse_blkio_devices (o, "throttleReadBpsDevice", true, &b->throttle_read_bps, &b->n_throttle_read_bps, err) < 0
      || parse_blkio_devices (o, "throttleWriteBpsDevice", true, &b->throttle_write_bps, &b->n_throttle_write_bps, err)
             < 0
      || parse_blkio_devices (o, "throttleReadIOPSDevice", true, &b->throttle_read_iops, &b->n_throttle_read_iops, err)
             < 0
      || parse_blkio_devices (o, "throttleWriteIOPSDevice", true, &b->throttle_write_iops, &b->n_throttle_write_iops,
                              err)
             < 0)
    return -1;
  return 0;
}

static bool
page_size_valid (const char *s)
{
  /* ^[1-9][0-9]*[KMG]B$, as the schema says */
  if (*s < '1' || *s > '9')
    return false;
  while (*s >= '0' && *s <= '9')
    s++;
  return (s[0] == 'K' || s[0] == 'M' || s[0] == 'G') && s[1] == 'B' && s[2] == '\0';
}

static int
parse_hugepages (json_t *res, struct bento_resources *r, bento_err *err)
{
  json_t *arr;
  const char *p = RES ".hugepageLimits";
  int k = jget_array (res, "hugepageLimits", RES, &arr, err);
  if (k <= 0)
    return k;
  size_t len = json_array_size (arr);
  r->hugepage_limits = alloc_one (len, sizeof *r->hugepage_limits, err);
  if (r->hugepage_limits == NULL)
    return -1;
  for (size_t i = 0; i < len; i++)
    {
      json_t *e;
      struct bento_hugepage_limit *h = &r->hugepage_limits[i];
      _cleanup_free_ char *pi = jpath_index (p, i);
      r->n_hugepage_limits = i + 1;
      if (jelem_object (arr, i, p, &e, err) < 0 || jget_string (e, "pageSize", pi, true, &h->page_size, err) < 0
          || jget_uint64 (e, "limit", pi, true, &h->limit, err) < 0)
        return -1;
      if (!page_size_valid (h->page_size))
        return bento_err_make (err, 0, "%s.pageSize: `%s` is not a page size like 2MB or 1GB", pi, h->page_size);
    }
  return 0;
}

static int
parse_network (json_t *res, struct bento_resources *r, bento_err *err)
{
  json_t *o, *arr;
  const char *p = RES ".network";
  int k = jget_object (res, "network", RES, false, &o, err);
  if (k <= 0)
    return k;
  if ((k = jget_uint32 (o, "classID", p, false, &r->net_class_id, err)) < 0)
    return -1;
  r->has_net_class_id = k > 0;
  if ((k = jget_array (o, "priorities", p, &arr, err)) <= 0)
    return k;
  size_t len = json_array_size (arr);
  r->net_priorities = alloc_one (len, sizeof *r->net_priorities, err);
  if (r->net_priorities == NULL)
    return -1;
  for (size_t i = 0; i < len; i++)
    {
      json_t *e;
      _cleanup_free_ char *pi = jpath_index (RES ".network.priorities", i);
      r->n_net_priorities = i + 1;
      if (jelem_object (arr, i, RES ".network.priorities", &e, err) < 0
          || jget_string (e, "name", pi, true, &r->net_priorities[i].name, err) < 0
          || jget_uint32 (e, "priority", pi, true, &r->net_priorities[i].priority, err) < 0)
        return -1;
    }
  return 0;
}

static int
parse_device_rule (json_t *e, const char *pi, struct bento_device_rule *d, bento_err *err)
{
  _cleanup_free_ char *type = NULL;
  json_t *allow;
  d->major = d->minor = -1;
  if (jget (e, "allow", pi, JSON_TRUE, true, &allow, err) < 0)
    return -1;
  d->allow = json_is_true (allow);
  if (jget_string (e, "type", pi, false, &type, err) < 0 || jget_int64 (e, "major", pi, false, &d->major, err) < 0
      || jget_int64 (e, "minor", pi, false, &d->minor, err) < 0
      || jget_string (e, "access", pi, false, &d->access, err) < 0)
    return -1;
  d->type = type ? type[0] : 'a';
  if (type && (strlen (type) != 1 || strchr ("acb", type[0]) == NULL))
    return bento_err_make (err, 0, "%s.type: unknown device type `%s` (want a, c or b)", pi, type);
  if (d->access && d->access[strspn (d->access, "rwm")] != '\0')
    return bento_err_make (err, 0, "%s.access: `%s` is not a combination of r, w and m", pi, d->access);
  return 0;
}

static int
parse_device_rules (json_t *res, struct bento_resources *r, bento_err *err)
{
  json_t *arr;
  const char *p = RES ".devices";
  int k = jget_array (res, "devices", RES, &arr, err);
  if (k <= 0)
    return k;
  size_t len = json_array_size (arr);
  r->devices = alloc_one (len, sizeof *r->devices, err);
  if (r->devices == NULL)
    return -1;
  for (size_t i = 0; i < len; i++)
    {
      json_t *e;
      _cleanup_free_ char *pi = jpath_index (p, i);
      r->n_devices = i + 1;
      if (jelem_object (arr, i, p, &e, err) < 0 || parse_device_rule (e, pi, &r->devices[i], err) < 0)
        return -1;
    }
  return 0;
}

static int
parse_rdma (json_t *res, struct bento_resources *r, bento_err *err)
{
  json_t *map;
  int k = jget_object (res, "rdma", RES, false, &map, err);
  if (k <= 0)
    return k;
  size_t len = json_object_size (map), i = 0;
  r->rdma = alloc_one (len, sizeof *r->rdma, err);
  if (r->rdma == NULL)
    return -1;
  const char *dev;
  json_t *v;
  json_object_foreach (map, dev, v)
    {
      struct bento_rdma *d = &r->rdma[i];
      _cleanup_free_ char *pd = jpath_key (RES ".rdma", dev);
      r->n_rdma = ++i;
      d->device = strdup (dev);
      if (d->device == NULL)
        return bento_err_make (err, ENOMEM, RES ".rdma");
      if (!json_is_object (v))
        return bento_err_make (err, 0, "%s: expected an object, got %s", pd, jtype_name (v));
      if ((k = jget_uint32 (v, "hcaHandles", pd, false, &d->hca_handles, err)) < 0)
        return -1;
      d->has_hca_handles = k > 0;
      if ((k = jget_uint32 (v, "hcaObjects", pd, false, &d->hca_objects, err)) < 0)
        return -1;
      d->has_hca_objects = k > 0;
    }
  return 0;
}

static int
parse_unified (json_t *res, struct bento_resources *r, bento_err *err)
{
  json_t *map;
  int k = jget_object (res, "unified", RES, false, &map, err);
  if (k <= 0)
    return k;
  size_t len = json_object_size (map), i = 0;
  r->unified = alloc_one (len, sizeof *r->unified, err);
  if (r->unified == NULL)
    return -1;
  const char *key;
  json_t *v;
  json_object_foreach (map, key, v)
    {
      if (!json_is_string (v))
        return bento_err_make (err, 0, RES ".unified.%s: expected a string, got %s", key, jtype_name (v));
      r->unified[i].key = strdup (key);
      r->unified[i].value = strdup (json_string_value (v));
      r->n_unified = ++i;
      if (r->unified[i - 1].key == NULL || r->unified[i - 1].value == NULL)
        return bento_err_make (err, ENOMEM, RES ".unified");
    }
  return 0;
}

int
spec_parse_resources (json_t *lx, struct bento_linux *l, bento_err *err)
{
  json_t *res;
  int k = jget_object (lx, "resources", "linux", false, &res, err);
  if (k <= 0)
    return k;
  struct bento_resources *r = l->resources = alloc_one (1, sizeof *r, err);
  if (r == NULL)
    return -1;
  if (parse_memory (res, r, err) < 0 || parse_cpu (res, r, err) < 0 || parse_pids (res, r, err) < 0
      || parse_blkio (res, r, err) < 0 || parse_hugepages (res, r, err) < 0 || parse_network (res, r, err) < 0
      || parse_device_rules (res, r, err) < 0 || parse_rdma (res, r, err) < 0 || parse_unified (res, r, err) < 0)
    return -1;
  return 0;
}
