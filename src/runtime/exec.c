#include "runtime/exec.h"
#include "runtime/attach.h"
#include "runtime/cgroup.h"
#include "runtime/process.h"
#include "runtime/seccomp.h"
#include "runtime/security.h"
#include "runtime/state.h"
#include "runtime/sync.h"
#include "runtime/terminal.h"
#include "runtime/user.h"
#include "shared/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>


/* Everything the exec'd side needs, set up by the parent before the fork. */
struct exec_ctx
{
  const struct exec_request *r;
  struct container_state st;
  struct bento_spec *spec;               /* the container's config, saved at create */
  struct bento_seccomp_filter *seccomp;  /* its linux.seccomp, compiled */
  int pidfd;     /* the init */
  int root_fd;   /* O_PATH of /proc/INIT/root: the container's root */
  int ns_flags;  /* namespaces of the init that are not ours */
  int sync_fd, child_sync_fd;
  int console_fd, tty_sock;
  pid_t pid;     /* the new process */
};

static int
load_config (int dirfd, const char *id, struct bento_spec **out, bento_err *err)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/self/fd/%d/config.json", dirfd);
  if (spec_load (path, out, err) < 0)
    return bento_err_wrap (err, "container `%s`", id);
  return 0;
}

int
exec_base_process (int rootfd, const char *id, struct bento_process **out, bento_err *err)
{
  _cleanup_close_ int dirfd = -1;
  if (state_open_dir (rootfd, id, &dirfd, err) < 0)
    return -1;
  struct bento_spec *spec = NULL;
  if (load_config (dirfd, id, &spec, err) < 0)
    return -1;
  *out = TAKE_PTR (spec->process);
  spec_free (spec);
  return 0;
}

