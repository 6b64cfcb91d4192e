/* The cgroup manager's insides, shared by cgroup*.c.
 *
 * One model for every layout: the host is a list of hierarchies, each a
 * mount with the controllers it carries and a version.  Pure v2 is one
 * cgroup2 hierarchy; v1 is one hierarchy per (co-)mounted controller set;
 * hybrid is the v1 ones plus a cgroup2 mount (on this kind of machine it
 * has hugetlb only).  A container's cgroup is the same path, relative to
 * the root of every hierarchy; each limit goes to the hierarchy that has its
 * controller, in that hierarchy's version of the file. */
#ifndef BENTO_CGROUP_INTERNAL_H
#define BENTO_CGROUP_INTERNAL_H

#include "runtime/cgroup.h"
#include "shared/error.h"
#include "spec/spec.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define CG_MAX_HIER 16

struct cg_hier
{
  char mount[256];
  bool v2;
  char ctrls[256]; /* ",cpu,cpuacct," : comma-delimited on both sides */
};

struct cg_host
{
  struct cg_hier h[CG_MAX_HIER];
  size_t n;
  int unified; /* index of the cgroup2 hierarchy, -1 if none */
};

/* Read /proc/self/mountinfo. */
int cg_host_scan (struct cg_host *host, bento_err *err);
enum cgroup_layout cg_host_layout (const struct cg_host *host);
/* The hierarchy carrying CTRL (v1 first, as hybrid hosts mean it), or NULL. */
const struct cg_hier *cg_host_find (const struct cg_host *host, const char *ctrl);
bool cg_hier_has (const struct cg_hier *h, const char *ctrl);

/* Our own cgroup in H, from /proc/self/cgroup ("/" if unknown). */
int cg_self_path (const struct cg_hier *h, char **out, bento_err *err);

/* Files of the container's cgroup PATH in H. */
int cg_write (const struct cg_hier *h, const char *path, const char *file, const char *value, bento_err *err);
/* Returns the file's contents (NUL-terminated, trailing newline dropped). */
char *cg_read (const struct cg_hier *h, const char *path, const char *file);
/* A number from FILE, or from the line "KEY N" in it when KEY is given. */
bool cg_read_u64 (const struct cg_hier *h, const char *path, const char *file, const char *key, uint64_t *out);
int cg_dir_path (const struct cg_hier *h, const char *path, char *buf, size_t size);

/* ---- limits as writes: cgroup-res.c ----------------------------------- */

struct cg_write
{
  const char *ctrl; /* the controller that must carry it; NULL: the file's prefix */
  char *file;
  char *value;
  bool optional;    /* a file some kernels lack (e.g. memory.memsw without swap accounting) */
};

struct cg_writes
{
  struct cg_write *v;
  size_t n;
};

void cg_writes_free (struct cg_writes *w);
/* The writes for R on a v1 (resp. v2) hierarchy, with RULES for the v1
 * devices controller (on v2 they are an eBPF program, cgroup-bpf.c). */
int cg_res_v1 (const struct bento_resources *r, const struct bento_device_rule *rules, size_t n_rules,
               struct cg_writes *w, bento_err *err);
int cg_res_v2 (const struct bento_resources *r, struct cg_writes *w, bento_err *err);
/* The controllers R asks for (NULL-terminated list of static strings). */
size_t cg_res_controllers (const struct bento_resources *r, const char **out, size_t max);

/* Unit conversions runc and crun share. */
uint64_t cg_shares_to_weight (uint64_t shares);
uint64_t cg_blkio_to_io_weight (uint64_t weight);

/* The device rules of a container (allocated): deny all, the config's
 * rules, its linux.devices, the defaults every container gets (runc's). */
int cg_device_rules (const struct bento_linux *l, struct bento_device_rule **out, size_t *n, bento_err *err);

/* ---- v2 devices: cgroup-bpf.c ------------------------------------------ */

/* Load an eBPF device program for RULES and attach it to DIRFD, the
 * container's cgroup. */
int cg_bpf_devices (int dirfd, const struct bento_device_rule *rules, size_t n, bento_err *err);

#endif
