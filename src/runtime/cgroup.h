/* Resource control, as the runtime core calls it.  The cgroup manager
 * (v2, v1 and hybrid backends) plugs in behind these calls; until it does,
 * limits are refused (never silently ignored) and a container runs in the
 * caller's cgroup. */
#ifndef BENTO_CGROUP_H
#define BENTO_CGROUP_H

#include "runtime/state.h"
#include "shared/error.h"
#include "spec/spec.h"

struct container;

/* Can bento apply RES here?  Refuses, naming the field, what it cannot. */
int cgroup_check_supported (const struct bento_resources *res, bento_err *err);
/* Parent, right after the spawn and before the init runs user code. */
int cgroup_enter_init (struct container *c, bento_err *err);
/* exec: put PID in the container's cgroup before it runs user code. */
int cgroup_join (const struct container_state *st, pid_t pid, bento_err *err);
/* delete: remove the container's cgroup, if any. */
int cgroup_destroy_state (const struct container_state *st, bento_err *err);
/* kill --all: signal every process of the container. */
int cgroup_kill_all (const struct container_state *st, int sig, bento_err *err);

#endif
