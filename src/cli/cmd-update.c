/* bento update [FLAGS] ID: new limits for a container, runc's flags or
 * --resources FILE (a LinuxResources JSON object; `-` for stdin). */
#include "cli/common.h"
#include "cli/verbs.h"
#include "runtime/container.h"
#include "shared/cleanup.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "512m", "1G", "1048576", "-1" (unlimited): bytes, as docker's units. */
static int
parse_bytes (const char *flag, const char *s, int64_t *out, bento_err *err)
{
  if (strcmp (s, "-1") == 0)
    {
      *out = -1;
      return 0;
    }
  char *end;
  errno = 0;
  double v = strtod (s, &end);
  if (errno || end == s || v < 0)
    return bento_err_make (err, 0, "--%s: `%s` is not a size", flag, s);
  const char *units = "bkmgtp";
  const char *u = *end ? strchr (units, tolower ((unsigned char) *end)) : units;
  if (u == NULL || (*end && end[1] && !(tolower ((unsigned char) end[1]) == 'b' && end[2] == '\0')))
    return bento_err_make (err, 0, "--%s: `%s` is not a size", flag, s);
  for (const char *k = units; k < u; k++)
    v *= 1024;
  *out = (int64_t) v;
  return 0;
}

static int
parse_num (const char *flag, const char *s, int64_t *out, bento_err *err)
{
  char *end;
  errno = 0;
  long long v = strtoll (s, &end, 10);
  if (errno || end == s || *end)
    return bento_err_make (err, 0, "--%s: `%s` is not a number", flag, s);
  *out = v;
  return 0;
}

static void *
need (void **p, size_t size)
{
  if (*p == NULL)
    *p = calloc (1, size);
  return *p;
}

enum
{
  O_RES = 'r',
  O_BLKIO = 256,
  O_CPU_PERIOD,
  O_CPU_QUOTA,
  O_RT_PERIOD,
  O_RT_RUNTIME,
  O_SHARES,
  O_CPUS,
  O_MEMS,
  O_KMEM,
  O_KMEM_TCP,
  O_MEM,
  O_MEM_RES,
  O_SWAP,
  O_PIDS,
  O_L3,
  O_MEMBW,
};

static const struct option opts[] = {
  { "resources", required_argument, NULL, O_RES },
  { "blkio-weight", required_argument, NULL, O_BLKIO },
  { "cpu-period", required_argument, NULL, O_CPU_PERIOD },
  { "cpu-quota", required_argument, NULL, O_CPU_QUOTA },
  { "cpu-rt-period", required_argument, NULL, O_RT_PERIOD },
  { "cpu-rt-runtime", required_argument, NULL, O_RT_RUNTIME },
  { "cpu-share", required_argument, NULL, O_SHARES },
  { "cpuset-cpus", required_argument, NULL, O_CPUS },
  { "cpuset-mems", required_argument, NULL, O_MEMS },
  { "kernel-memory", required_argument, NULL, O_KMEM },
  { "kernel-memory-tcp", required_argument, NULL, O_KMEM_TCP },
  { "memory", required_argument, NULL, O_MEM },
  { "memory-reservation", required_argument, NULL, O_MEM_RES },
  { "memory-swap", required_argument, NULL, O_SWAP },
  { "pids-limit", required_argument, NULL, O_PIDS },
  { "l3-cache-schema", required_argument, NULL, O_L3 },
  { "mem-bw-schema", required_argument, NULL, O_MEMBW },
  { NULL, 0, NULL, 0 },
};

