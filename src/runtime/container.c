#include "runtime/container.h"
#include "runtime/attach.h"
#include "runtime/cgroup.h"
#include "runtime/hooks.h"
#include "runtime/process.h"
#include "runtime/seccomp.h"
#include "runtime/security.h"
#include "runtime/sync.h"
#include "runtime/terminal.h"
#include "runtime/userns.h"
#include "shared/cleanup.h"
#include "shared/log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

void
container_init (struct container *c)
{
  memset (c, 0, sizeof *c);
  c->rootfd = c->dirfd = c->sync_fd = c->child_sync_fd = c->console_fd = c->fifo_fd = c->pidfd = -1;
  c->tty_sock = c->tty_master = c->cgroup_fd = -1;
  for (int t = 0; t < BENTO_NS__COUNT; t++)
    c->ns_fds[t] = -1;
}

void
container_free (struct container *c)
{
  spec_free (c->spec);
  seccomp_filter_free (c->seccomp);
  free (c->rootfs);
  int *fds[] = { &c->rootfd, &c->dirfd,    &c->sync_fd,  &c->child_sync_fd, &c->console_fd,
                 &c->fifo_fd, &c->pidfd, &c->tty_sock, &c->tty_master, &c->cgroup_fd };
  for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
    closep (fds[i]);
  for (int t = 0; t < BENTO_NS__COUNT; t++)
    closep (&c->ns_fds[t]);
  state_clear (&c->state);
}

/* ---- load: what bento can and cannot run ------------------------------- */

/* Refuse what this runtime cannot apply yet, never run without it; check
 * the security fields (sysctl keys, time offsets, scheduler) and compile
 * the seccomp filter before anything exists. */
static int
check_supported (struct container *c, bento_err *err)
{
  const struct bento_spec *s = c->spec;
  const struct bento_linux *l = s->linux_;
  if (s->process == NULL)
    return bento_err_make (err, 0, "process: required to create a container");
  if (security_check (s, err) < 0)
    return -1;
  if (l && l->seccomp && seccomp_filter_build (l->seccomp, &c->seccomp, err) < 0)
    return -1;
  return 0;
}

int
container_load (struct container *c, bento_err *err)
{
  _cleanup_free_ char *config = NULL;
  if (asprintf (&config, "%s/config.json", c->bundle) < 0)
    return bento_err_make (err, ENOMEM, "load config");
  if (spec_load (config, &c->spec, err) < 0 || spec_validate (c->spec, err) < 0 || check_supported (c, err) < 0)
    return -1;
  _cleanup_free_ char *root = NULL;
  if (c->spec->root_path[0] != '/' && asprintf (&root, "%s/%s", c->bundle, c->spec->root_path) < 0)
    return bento_err_make (err, ENOMEM, "load config");
  const char *path = root ? root : c->spec->root_path;
  c->rootfs = realpath (path, NULL);
  struct stat st;
  if (c->rootfs == NULL || stat (c->rootfs, &st) < 0)
    return bento_err_make (err, errno, "root.path `%s`", path);
  if (!S_ISDIR (st.st_mode))
    return bento_err_make (err, ENOTDIR, "root.path `%s`", path);
  c->in_userns = userns_in_child_ns ();
  c->rootless = geteuid () != 0 || c->in_userns;
  const struct bento_linux *l = c->spec->linux_;
  c->new_userns = l && l->namespaces[BENTO_NS_USER].present && l->namespaces[BENTO_NS_USER].path == NULL;
  if (geteuid () != 0 && !(l && l->namespaces[BENTO_NS_USER].present))
    return bento_err_make (err, 0, "linux.namespaces: a rootless container needs a user namespace (see `bento spec --rootless`)");
  /* Limits are checked against this host's cgroups (and, rootless, the
   * subtree delegated to the user) before anything exists. */
  return cgroup_check_supported (c, err);
}

/* ---- create ------------------------------------------------------------- */