static const struct
{
  const char *name;
  int flag;
} ns_kinds[] = {
  { "user", CLONE_NEWUSER }, { "mnt", CLONE_NEWNS },     { "pid", CLONE_NEWPID },   { "net", CLONE_NEWNET },
  { "ipc", CLONE_NEWIPC },   { "uts", CLONE_NEWUTS },    { "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME },
};

/* The namespaces of PID that differ from ours: those are the ones to join
 * (setns into the namespace one is already in is refused for user ones). */
static int
foreign_namespaces (pid_t pid)
{
  int flags = 0;
  for (size_t i = 0; i < sizeof ns_kinds / sizeof ns_kinds[0]; i++)
    {
      char a[64], b[64], la[64] = "", lb[64] = "";
      snprintf (a, sizeof a, "/proc/self/ns/%s", ns_kinds[i].name);
      snprintf (b, sizeof b, "/proc/%d/ns/%s", (int) pid, ns_kinds[i].name);
      ssize_t na = readlink (a, la, sizeof la - 1), nb = readlink (b, lb, sizeof lb - 1);
      if (na > 0 && nb > 0 && strcmp (la, lb) != 0)
        flags |= ns_kinds[i].flag;
    }
  return flags;
}

static int
check_status (int dirfd, const struct exec_request *r, const struct container_state *st, bento_err *err)
{
  enum container_status s = state_status (dirfd, st);
  if (s == STATUS_STOPPED)
    return bento_err_make (err, 0, "cannot exec in a stopped container `%s`", r->id);
  if (s == STATUS_CREATING)
    return bento_err_make (err, 0, "cannot exec in container `%s` while it is being created", r->id);
  if (s == STATUS_PAUSED && !r->ignore_paused)
    return bento_err_make (err, 0, "cannot exec in a paused container `%s` (see --ignore-paused)", r->id);
  return 0;
}

static int
exec_prepare (int rootfd, struct exec_ctx *x, bento_err *err)
{
  const struct exec_request *r = x->r;
  _cleanup_close_ int dirfd = -1;
  if (r->process->n_args == 0)
    return bento_err_make (err, 0, "process.args: must not be empty");
  if (state_open_dir (rootfd, r->id, &dirfd, err) < 0 || state_read (dirfd, &x->st, err) < 0
      || check_status (dirfd, r, &x->st, err) < 0 || load_config (dirfd, r->id, &x->spec, err) < 0)
    return -1;
  /* The container's seccomp profile binds its exec'd processes too. */
  const struct bento_linux *l = x->spec->linux_;
  if (l && l->seccomp && seccomp_filter_build (l->seccomp, &x->seccomp, err) < 0)
    return -1;
  x->pidfd = state_pidfd (&x->st);
  if (x->pidfd < 0)
    return bento_err_make (err, 0, "cannot exec in a stopped container `%s`", r->id);
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/root", (int) x->st.pid);
  x->root_fd = open (path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (x->root_fd < 0)
    return bento_err_make (err, errno, "open the container's root");
  x->ns_flags = foreign_namespaces (x->st.pid);

  int sv[2];
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    return bento_err_make (err, errno, "socketpair");
  x->sync_fd = sv[0];
  x->child_sync_fd = sv[1];
  if (!r->process->terminal)
    return 0;
  if (r->console_socket)
    return console_connect (r->console_socket, &x->console_fd, err);
  if (r->detach)
    return bento_err_make (err, 0, "--tty: a detached process needs --console-socket");
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
    return bento_err_make (err, errno, "socketpair");
  x->tty_sock = sv[0];
  x->console_fd = sv[1];
  return 0;
}

/* ---- the new process ---------------------------------------------------- */

static _Noreturn void
exec_fail (struct exec_ctx *x, bento_err *err)
{
  sync_send_error (x->child_sync_fd, err);
  _exit (1);
}

static int
enter_root (struct exec_ctx *x, bento_err *err)
{
  const struct bento_process *p = x->r->process;
  if (fchdir (x->root_fd) < 0 || chroot (".") < 0)
    return bento_err_make (err, errno, "enter the container's root");
  if (chdir (p->cwd ? p->cwd : "/") < 0)
    return bento_err_make (err, errno, "process.cwd: chdir `%s`", p->cwd);
  return 0;
}

static _Noreturn void
exec_child (struct exec_ctx *x)
{
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  const struct bento_process *p = x->r->process;
  _cleanup_free_ char *exe = NULL;

  if (sync_expect (x->child_sync_fd, SYNC_START, NULL, &err) < 0)
    _exit (1);
  if (enter_root (x, &err) < 0)
    exec_fail (x, &err);
  if (p->terminal && console_setup (p, x->console_fd, false, &err) < 0)
    exec_fail (x, &err);
  closep (&x->console_fd);
  /* The steps of the init's own setup (process.c), in the same order. */
  const struct bento_seccomp_filter *f = x->seccomp;
  bool nnp = p->no_new_privileges;
  int fd = x->child_sync_fd;
  if (user_resolve_name ((struct bento_process *) p, &err) < 0 || rlimits_apply (p, &err) < 0
      || security_process_apply (p, x->spec->linux_, &err) < 0
      || security_seccomp_at (f, nnp, SECCOMP_BEFORE_USER, fd, &err) < 0
      || user_apply (p, process_setgroups_allowed (), &err) < 0
      || security_seccomp_at (f, nnp, SECCOMP_AFTER_USER, fd, &err) < 0
      || process_find_executable (p, &exe, &err) < 0)
    exec_fail (x, &err);
  if (syscall (SYS_close_range, 3 + x->r->preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
    {
      bento_err_make (&err, errno, "close_range");
      exec_fail (x, &err);
    }
  process_reset_signals ();
  if (security_seccomp_at (f, nnp, SECCOMP_BEFORE_EXEC, fd, &err) < 0)
    exec_fail (x, &err);
  execve (exe, p->args, p->env ? p->env : (char *[]){ NULL });
  bento_err_make (&err, errno, "exec: \"%s\"", p->args[0]);
  exec_fail (x, &err);
}

/* The first child joins the namespaces; its child, born in the container's
 * pid namespace, becomes the process. */
static _Noreturn void
exec_stage1 (struct exec_ctx *x)
{
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  closep (&x->sync_fd);
  closep (&x->tty_sock);
  /* Through /proc/self, while it is still ours (not dumpable, it is root's);
   * the process forked below inherits the value. */
  if (oom_score_adj_apply (x->r->process, &err) < 0)
    exec_fail (x, &err);
  /* Not dumpable while bento's code runs among the container's processes:
   * they cannot open our /proc/PID/exe or memory (CVE-2019-5736). */
  if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    {
      bento_err_make (&err, errno, "prctl PR_SET_DUMPABLE");
      exec_fail (x, &err);
    }
  if (x->ns_flags && setns (x->pidfd, x->ns_flags) < 0)
    {
      bento_err_make (&err, errno, "join the namespaces of container `%s`", x->r->id);
      exec_fail (x, &err);
    }
  pid_t pid = fork ();
  if (pid < 0)
    {
      bento_err_make (&err, errno, "fork");
      exec_fail (x, &err);
    }
  if (pid == 0)
    exec_child (x);
  if (sync_send (x->child_sync_fd, SYNC_INIT_PID, pid, NULL, &err) < 0)
    _exit (1);
  _exit (0);
}

/* ---- the parent ---------------------------------------------------------- */

static int
write_pid_file (const char *path, pid_t pid, bento_err *err)
{
  _cleanup_fclose_ FILE *f = fopen (path, "we");
  if (f == NULL || fprintf (f, "%d", (int) pid) < 0 || fflush (f) != 0)
    return bento_err_make (err, errno, "--pid-file `%s`", path);
  return 0;
}

static int
exec_spawn (struct exec_ctx *x, int *pidfd, bento_err *err)
{
  /* The process is our grandchild: as a subreaper we can wait for it. */
  if (!x->r->detach && prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
    return bento_err_make (err, errno, "prctl PR_SET_CHILD_SUBREAPER");
  pid_t stage1 = fork ();
  if (stage1 < 0)
    return bento_err_make (err, errno, "fork");
  if (stage1 == 0)
    exec_stage1 (x);
  closep (&x->child_sync_fd);
  closep (&x->console_fd);
  int32_t pid = 0;
  int r = sync_expect (x->sync_fd, SYNC_INIT_PID, &pid, err);
  waitpid (stage1, NULL, 0);
  if (r < 0)
    return -1;
  x->pid = pid;
  *pidfd = (int) syscall (SYS_pidfd_open, pid, 0);
  if (*pidfd < 0)
    return bento_err_make (err, errno, "pidfd_open the exec'd process");
  /* Into the container's cgroup before it runs anything of the user's. */
  if (cgroup_join_sub (&x->st, pid, x->r->cgroups, x->r->n_cgroups, err) < 0 || sync_send (x->sync_fd, SYNC_START, 0, NULL, err) < 0)
    return -1;
  return 0;
}

int
container_exec (int rootfd, const struct exec_request *r, int *status, bento_err *err)
{
  struct exec_ctx x = { .r = r, .pidfd = -1, .root_fd = -1, .sync_fd = -1, .child_sync_fd = -1, .console_fd = -1,
                        .tty_sock = -1 };
  _cleanup_close_ int pidfd = -1, master = -1;
  int ret = -1;
  if (exec_prepare (rootfd, &x, err) < 0 || exec_spawn (&x, &pidfd, err) < 0)
    goto out;
  if (x.seccomp && x.seccomp->notify)
    {
      _cleanup_free_ char *state = state_to_json (&x.st, STATUS_RUNNING, false);
      if (security_seccomp_handoff (x.sync_fd, x.spec->linux_->seccomp, x.pid, state, err) < 0)
        goto kill;
    }
  if (x.tty_sock >= 0 && recv_fd (x.tty_sock, &master, err) < 0)
    goto kill;
  if (sync_wait_exec (x.sync_fd, err) < 0)
    goto kill;
  if (r->pid_file && write_pid_file (r->pid_file, x.pid, err) < 0)
    goto kill;
  *status = 0;
  ret = r->detach ? 0 : attach_wait (pidfd, master, status, err);
  goto out;
kill:
  syscall (SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
  waitpid (x.pid, NULL, 0);
out:
  state_clear (&x.st);
  spec_free (x.spec);
  seccomp_filter_free (x.seccomp);
  int *fds[] = { &x.pidfd, &x.root_fd, &x.sync_fd, &x.child_sync_fd, &x.console_fd, &x.tty_sock };
  for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
    closep (fds[i]);
  return ret;
}