/* One flag into R. */
static int
apply_flag (struct bento_resources *r, int ch, const char *name, const char *arg, bento_err *err)
{
  int64_t v = 0;
  bool bytes = ch == O_KMEM || ch == O_KMEM_TCP || ch == O_MEM || ch == O_MEM_RES || ch == O_SWAP;
  if (ch == O_CPUS || ch == O_MEMS)
    ;
  else if (ch == O_L3 || ch == O_MEMBW)
    return bento_err_make (err, 0, "--%s: Intel RDT is not supported by bento", name);
  else if ((bytes ? parse_bytes (name, arg, &v, err) : parse_num (name, arg, &v, err)) < 0)
    return -1;
  struct bento_memory *m = ch >= O_KMEM && ch <= O_SWAP ? need ((void **) &r->memory, sizeof *m) : NULL;
  struct bento_cpu *c = ch >= O_CPU_PERIOD && ch <= O_MEMS ? need ((void **) &r->cpu, sizeof *c) : NULL;
  struct bento_blkio *b = ch == O_BLKIO ? need ((void **) &r->block_io, sizeof *b) : NULL;
  if ((ch >= O_KMEM && ch <= O_SWAP && m == NULL) || (ch >= O_CPU_PERIOD && ch <= O_MEMS && c == NULL)
      || (ch == O_BLKIO && b == NULL))
    return bento_err_make (err, ENOMEM, "update");
  switch (ch)
    {
    case O_BLKIO: b->has_weight = true; b->weight = (uint16_t) v; break;
    case O_CPU_PERIOD: c->has_period = true; c->period = (uint64_t) v; break;
    case O_CPU_QUOTA: c->has_quota = true; c->quota = v; break;
    case O_RT_PERIOD: c->has_realtime_period = true; c->realtime_period = (uint64_t) v; break;
    case O_RT_RUNTIME: c->has_realtime_runtime = true; c->realtime_runtime = v; break;
    case O_SHARES: c->has_shares = true; c->shares = (uint64_t) v; break;
    case O_CPUS: free (c->cpus); c->cpus = strdup (arg); break;
    case O_MEMS: free (c->mems); c->mems = strdup (arg); break;
    case O_KMEM: m->has_kernel = true; m->kernel = v; break;
    case O_KMEM_TCP: m->has_kernel_tcp = true; m->kernel_tcp = v; break;
    case O_MEM: m->has_limit = true; m->limit = v; break;
    case O_MEM_RES: m->has_reservation = true; m->reservation = v; break;
    case O_SWAP: m->has_swap = true; m->swap = v; break;
    case O_PIDS: r->has_pids_limit = true; r->pids_limit = v; break;
    default: break;
    }
  return 0;
}

static int
load_file (const char *path, struct bento_resources **out, bento_err *err)
{
  _cleanup_fclose_ FILE *f = strcmp (path, "-") == 0 ? NULL : fopen (path, "re");
  FILE *in = strcmp (path, "-") == 0 ? stdin : f;
  if (in == NULL)
    return bento_err_make (err, errno, "--resources `%s`", path);
  _cleanup_free_ char *text = NULL;
  size_t len = 0;
  _cleanup_fclose_ FILE *mem = open_memstream (&text, &len);
  char buf[4096];
  size_t n;
  while (mem && (n = fread (buf, 1, sizeof buf, in)) > 0)
    fwrite (buf, 1, n, mem);
  if (mem == NULL || fflush (mem) != 0)
    return bento_err_make (err, ENOMEM, "--resources");
  if (spec_parse_resources_json (text, len, out, err) < 0)
    return bento_err_wrap (err, "--resources `%s`", path);
  return 0;
}

int
cmd_update (struct bento_global *g, int argc, char **argv)
{
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  struct bento_resources *r = calloc (1, sizeof *r);
  const char *file = NULL;
  int ch, idx;
  while (r && (ch = getopt_long_only (argc, argv, "+r:", opts, &idx)) != -1)
    {
      if (ch == '?')
        {
          spec_resources_free (r);
          return 1;
        }
      if (ch == O_RES)
        file = optarg;
      else if (apply_flag (r, ch, opts[idx].name, optarg, &err) < 0)
        break;
    }
  if (file && !bento_err_is_set (&err))
    {
      /* runc: with --resources, the other flags are ignored */
      spec_resources_free (r);
      r = NULL;
      load_file (file, &r, &err);
    }
  const char *id = bento_err_is_set (&err) ? NULL : cli_one_id (argc, argv, "update");
  _cleanup_free_ char *root = id ? cli_state_root (g) : NULL;
  _cleanup_close_ int rootfd = -1;
  int ret = 1;
  if (root && r && state_root_open (root, false, &rootfd, &err) == 0 && container_update (rootfd, id, r, &err) == 0)
    ret = 0;
  spec_resources_free (r);
  if (bento_err_is_set (&err))
    return cli_fail (&err, 1);
  return ret;
}