static void
format_now (char *buf, size_t len)
{
  struct timespec ts;
  struct tm tm;
  clock_gettime (CLOCK_REALTIME, &ts);
  gmtime_r (&ts.tv_sec, &tm);
  size_t n = strftime (buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf (buf + n, len - n, ".%09ldZ", ts.tv_nsec);
}

static int
state_fill (struct container *c, bento_err *err)
{
  char now[64];
  format_now (now, sizeof now);
  struct container_state *st = &c->state;
  st->id = strdup (c->id);
  st->bundle = strdup (c->bundle);
  st->rootfs = strdup (c->rootfs);
  st->created = strdup (now);
  st->owner = geteuid ();
  st->saved_creating = true;
  st->rootless = c->rootless;
  st->annotations = calloc (c->spec->n_annotations + 1, sizeof *st->annotations);
  if (!st->id || !st->bundle || !st->rootfs || !st->created || !st->annotations)
    return bento_err_make (err, ENOMEM, "container state");
  for (size_t i = 0; i < c->spec->n_annotations; i++)
    {
      st->annotations[i].key = strdup (c->spec->annotations[i].key);
      st->annotations[i].value = strdup (c->spec->annotations[i].value);
      st->n_annotations = i + 1;
    }
  return 0;
}

/* Keep a copy of the config: delete runs its poststop hooks even if the
 * bundle has changed or gone. */
static int
save_config (struct container *c, bento_err *err)
{
  _cleanup_free_ char *src = NULL;
  if (asprintf (&src, "%s/config.json", c->bundle) < 0)
    return bento_err_make (err, ENOMEM, "save config");
  _cleanup_close_ int in = open (src, O_RDONLY | O_CLOEXEC);
  _cleanup_close_ int out = openat (c->dirfd, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (in < 0 || out < 0)
    return bento_err_make (err, errno, "save config");
  char buf[65536];
  ssize_t n;
  while ((n = read (in, buf, sizeof buf)) > 0)
    if (write (out, buf, (size_t) n) != n)
      return bento_err_make (err, errno, "save config");
  return n < 0 ? bento_err_make (err, errno, "save config") : 0;
}

static int
prepare_fds (struct container *c, bento_err *err)
{
  int sv[2];
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    return bento_err_make (err, errno, "socketpair");
  c->sync_fd = sv[0];
  c->child_sync_fd = sv[1];
  if (c->use_fifo && mkfifoat (c->dirfd, "exec.fifo", 0600) < 0)
    return bento_err_make (err, errno, "create exec.fifo");
  if (c->console_socket && console_connect (c->console_socket, &c->console_fd, err) < 0)
    return -1;
  if (c->spec->process->terminal && c->console_fd < 0)
    {
      /* Nobody would hold the terminal of a detached container (runc's rule). */
      if (c->detach)
        return bento_err_make (err, 0, "process.terminal: a detached container needs --console-socket");
      /* In the foreground, bento itself is the terminal: the init sends the
       * pty master to us instead of a console socket. */
      int tv[2];
      if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, tv) < 0)
        return bento_err_make (err, errno, "socketpair");
      c->tty_sock = tv[0];
      c->console_fd = tv[1];
    }
  return namespaces_open (c, err);
}

static int
write_pid_file (const char *path, pid_t pid, bento_err *err)
{
  _cleanup_free_ char *tmp = NULL;
  if (asprintf (&tmp, "%s.bento-tmp", path) < 0)
    return bento_err_make (err, ENOMEM, "--pid-file");
  _cleanup_fclose_ FILE *f = fopen (tmp, "we");
  if (f == NULL)
    return bento_err_make (err, errno, "--pid-file `%s`", path);
  fprintf (f, "%d", (int) pid);
  if (fflush (f) != 0 || rename (tmp, path) < 0)
    return bento_err_make (err, errno, "--pid-file `%s`", path);
  return 0;
}

static int
run_runtime_hooks (struct container *c, bento_err *err)
{
  _cleanup_free_ char *json = state_to_json (&c->state, STATUS_CREATING, false);
  if (json == NULL)
    return bento_err_make (err, ENOMEM, "hooks");
  if (hooks_run (c->spec, BENTO_HOOK_PRESTART, json, err) < 0
      || hooks_run (c->spec, BENTO_HOOK_CREATE_RUNTIME, json, err) < 0)
    return -1;
  return sync_send (c->sync_fd, SYNC_HOOKS_DONE, 0, NULL, err);
}

