#include "runtime/process.h"
#include "runtime/cgroup.h"
#include "runtime/container.h"
#include "runtime/hooks.h"
#include "runtime/rootfs.h"
#include "runtime/seccomp.h"
#include "runtime/security.h"
#include "runtime/sync.h"
#include "runtime/terminal.h"
#include "runtime/user.h"
#include "runtime/userns.h"
#include "shared/cleanup.h"
#include "shared/log.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const int ns_clone_flag[BENTO_NS__COUNT] = {
  [BENTO_NS_PID] = CLONE_NEWPID,       [BENTO_NS_NET] = CLONE_NEWNET,   [BENTO_NS_MNT] = CLONE_NEWNS,
  [BENTO_NS_IPC] = CLONE_NEWIPC,       [BENTO_NS_UTS] = CLONE_NEWUTS,   [BENTO_NS_USER] = CLONE_NEWUSER,
  [BENTO_NS_CGROUP] = CLONE_NEWCGROUP, [BENTO_NS_TIME] = CLONE_NEWTIME,
};

/* ---- parent side -------------------------------------------------------- */

int
namespaces_open (struct container *c, bento_err *err)
{
  const struct bento_linux *l = c->spec->linux_;
  for (int t = 0; l && t < BENTO_NS__COUNT; t++)
    {
      const char *path = l->namespaces[t].path;
      if (path == NULL)
        continue;
      int fd = open (path, O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        return bento_err_make (err, errno, "linux.namespaces: open %s namespace `%s`", spec_ns_name (t), path);
      c->ns_fds[t] = fd;
      int type = ioctl (fd, NS_GET_NSTYPE);
      if (type < 0)
        return bento_err_make (err, errno, "linux.namespaces: `%s` is not a namespace", path);
      if (type != ns_clone_flag[t])
        return bento_err_make (err, 0, "linux.namespaces: `%s` is not a %s namespace", path, spec_ns_name (t));
    }
  return 0;
}

/* The namespaces to create: listed without a path.  The cgroup namespace is
 * left to the init, which unshares it once it sits in its cgroup. */
static int
new_ns_flags (const struct container *c)
{
  const struct bento_linux *l = c->spec->linux_;
  int flags = 0;
  for (int t = 0; l && t < BENTO_NS__COUNT; t++)
    if (l->namespaces[t].present && l->namespaces[t].path == NULL && t != BENTO_NS_CGROUP)
      flags |= ns_clone_flag[t];
  return flags;
}

static bool
joins_any (const struct container *c)
{
  for (int t = 0; t < BENTO_NS__COUNT; t++)
    if (c->ns_fds[t] >= 0)
      return true;
  return false;
}

/* CGROUP_FD >= 0: born in that cgroup (v2), so not one instruction of the
 * init runs outside its limits. */
static pid_t
clone3_pidfd (uint64_t flags, int cgroup_fd, int *pidfd)
{
  struct clone_args args = {
    .flags = flags | CLONE_PIDFD | (cgroup_fd >= 0 ? CLONE_INTO_CGROUP : 0),
    .pidfd = (uint64_t) (uintptr_t) pidfd,
    .exit_signal = SIGCHLD,
    .cgroup = cgroup_fd >= 0 ? (uint64_t) cgroup_fd : 0,
  };
  return (pid_t) syscall (SYS_clone3, &args, sizeof args);
}

static _Noreturn void child_main (struct container *c, bool staged);

int
process_spawn (struct container *c, bento_err *err)
{
  int flags = new_ns_flags (c);
  /* Joining namespaces must happen before new ones are made (a new user
   * namespace could no longer enter the host's), and a time namespace's
   * offsets must be written before any process is in it: both need a first
   * stage that sets up, then forks the init. */
  bool staged = joins_any (c) || (flags & CLONE_NEWTIME);
  int pidfd = -1;
  /* A staged init is our grandchild: as a subreaper we still get to wait
   * for it once stage 1 exits (the exit status of `run`). */
  if (staged && prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
    return bento_err_make (err, errno, "prctl PR_SET_CHILD_SUBREAPER");
  pid_t pid = clone3_pidfd (staged ? 0 : (uint64_t) flags, c->cgroup_fd, &pidfd);
  if (pid < 0)
    return bento_err_make (err, errno, "clone3 the container init");
  if (pid == 0)
    child_main (c, staged);
  closep (&c->child_sync_fd);
  if (!staged)
    {
      c->pid = pid;
      c->pidfd = pidfd;
      return c->new_userns ? userns_write_maps (pid, c->spec, err) : 0;
    }
  /* Staged: stage 1 may ask for maps, then reports the init's pid and exits. */
  _cleanup_close_ int stage1_fd = pidfd;
  int32_t v = 0;
  if (c->new_userns)
    {
      if (sync_expect (c->sync_fd, SYNC_NEED_MAPS, NULL, err) < 0 || userns_write_maps (pid, c->spec, err) < 0
          || sync_send (c->sync_fd, SYNC_MAPS_DONE, 0, NULL, err) < 0)
        return -1;
    }
  int r = sync_expect (c->sync_fd, SYNC_INIT_PID, &v, err);
  int status;
  waitpid (pid, &status, 0);
  if (r < 0)
    return -1;
  c->pid = v;
  c->pidfd = (int) syscall (SYS_pidfd_open, c->pid, 0);
  if (c->pidfd < 0)
    return bento_err_make (err, errno, "pidfd_open the container init");
  return 0;
}

/* ---- child side: the init ----------------------------------------------- */

static _Noreturn void
child_fail (struct container *c, bento_err *err)
{
  sync_send_error (c->child_sync_fd, err);
  _exit (1);
}

/* Stage 1 of a staged spawn: join, unshare, fork the init. */
static void
stage1 (struct container *c)
{
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  /* The user namespace first: the others are then joined with its rights. */
  static const int order[] = { BENTO_NS_USER, BENTO_NS_MNT, BENTO_NS_PID, BENTO_NS_NET, BENTO_NS_IPC, BENTO_NS_UTS,
                               BENTO_NS_CGROUP, BENTO_NS_TIME };
  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
    if (c->ns_fds[order[i]] >= 0 && setns (c->ns_fds[order[i]], ns_clone_flag[order[i]]) < 0)
      {
        bento_err_make (&err, errno, "join %s namespace `%s`", spec_ns_name (order[i]),
                        c->spec->linux_->namespaces[order[i]].path);
        child_fail (c, &err);
      }
  int flags = new_ns_flags (c);
  if (flags && unshare (flags) < 0)
    {
      bento_err_make (&err, errno, "unshare the container's namespaces");
      child_fail (c, &err);
    }
  if ((flags & CLONE_NEWUSER)
      && (sync_send (c->child_sync_fd, SYNC_NEED_MAPS, 0, NULL, &err) < 0
          || sync_expect (c->child_sync_fd, SYNC_MAPS_DONE, NULL, &err) < 0))
    child_fail (c, &err);
  /* The new time namespace is empty until the fork below: its only chance
   * to get offsets. */
  if ((flags & CLONE_NEWTIME) && timens_write_offsets (c->spec->linux_, &err) < 0)
    child_fail (c, &err);
  pid_t init = fork ();
  if (init < 0)
    {
      bento_err_make (&err, errno, "fork the container init");
      child_fail (c, &err);
    }
  if (init > 0)
    {
      if (sync_send (c->child_sync_fd, SYNC_INIT_PID, init, NULL, &err) < 0)
        _exit (1);
      _exit (0);
    }
}

static int
set_hostname (const struct bento_spec *s, bento_err *err)
{
  if (s->hostname && s->hostname[0] && sethostname (s->hostname, strlen (s->hostname)) < 0)
    return bento_err_make (err, errno, "sethostname `%s`", s->hostname);
  if (s->domainname && s->domainname[0] && setdomainname (s->domainname, strlen (s->domainname)) < 0)
    return bento_err_make (err, errno, "setdomainname `%s`", s->domainname);
  return 0;
}

bool
process_setgroups_allowed (void)
{
  char buf[16] = "";
  _cleanup_close_ int fd = open ("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
  if (fd < 0 || read (fd, buf, sizeof buf - 1) <= 0)
    return true;
  return strncmp (buf, "deny", 4) != 0;
}

/* runc's lookup: a name with a slash is used as is, others are searched in
 * the PATH of the process's environment. */
int
process_find_executable (const struct bento_process *p, char **out, bento_err *err)
{
  const char *cmd = p->args[0];
  struct stat st;
  if (strchr (cmd, '/'))
    {
      if (stat (cmd, &st) < 0)
        return bento_err_make (err, errno, "exec: \"%s\": stat %s", cmd, cmd);
      if (!S_ISREG (st.st_mode) || access (cmd, X_OK) < 0)
        return bento_err_make (err, EACCES, "exec: \"%s\"", cmd);
      *out = strdup (cmd);
      return *out ? 0 : bento_err_make (err, ENOMEM, "exec");
    }
  const char *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  for (size_t i = 0; i < p->n_env; i++)
    if (strncmp (p->env[i], "PATH=", 5) == 0)
      path = p->env[i] + 5;
  _cleanup_free_ char *dirs = strdup (path);
  char *save = NULL;
  for (char *d = dirs ? strtok_r (dirs, ":", &save) : NULL; d; d = strtok_r (NULL, ":", &save))
    {
      _cleanup_free_ char *full = NULL;
      if (asprintf (&full, "%s/%s", *d ? d : ".", cmd) < 0)
        return bento_err_make (err, ENOMEM, "exec");
      if (stat (full, &st) == 0 && S_ISREG (st.st_mode) && access (full, X_OK) == 0)
        {
          *out = TAKE_PTR (full);
          return 0;
        }
    }
  return bento_err_make (err, 0, "exec: \"%s\": executable file not found in $PATH", cmd);
}

void
process_reset_signals (void)
{
  sigset_t all;
  sigemptyset (&all);
  for (int s = 1; s < NSIG; s++)
    signal (s, SIG_DFL);
  sigprocmask (SIG_SETMASK, &all, NULL);
}

/* Everything after the container's root is in place.  sysctl goes in
 * before the read-only paths make /proc/sys read-only. */
static int
child_finish_setup (struct container *c, int rootfd, bento_err *err)
{
  const struct bento_process *p = c->spec->process;
  if (rootfs_pivot (c, rootfd, err) < 0 || sysctl_apply (c->spec->linux_, err) < 0 || rootfs_finish (c, err) < 0)
    return -1;
  if (p->terminal && console_setup (p, c->console_fd, true, err) < 0)
    return bento_err_wrap (err, "process.terminal");
  if (chdir (p->cwd) < 0)
    return bento_err_make (err, errno, "process.cwd: chdir `%s`", p->cwd);
  if (user_resolve_name (c->spec->process, err) < 0)
    return -1;
  const struct bento_seccomp_filter *f = c->seccomp;
  bool nnp = p->no_new_privileges;
  int fd = c->child_sync_fd;
  if (rlimits_apply (p, err) < 0 || security_process_apply (p, c->spec->linux_, err) < 0
      || security_seccomp_at (f, nnp, SECCOMP_BEFORE_USER, fd, err) < 0
      || user_apply (p, process_setgroups_allowed (), err) < 0
      || security_seccomp_at (f, nnp, SECCOMP_AFTER_USER, fd, err) < 0)
    return -1;
  return 0;
}

static int
wait_for_start (struct container *c, bento_err *err)
{
  if (!c->use_fifo)
    return sync_expect (c->child_sync_fd, SYNC_START, NULL, err);
  /* Blocks until `bento start` opens the fifo for reading. */
  _cleanup_close_ int fd = openat (c->dirfd, "exec.fifo", O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return bento_err_make (err, errno, "open exec.fifo");
  if (write (fd, "0", 1) != 1)
    return bento_err_make (err, errno, "write exec.fifo");
  return 0;
}

static char *
child_state_json (struct container *c, const char *status)
{
  c->state.pid = c->pid;
  return state_to_json (&c->state, strcmp (status, "creating") == 0 ? STATUS_CREATING : STATUS_RUNNING, false);
}

static _Noreturn void
child_main (struct container *c, bool staged)
{
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  int rootfd = -1;
  int32_t host_pid = 0;

  closep (&c->sync_fd);
  /* v1 hierarchies, as root without a new user namespace: move ourselves,
   * a single thread, which spares the kernel's global threadgroup lock
   * (and its RCU grace period, ~12 ms here) that moving a pid takes. */
  if (c->cgroup_self && cgroup_enter_self (c, &err) < 0)
    child_fail (c, &err);
  if (staged)
    stage1 (c);
  /* Until the maps are written /proc/PID must stay ours: an unprivileged
   * parent writes uid_map and setgroups there. */
  if (sync_expect (c->child_sync_fd, SYNC_MAPS, &host_pid, &err) < 0)
    _exit (1);
  c->pid = host_pid;
  if (c->new_userns && userns_become_root (c->spec, &err) < 0)
    child_fail (c, &err);
  /* Through the host's /proc, still mounted here. */
  if (oom_score_adj_apply (c->spec->process, &err) < 0)
    child_fail (c, &err);
  /* Nothing in the container may open our /proc/PID/exe or memory until
   * execve replaces bento (the CVE-2019-5736 class); execve resets this. */
  if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    {
      bento_err_make (&err, errno, "prctl PR_SET_DUMPABLE");
      child_fail (c, &err);
    }
  if (c->spec->linux_ && c->spec->linux_->namespaces[BENTO_NS_CGROUP].present
      && c->spec->linux_->namespaces[BENTO_NS_CGROUP].path == NULL && unshare (CLONE_NEWCGROUP) < 0)
    {
      bento_err_make (&err, errno, "unshare the cgroup namespace");
      child_fail (c, &err);
    }
  if (rootfs_prepare (c, &rootfd, &err) < 0 || set_hostname (c->spec, &err) < 0)
    child_fail (c, &err);

  bool pre_hooks = hooks_any (c->spec, BENTO_HOOK_PRESTART) || hooks_any (c->spec, BENTO_HOOK_CREATE_RUNTIME);
  if (pre_hooks
      && (sync_send (c->child_sync_fd, SYNC_HOOKS, 0, NULL, &err) < 0
          || sync_expect (c->child_sync_fd, SYNC_HOOKS_DONE, NULL, &err) < 0))
    child_fail (c, &err);
  if (hooks_any (c->spec, BENTO_HOOK_CREATE_CONTAINER))
    {
      _cleanup_free_ char *state = child_state_json (c, "creating");
      if (hooks_run (c->spec, BENTO_HOOK_CREATE_CONTAINER, state, &err) < 0)
        child_fail (c, &err);
    }
  _cleanup_free_ char *exe = NULL;
  if (child_finish_setup (c, rootfd, &err) < 0 || process_find_executable (c->spec->process, &exe, &err) < 0)
    child_fail (c, &err);
  closep (&rootfd);
  closep (&c->console_fd);

  if (sync_send (c->child_sync_fd, SYNC_CREATED, 0, NULL, &err) < 0 || wait_for_start (c, &err) < 0)
    child_fail (c, &err);
  if (hooks_any (c->spec, BENTO_HOOK_START_CONTAINER))
    {
      _cleanup_free_ char *state = child_state_json (c, "running");
      if (hooks_run (c->spec, BENTO_HOOK_START_CONTAINER, state, &err) < 0)
        child_fail (c, &err);
    }

  /* Only stdio and the preserved fds go through execve. */
  if (syscall (SYS_close_range, 3 + c->preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
    {
      bento_err_make (&err, errno, "close_range");
      child_fail (c, &err);
    }
  process_reset_signals ();
  if (security_seccomp_at (c->seccomp, c->spec->process->no_new_privileges, SECCOMP_BEFORE_EXEC, c->child_sync_fd,
                           &err)
      < 0)
    child_fail (c, &err);
  execve (exe, c->spec->process->args, c->spec->process->env ? c->spec->process->env : (char *[]){ NULL });
  bento_err_make (&err, errno, "exec: \"%s\"", c->spec->process->args[0]);
  child_fail (c, &err);
}
