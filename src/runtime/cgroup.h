/* The cgroup manager: one interface (create, enter, update, freeze/thaw,
 * stats, pids, destroy) over cgroup v2, v1 and hybrid hosts, detected at
 * run time (cgroup-host.c).  Limits become file writes in cgroup-res.c;
 * v2 device rules an eBPF program in cgroup-bpf.c; stats in
 * cgroup-stats.c.
 *
 * A container's cgroup is recorded in its state as one path relative to the
 * root of every hierarchy: linux.cgroupsPath when absolute; under the
 * delegated root (rootless) or `/` (root) when relative; `bento/ID` under
 * it by default.  Rootless without a delegated cgroup v2 subtree, the
 * container runs in the caller's cgroup, and configs with limits are
 * refused. */
#ifndef BENTO_CGROUP_H
#define BENTO_CGROUP_H

#include "runtime/state.h"
#include "shared/error.h"
#include "spec/spec.h"

#include <jansson.h>
#include <stdint.h>

struct container;

enum cgroup_layout
{
  CGROUP_NONE = 0,
  CGROUP_V1,
  CGROUP_HYBRID,
  CGROUP_V2,
};

enum cgroup_layout cgroup_layout (void);
const char *cgroup_layout_name (enum cgroup_layout l);

/* load: can bento apply the config's limits here?  Names what it cannot. */
int cgroup_check_supported (struct container *c, bento_err *err);
/* create, before the spawn: make the cgroup (recorded in the state first),
 * apply the limits; on v2 keep an fd to clone the init into. */
int cgroup_create (struct container *c, bento_err *err);
/* The init itself, first thing, when c->cgroup_self: into its v1 cgroups
 * by writing 0 to their `tasks` (no global lock for a single thread). */
int cgroup_enter_self (struct container *c, bento_err *err);
/* Parent, right after the spawn and before the init runs user code. */
int cgroup_enter_init (struct container *c, bento_err *err);
/* exec: put PID in the container's cgroup before it runs user code. */
int cgroup_join (const struct container_state *st, pid_t pid, bento_err *err);
/* exec --cgroup: the same, into existing sub-cgroups; SUBS are runc's
 * "SUBPATH" (every hierarchy) or "CTRL[,CTRL]:SUBPATH" (those only). */
int cgroup_join_sub (const struct container_state *st, pid_t pid, const char *const *subs, size_t n,
                     bento_err *err);
/* delete: kill what is left in the cgroup and remove it. */
int cgroup_destroy_state (const struct container_state *st, bento_err *err);
/* kill --all: signal every process of the container. */
int cgroup_kill_all (const struct container_state *st, int sig, bento_err *err);
/* update: apply RES to a running container. */
int cgroup_update (const struct container_state *st, const struct bento_resources *res, bento_err *err);
/* pause/resume. */
int cgroup_freeze (const struct container_state *st, bool freeze, bento_err *err);
bool cgroup_is_frozen (const struct container_state *st);
/* The container's processes (host pids), sorted. */
int cgroup_pids (const struct container_state *st, pid_t **out, size_t *n, bento_err *err);
/* runc's `events --stats` data object. */
json_t *cgroup_stats (const struct container_state *st);
/* How many times the kernel's OOM killer struck in the container: -1 when
 * the count cannot be read (no memory controller, the cgroup is gone). */
int cgroup_oom_kills (const struct container_state *st, uint64_t *kills);

#endif
