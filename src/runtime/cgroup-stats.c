/* Stats in runc's `events` shape (libcontainer's types.Stats, JSON names),
 * read from v1 or v2 files: cpu, memory, pids, blkio, hugetlb. */
#include "runtime/cgroup-internal.h"
#include "shared/cleanup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *
u64 (uint64_t v)
{
  return json_integer (v == UINT64_MAX ? 0 : (json_int_t) v);
}

/* "key value" lines as an object. */
static json_t *
flat_keyed (const struct cg_hier *h, const char *path, const char *file)
{
  json_t *o = json_object ();
  _cleanup_free_ char *text = cg_read (h, path, file);
  char *save = NULL;
  for (char *line = text ? strtok_r (text, "\n", &save) : NULL; line; line = strtok_r (NULL, "\n", &save))
    {
      char key[128];
      unsigned long long v;
      if (sscanf (line, "%127s %llu", key, &v) == 2)
        json_object_set_new (o, key, json_integer ((json_int_t) v));
    }
  return o;
}

static uint64_t
num (const struct cg_hier *h, const char *path, const char *file, const char *key)
{
  uint64_t v = 0;
  return cg_read_u64 (h, path, file, key, &v) ? v : 0;
}

static json_t *
cpu_stats (const struct cg_host *host, const char *path)
{
  const struct cg_hier *h = cg_host_find (host, "cpu");
  const struct cg_hier *acct = cg_host_find (host, "cpuacct");
  json_t *usage = json_object (), *thr = json_object ();
  if (h && h->v2)
    {
      /* v2 reports microseconds; runc's stats are nanoseconds */
      json_object_set_new (usage, "total", u64 (num (h, path, "cpu.stat", "usage_usec") * 1000));
      json_object_set_new (usage, "kernel", u64 (num (h, path, "cpu.stat", "system_usec") * 1000));
      json_object_set_new (usage, "user", u64 (num (h, path, "cpu.stat", "user_usec") * 1000));
      json_object_set_new (thr, "periods", u64 (num (h, path, "cpu.stat", "nr_periods")));
      json_object_set_new (thr, "throttled_periods", u64 (num (h, path, "cpu.stat", "nr_throttled")));
      json_object_set_new (thr, "throttled_time", u64 (num (h, path, "cpu.stat", "throttled_usec") * 1000));
    }
  else
    {
      if (acct)
        {
          /* cpuacct.stat is in USER_HZ ticks (100 per second) */
          json_object_set_new (usage, "total", u64 (num (acct, path, "cpuacct.usage", NULL)));
          json_object_set_new (usage, "kernel", u64 (num (acct, path, "cpuacct.stat", "system") * 10000000ULL));
          json_object_set_new (usage, "user", u64 (num (acct, path, "cpuacct.stat", "user") * 10000000ULL));
        }
      if (h)
        {
          json_object_set_new (thr, "periods", u64 (num (h, path, "cpu.stat", "nr_periods")));
          json_object_set_new (thr, "throttled_periods", u64 (num (h, path, "cpu.stat", "nr_throttled")));
          json_object_set_new (thr, "throttled_time", u64 (num (h, path, "cpu.stat", "throttled_time")));
        }
    }
  return json_pack ("{s:o, s:o}", "usage", usage, "throttling", thr);
}

static json_t *
memory_stats (const struct cg_host *host, const char *path)
{
  const struct cg_hier *h = cg_host_find (host, "memory");
  if (h == NULL)
    return json_object ();
  json_t *usage, *swap;
  if (h->v2)
    {
      usage = json_pack ("{s:o, s:o, s:o, s:o}", "usage", u64 (num (h, path, "memory.current", NULL)), "max",
                         u64 (num (h, path, "memory.peak", NULL)), "limit", u64 (num (h, path, "memory.max", NULL)),
                         "failcnt", u64 (num (h, path, "memory.events", "max")));
      swap = json_pack ("{s:o, s:o}", "usage", u64 (num (h, path, "memory.swap.current", NULL)), "limit",
                        u64 (num (h, path, "memory.swap.max", NULL)));
    }
  else
    {
      usage = json_pack ("{s:o, s:o, s:o, s:o}", "usage", u64 (num (h, path, "memory.usage_in_bytes", NULL)), "max",
                         u64 (num (h, path, "memory.max_usage_in_bytes", NULL)), "limit",
                         u64 (num (h, path, "memory.limit_in_bytes", NULL)), "failcnt",
                         u64 (num (h, path, "memory.failcnt", NULL)));
      swap = json_pack ("{s:o, s:o}", "usage", u64 (num (h, path, "memory.memsw.usage_in_bytes", NULL)), "limit",
                        u64 (num (h, path, "memory.memsw.limit_in_bytes", NULL)));
    }
  return json_pack ("{s:o, s:o, s:o}", "usage", usage, "swap", swap, "raw", flat_keyed (h, path, "memory.stat"));
}

static json_t *
pids_stats (const struct cg_host *host, const char *path)
{
  const struct cg_hier *h = cg_host_find (host, "pids");
  if (h == NULL)
    return json_object ();
  return json_pack ("{s:o, s:o}", "current", u64 (num (h, path, "pids.current", NULL)), "limit",
                    u64 (num (h, path, "pids.max", NULL)));
}

/* hugetlb.<size>.{current,max} (v2) or .usage_in_bytes/.limit_in_bytes. */
static json_t *
hugetlb_stats (const struct cg_host *host, const char *path)
{
  json_t *o = json_object ();
  const struct cg_hier *h = cg_host_find (host, "hugetlb");
  static const char *const sizes[] = { "2MB", "1GB", NULL };
  for (size_t i = 0; h && sizes[i]; i++)
    {
      char cur[64], max[64];
      snprintf (cur, sizeof cur, h->v2 ? "hugetlb.%s.current" : "hugetlb.%s.usage_in_bytes", sizes[i]);
      snprintf (max, sizeof max, h->v2 ? "hugetlb.%s.max" : "hugetlb.%s.limit_in_bytes", sizes[i]);
      uint64_t u = 0;
      if (cg_read_u64 (h, path, cur, NULL, &u))
        json_object_set_new (o, sizes[i], json_pack ("{s:o, s:o}", "usage", u64 (u), "limit", u64 (num (h, path, max, NULL))));
    }
  return o;
}

json_t *
cgroup_stats (const struct container_state *st)
{
  struct cg_host host;
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  if (st->cgroup_path == NULL || cg_host_scan (&host, &err) < 0)
    return json_object ();
  const char *p = st->cgroup_path;
  return json_pack ("{s:o, s:o, s:o, s:o}", "cpu", cpu_stats (&host, p), "memory", memory_stats (&host, p), "pids",
                    pids_stats (&host, p), "hugetlb", hugetlb_stats (&host, p));
}

int
cgroup_oom_kills (const struct container_state *st, uint64_t *kills)
{
  struct cg_host host;
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  if (st->cgroup_path == NULL || cg_host_scan (&host, &err) < 0)
    return -1;
  const struct cg_hier *h = cg_host_find (&host, "memory");
  if (h == NULL)
    return -1;
  return cg_read_u64 (h, st->cgroup_path, h->v2 ? "memory.events" : "memory.oom_control", "oom_kill", kills) ? 0 : -1;
}
