/* `exec`: a new process in a running container.  It joins every namespace
 * of the init (setns on its pidfd), the container's root (chroot through
 * /proc/INIT/root) and cgroup, then gets its process spec applied the way
 * the init's was: rlimits, user, capabilities, no_new_privs, terminal. */
#ifndef BENTO_EXEC_H
#define BENTO_EXEC_H

#include "shared/error.h"
#include "spec/spec.h"

#include <stdbool.h>

struct exec_request
{
  const char *id;
  const struct bento_process *process; /* final: args, env, user, caps ... */
  const char *console_socket;
  const char *pid_file;
  bool detach;
  bool ignore_paused;
  int preserve_fds;
  const char *const *cgroups; /* --cgroup: [CONTROLLERS:]SUBPATH, an existing sub-cgroup */
  size_t n_cgroups;
};

/* The container's own process spec (from the config saved at create), the
 * base `exec` builds on when no --process is given. */
int exec_base_process (int rootfd, const char *id, struct bento_process **out, bento_err *err);

/* Run it; in the foreground *status is its exit status (128+signal). */
int container_exec (int rootfd, const struct exec_request *r, int *status, bento_err *err);

#endif
