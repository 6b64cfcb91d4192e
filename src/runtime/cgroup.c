#include "runtime/cgroup.h"
#include "runtime/container.h"
#include "shared/cleanup.h"
#include "shared/log.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
cgroup_check_supported (const struct bento_resources *r, bento_err *err)
{
  if (r == NULL)
    return 0;
  const char *field = r->memory            ? "memory"
                      : r->cpu             ? "cpu"
                      : r->has_pids_limit  ? "pids"
                      : r->block_io        ? "blockIO"
                      : r->n_hugepage_limits ? "hugepageLimits"
                      : (r->has_net_class_id || r->n_net_priorities) ? "network"
                      : r->n_rdma          ? "rdma"
                      : r->n_unified       ? "unified"
                                           : NULL;
  if (field)
    return bento_err_make (err, 0, "linux.resources.%s: cgroup limits are not supported yet", field);
  /* Device rules are kept by construction: the container only gets the
   * device nodes its config lists. */
  return 0;
}

int
cgroup_enter_init (struct container *c, bento_err *err)
{
  if (c->spec->linux_ && c->spec->linux_->cgroups_path)
    log_debug ("linux.cgroupsPath `%s`: no cgroup manager yet, the container stays in bento's cgroup",
               c->spec->linux_->cgroups_path);
  return 0;
}

int
cgroup_join (const struct container_state *st, pid_t pid, bento_err *err)
{
  /* No cgroup of its own yet (see cgroup_enter_init): nothing to join. */
  return 0;
}

int
cgroup_destroy_state (const struct container_state *st, bento_err *err)
{
  return 0;
}

static bool
same_pid_ns (pid_t a, pid_t b)
{
  char pa[64], pb[64], la[64] = "", lb[64] = "";
  snprintf (pa, sizeof pa, "/proc/%d/ns/pid", (int) a);
  snprintf (pb, sizeof pb, "/proc/%d/ns/pid", (int) b);
  return readlink (pa, la, sizeof la - 1) > 0 && readlink (pb, lb, sizeof lb - 1) > 0 && strcmp (la, lb) == 0;
}

/* Without a cgroup, "every process of the container" is every process in
 * its pid namespace (when it has its own). */
int
cgroup_kill_all (const struct container_state *st, int sig, bento_err *err)
{
  if (same_pid_ns (st->pid, getpid ()))
    return 0; /* shares our pid namespace: only the init is known to be its */
  _cleanup_closedir_ DIR *d = opendir ("/proc");
  if (d == NULL)
    return bento_err_make (err, errno, "open /proc");
  struct dirent *de;
  while ((de = readdir (d)) != NULL)
    {
      pid_t pid = (pid_t) atoi (de->d_name);
      if (pid > 0 && pid != st->pid && same_pid_ns (pid, st->pid))
        kill (pid, sig);
    }
  return 0;
}