/* After the spawn: maps are written; place, report, wait for `created`. */
static int
create_after_spawn (struct container *c, bento_err *err)
{
  c->state.pid = c->pid;
  c->state.start_time = proc_start_time (c->pid);
  if (cgroup_enter_init (c, err) < 0 || state_write (c->dirfd, &c->state, err) < 0
      || sync_send (c->sync_fd, SYNC_MAPS, c->pid, NULL, err) < 0)
    return -1;
  if (hooks_any (c->spec, BENTO_HOOK_PRESTART) || hooks_any (c->spec, BENTO_HOOK_CREATE_RUNTIME))
    {
      if (sync_expect (c->sync_fd, SYNC_HOOKS, NULL, err) < 0 || run_runtime_hooks (c, err) < 0)
        return -1;
    }
  if (c->seccomp && c->seccomp->notify)
    {
      /* The init sends its notify fd before `created`: on to the agent. */
      _cleanup_free_ char *state = state_to_json (&c->state, STATUS_CREATING, false);
      if (security_seccomp_handoff (c->sync_fd, c->spec->linux_->seccomp, c->pid, state, err) < 0)
        return -1;
    }
  if (sync_expect (c->sync_fd, SYNC_CREATED, NULL, err) < 0)
    return -1;
  if (c->tty_sock >= 0 && recv_fd (c->tty_sock, &c->tty_master, err) < 0)
    return -1;
  c->state.saved_creating = false;
  if (state_write (c->dirfd, &c->state, err) < 0)
    return -1;
  if (c->pid_file && write_pid_file (c->pid_file, c->pid, err) < 0)
    return -1;
  return 0;
}

/* A failed create leaves nothing: no process, no state dir. */
static void
create_cleanup (struct container *c)
{
  if (c->pidfd >= 0)
    {
      syscall (SYS_pidfd_send_signal, c->pidfd, SIGKILL, NULL, 0);
      waitpid (c->pid, NULL, 0);
    }
  _cleanup_err_ bento_err ignored = BENTO_ERR_INIT;
  cgroup_destroy_state (&c->state, &ignored);
  bento_err_clear (&ignored);
  state_remove_dir (c->rootfd, c->id, &ignored);
}

int
container_create (struct container *c, bento_err *err)
{
  if (state_validate_id (c->id, err) < 0 || state_root_open (c->state_root, true, &c->rootfd, err) < 0)
    return -1;
  if (state_create_dir (c->rootfd, c->id, &c->dirfd, err) < 0)
    return -1;
  /* From here on the state dir exists: a `delete --force` can clean up
   * whatever a killed create leaves. */
  if (state_fill (c, err) < 0 || state_write (c->dirfd, &c->state, err) < 0 || save_config (c, err) < 0
      || cgroup_create (c, err) < 0 || prepare_fds (c, err) < 0 || process_spawn (c, err) < 0 || create_after_spawn (c, err) < 0)
    {
      create_cleanup (c);
      return -1;
    }
  /* `run` lives on with the container: let state/kill/delete in. */
  flock (c->dirfd, LOCK_UN);
  return 0;
}

/* ---- start, run, wait --------------------------------------------------- */

static void
run_poststart (const struct bento_spec *s, const struct container_state *st)
{
  if (!hooks_any (s, BENTO_HOOK_POSTSTART))
    return;
  _cleanup_free_ char *json = state_to_json (st, STATUS_RUNNING, false);
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  /* The spec: a failing poststart hook is a warning, the container runs on. */
  if (json && hooks_run (s, BENTO_HOOK_POSTSTART, json, &err) < 0)
    log_warn ("%s", err.msg);
}

int
container_start_direct (struct container *c, bento_err *err)
{
  if (sync_send (c->sync_fd, SYNC_START, 0, NULL, err) < 0 || sync_wait_exec (c->sync_fd, err) < 0)
    return -1;
  run_poststart (c->spec, &c->state);
  return 0;
}

/* Open the fifo without blocking, then wait until the init writes to it or
 * dies. */
