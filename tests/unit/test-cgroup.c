/* The cgroup manager's pure parts: unit conversions and the files a
 * config's limits become, on v1 and on v2. */
#include "runtime/cgroup-internal.h"
#include "shared/cleanup.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

/* "file=value" of write I, for comparing */
static char *
show (const struct cg_writes *w, size_t i)
{
  char *s = NULL;
  if (i >= w->n || asprintf (&s, "%s=%s", w->v[i].file, w->v[i].value) < 0)
    return strdup ("(none)");
  return s;
}

#define is_write(w, i, want)                                                                                          \
  do                                                                                                                   \
    {                                                                                                                  \
      _cleanup_free_ char *got_ = show (w, i);                                                                        \
      is_str (got_, want, "write %zu is %s", (size_t) (i), want);                                                      \
    }                                                                                                                  \
  while (0)

int
main (void)
{
  /* runc/crun: weight = 1 + (shares - 2) * 9999 / 262142 */
  is_int ((int) cg_shares_to_weight (2), 1, "shares 2 -> weight 1");
  is_int ((int) cg_shares_to_weight (1024), 39, "shares 1024 (the default) -> weight 39");
  is_int ((int) cg_shares_to_weight (262144), 10000, "shares 262144 -> weight 10000");
  is_int ((int) cg_blkio_to_io_weight (10), 1, "blkio weight 10 -> io.weight 1");
  is_int ((int) cg_blkio_to_io_weight (1000), 10000, "blkio weight 1000 -> io.weight 10000");
  is_int ((int) cg_blkio_to_io_weight (500), 4950, "blkio weight 500 -> io.weight 4950");

  struct bento_memory mem = { .has_limit = true, .limit = 1 << 26, .has_swap = true, .swap = 1 << 27 };
  struct bento_cpu cpu = { .has_shares = true, .shares = 512, .has_quota = true, .quota = 50000 };
  struct bento_resources r = { .memory = &mem, .cpu = &cpu, .has_pids_limit = true, .pids_limit = 0 };
  {
    struct cg_writes w = { 0 };
    _cleanup_err_ bento_err err = BENTO_ERR_INIT;
    is_int (cg_res_v2 (&r, &w, &err), 0, "v2 conversion succeeds");
    is_write (&w, 0, "memory.max=67108864");
    /* v1's swap is memory+swap: v2's memory.swap.max the swap alone */
    is_write (&w, 1, "memory.swap.max=67108864");
    is_write (&w, 2, "cpu.weight=20");
    is_write (&w, 3, "cpu.max=50000 100000");
    /* 0 means unlimited, as in runc */
    is_write (&w, 4, "pids.max=max");
    cg_writes_free (&w);
  }
  {
    struct cg_writes w = { 0 };
    _cleanup_err_ bento_err err = BENTO_ERR_INIT;
    struct bento_device_rule rules[] = { { false, 'a', -1, -1, NULL }, { true, 'c', 1, -1, (char *) "rw" } };
    is_int (cg_res_v1 (&r, rules, 2, &w, &err), 0, "v1 conversion succeeds");
    is_write (&w, 0, "memory.limit_in_bytes=67108864");
    is_write (&w, 1, "memory.memsw.limit_in_bytes=134217728");
    is_write (&w, 2, "cpu.shares=512");
    is_write (&w, 3, "cpu.cfs_quota_us=50000");
    is_write (&w, 4, "pids.max=max");
    is_write (&w, 5, "devices.deny=a");
    is_write (&w, 6, "devices.allow=c 1:* rw");
    cg_writes_free (&w);
  }
  {
    _cleanup_err_ bento_err err = BENTO_ERR_INIT;
    struct cg_writes w = { 0 };
    struct bento_memory low = { .has_limit = true, .limit = 100, .has_swap = true, .swap = 50 };
    struct bento_resources bad = { .memory = &low };
    is_int (cg_res_v2 (&bad, &w, &err), -1, "swap below the limit is refused on v2");
    ok (err.msg && strstr (err.msg, "linux.resources.memory.swap"), "the error names the field: %s", err.msg);
    cg_writes_free (&w);
    struct bento_cpu rt = { .has_realtime_runtime = true, .realtime_runtime = 1000 };
    struct bento_resources rtr = { .cpu = &rt };
    is_int (cg_res_v2 (&rtr, &w, &err), -1, "realtime is refused on v2");
    cg_writes_free (&w);
    struct bento_kv kv[] = { { (char *) "../../etc/x", (char *) "1" } };
    struct bento_resources uni = { .unified = kv, .n_unified = 1 };
    is_int (cg_res_v2 (&uni, &w, &err), -1, "a unified key that is a path is refused");
    cg_writes_free (&w);
    is_int (cg_res_v1 (&uni, NULL, 0, &w, &err), -1, "unified is refused on v1");
    cg_writes_free (&w);
    struct bento_hugepage_limit hp[] = { { (char *) "../2MB", 1 } };
    struct bento_resources hug = { .hugepage_limits = hp, .n_hugepage_limits = 1 };
    is_int (cg_res_v2 (&hug, &w, &err), -1, "a page size with a slash is refused");
    cg_writes_free (&w);
  }
  {
    /* the device rules: deny all, the config's, linux.devices, defaults */
    struct bento_device_rule mine[] = { { true, 'c', 10, 200, (char *) "rwm" } };
    struct bento_resources rr = { .devices = mine, .n_devices = 1 };
    struct bento_device dev[] = { { .path = (char *) "/dev/fuse", .type = 'c', .major = 10, .minor = 229 } };
    struct bento_linux l = { .resources = &rr, .devices = dev, .n_devices = 1 };
    _cleanup_free_ struct bento_device_rule *rules = NULL;
    size_t n = 0;
    _cleanup_err_ bento_err err = BENTO_ERR_INIT;
    is_int (cg_device_rules (&l, &rules, &n, &err), 0, "device rules built");
    ok (n > 3 && !rules[0].allow && rules[0].type == 'a', "first: deny all");
    ok (rules[1].major == 10 && rules[1].minor == 200, "then the config's rules");
    ok (rules[2].allow && rules[2].major == 10 && rules[2].minor == 229, "then linux.devices");
    ok (rules[n - 1].major == 136, "the defaults last (pts)");
  }
  return tap_done ();
}