static int
release_fifo (int dirfd, int pidfd, bento_err *err)
{
  _cleanup_close_ int fd = openat (dirfd, "exec.fifo", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    return bento_err_make (err, errno, "open exec.fifo");
  struct pollfd pfd[2] = { { .fd = fd, .events = POLLIN }, { .fd = pidfd, .events = POLLIN } };
  for (;;)
    {
      if (poll (pfd, 2, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return bento_err_make (err, errno, "wait for the container init");
        }
      char b;
      if ((pfd[0].revents & POLLIN) && read (fd, &b, 1) == 1)
        break;
      if (pfd[1].revents & POLLIN)
        return bento_err_make (err, 0, "container init exited before it started");
    }
  if (unlinkat (dirfd, "exec.fifo", 0) < 0)
    return bento_err_make (err, errno, "remove exec.fifo");
  return 0;
}

static int
load_config_copy (int dirfd, struct bento_spec **out, bento_err *err)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/self/fd/%d/config.json", dirfd);
  return spec_load (path, out, err);
}


int
container_start (int rootfd, const char *id, bento_err *err)
{
  _cleanup_close_ int dirfd = -1;
  _cleanup_state_ struct container_state st = { 0 };
  if (state_open_dir (rootfd, id, &dirfd, err) < 0 || state_read (dirfd, &st, err) < 0)
    return -1;
  enum container_status s = state_status (dirfd, &st);
  if (s == STATUS_STOPPED)
    return bento_err_make (err, 0, "cannot start a container that has stopped");
  if (s != STATUS_CREATED)
    return bento_err_make (err, 0, "cannot start a container that is %s", state_status_name (s));
  _cleanup_close_ int pidfd = state_pidfd (&st);
  if (pidfd < 0)
    return bento_err_make (err, 0, "container init exited before it started");
  if (release_fifo (dirfd, pidfd, err) < 0)
    return -1;
  struct bento_spec *spec = NULL;
  _cleanup_err_ bento_err ignored = BENTO_ERR_INIT;
  if (load_config_copy (dirfd, &spec, &ignored) == 0)
    run_poststart (spec, &st);
  spec_free (spec);
  return 0;
}

int
container_wait (struct container *c, int *status, bento_err *err)
{
  return attach_wait (c->pidfd, c->tty_master, status, err);
}

/* ---- kill, delete ------------------------------------------------------- */

int
container_kill (int rootfd, const char *id, int sig, bool all, bento_err *err)
{
  _cleanup_close_ int dirfd = -1;
  _cleanup_state_ struct container_state st = { 0 };
  if (state_open_dir (rootfd, id, &dirfd, err) < 0 || state_read (dirfd, &st, err) < 0)
    return -1;
  enum container_status s = state_status (dirfd, &st);
  _cleanup_close_ int pidfd = s == STATUS_STOPPED ? -1 : state_pidfd (&st);
  if (pidfd < 0)
    return bento_err_make (err, 0, "container `%s` is not running", id);
  if (all && cgroup_kill_all (&st, sig, err) < 0)
    return -1;
  /* Through the pidfd: never a recycled pid. */
  if (syscall (SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
    return bento_err_make (err, errno, "send signal %d to container `%s`", sig, id);
  return 0;
}

static int
kill_and_wait (const struct container_state *st, bento_err *err)
{
  _cleanup_close_ int pidfd = state_pidfd (st);
  if (pidfd < 0)
    return 0;
  if (syscall (SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
    return bento_err_make (err, errno, "kill the container init");
  struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
  /* The init is not our child: the pidfd says when it is gone.  Give the
   * kernel up to 10 s to tear it down. */
  if (poll (&pfd, 1, 10000) == 0)
    return bento_err_make (err, ETIMEDOUT, "wait for the container init to die");
  return 0;
}

static void
run_poststop (int dirfd, const struct container_state *st)
{
  struct bento_spec *spec = NULL;
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  if (load_config_copy (dirfd, &spec, &err) == 0 && hooks_any (spec, BENTO_HOOK_POSTSTOP))
    {
      _cleanup_free_ char *json = state_to_json (st, STATUS_STOPPED, false);
      /* A failing poststop hook is a warning: the container is gone anyway. */
      if (json && hooks_run (spec, BENTO_HOOK_POSTSTOP, json, &err) < 0)
        log_warn ("%s", err.msg);
    }
  spec_free (spec);
}

int
container_delete (int rootfd, const char *id, bool force, bento_err *err)
{
  _cleanup_close_ int dirfd = -1;
  _cleanup_state_ struct container_state st = { 0 };
  if (state_open_dir (rootfd, id, &dirfd, err) < 0)
    return -1;
  if (state_read (dirfd, &st, err) < 0)
    {
      /* A create killed before its first state write: nothing runs. */
      if (!force)
        return -1;
      bento_err_clear (err);
    }
  enum container_status s = state_status (dirfd, &st);
  if (!force && (s == STATUS_RUNNING || s == STATUS_PAUSED || s == STATUS_CREATING))
    return bento_err_make (err, 0, "cannot delete container `%s` that is not stopped: %s", id, state_status_name (s));
  /* A frozen process cannot die: kill everything, then thaw. */
  if (s == STATUS_PAUSED && (cgroup_kill_all (&st, SIGKILL, err) < 0 || cgroup_freeze (&st, false, err) < 0))
    return -1;
  /* A created container (never started) is deleted as runc does: its init
   * is killed first; so is anything else with --force. */
  if (s != STATUS_STOPPED && kill_and_wait (&st, err) < 0)
    return -1;
  if (cgroup_destroy_state (&st, err) < 0)
    return -1;
  if (st.id)
    run_poststop (dirfd, &st);
  return state_remove_dir (rootfd, id, err);
}
