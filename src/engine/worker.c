/* Worker processes in the store's user namespace.
 *
 *   parent                          child
 *   fork ───────────────────────▶   unshare(CLONE_NEWUSER)
 *   read(sync) ◀─────────────────   write(sync, "u")
 *   newuidmap/newgidmap (idmap_apply)
 *   write(go, "g") ─────────────▶   read(go); setresgid/setresuid(0)
 *                                   [unshare(CLONE_NEWNS), / private]
 *                                   fn(); write(result, "o"|"e" + text); _exit
 *   store_wait_worker: read(result) to EOF, waitpid
 *
 * As root, or already inside the namespace (`bento unshare`), the child
 * skips the user namespace steps.  Workers close every inherited fd but
 * the ones they are given: a layer worker must not hold another layer's
 * pipe open, or that one would never see its end. */
#include "engine/store.h"
#include "engine/fsutil.h"
#include "shared/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static char *worker_reply;

void
store_worker_reply (const char *text)
{
  free (worker_reply);
  worker_reply = text ? strdup (text) : NULL;
}

static int
cmp_int (const void *a, const void *b)
{
  return *(const int *) a - *(const int *) b;
}

/* Close every fd >= 3 not in KEEP. */
static void
close_other_fds (int *keep, size_t n)
{
  qsort (keep, n, sizeof *keep, cmp_int);
  unsigned lo = 3;
  for (size_t i = 0; i < n; i++)
    {
      if (keep[i] < (int) lo)
        continue;
      if ((unsigned) keep[i] > lo)
        syscall (SYS_close_range, lo, (unsigned) keep[i] - 1, 0);
      lo = (unsigned) keep[i] + 1;
    }
  syscall (SYS_close_range, lo, ~0U, 0);
}

static void
child_fail (int fd, bento_err *err)
{
  char tag = 'e';
  if (write_all (fd, &tag, 1) == 0 && err->msg)
    write_all (fd, err->msg, strlen (err->msg));
  _exit (1);
}

static int
child_enter_userns (int sync_w, int go_r, bento_err *err)
{
  char c = 'u';
  if (unshare (CLONE_NEWUSER) < 0)
    return bento_err_make (err, errno, "create user namespace");
  if (write_all (sync_w, &c, 1) < 0)
    return bento_err_make (err, errno, "sync with parent");
  if (read (go_r, &c, 1) != 1 || c != 'g')
    return bento_err_make (err, 0, "parent could not write the id maps");
  if (setresgid (0, 0, 0) < 0)
    return bento_err_make (err, errno, "setresgid 0");
  /* denied when only the own gid is mapped: then there are no groups to drop */
  if (setgroups (0, NULL) < 0 && errno != EPERM)
    return bento_err_make (err, errno, "setgroups");
  if (setresuid (0, 0, 0) < 0)
    return bento_err_make (err, errno, "setresuid 0");
  return 0;
}

static void
child_run (struct store *s, bool need_userns, bool mount_ns, int res_w, int sync_w, int go_r, store_fn fn, void *arg)
{
  bento_err err = BENTO_ERR_INIT;
  /* die with the parent: a worker must never outlive an interrupted pull */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  signal (SIGINT, SIG_IGN);
  signal (SIGPIPE, SIG_DFL);
  if (need_userns && child_enter_userns (sync_w, go_r, &err) < 0)
    child_fail (res_w, &err);
  if (mount_ns
      && (unshare (CLONE_NEWNS) < 0 || mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0))
    {
      bento_err_make (&err, errno, "create mount namespace");
      child_fail (res_w, &err);
    }
  if (fn (s, arg, &err) < 0)
    child_fail (res_w, &err);
  char tag = 'o';
  write_all (res_w, &tag, 1);
  if (worker_reply)
    write_all (res_w, worker_reply, strlen (worker_reply));
  _exit (0);
}

static int
spawn (struct store *s, bool mount_ns, store_fn fn, void *arg, const int *keep_fds, size_t n_keep, pid_t *pid_out,
       int *result_fd, bento_err *err)
{
  bool need_userns = s->rootless && !s->in_userns;
  int res[2], sync[2] = { -1, -1 }, go[2] = { -1, -1 };
  if (pipe2 (res, O_CLOEXEC) < 0)
    return bento_err_make (err, errno, "pipe");
  if (need_userns && (pipe2 (sync, O_CLOEXEC) < 0 || pipe2 (go, O_CLOEXEC) < 0))
    {
      int e = errno;
      close (res[0]), close (res[1]);
      if (sync[0] >= 0)
        close (sync[0]), close (sync[1]);
      return bento_err_make (err, e, "pipe");
    }
  fflush (stdout);
  fflush (stderr);
  pid_t pid = fork ();
  if (pid < 0)
    {
      int e = errno;
      close (res[0]), close (res[1]);
      if (need_userns)
        close (sync[0]), close (sync[1]), close (go[0]), close (go[1]);
      return bento_err_make (err, e, "fork");
    }
  if (pid == 0)
    {
      int keep[64];
      size_t k = 0;
      for (size_t i = 0; i < n_keep && k < 58; i++)
        keep[k++] = keep_fds[i];
      keep[k++] = res[1];
      keep[k++] = s->dirfd;
      if (need_userns)
        keep[k++] = sync[1], keep[k++] = go[0];
      close_other_fds (keep, k);
      child_run (s, need_userns, mount_ns, res[1], sync[1], go[0], fn, arg);
    }
  close (res[1]);
  *pid_out = pid;
  *result_fd = res[0];
  if (!need_userns)
    return 0;

  close (sync[1]);
  close (go[0]);
  char c;
  int r = 0;
  if (read (sync[0], &c, 1) == 1)
    {
      r = idmap_apply (pid, s->uids, s->n_uids, s->gids, s->n_gids, err);
      if (r == 0)
        r = write_all (go[1], "g", 1) < 0 ? bento_err_make (err, errno, "start worker") : 0;
    }
  /* on EOF the child failed before unsharing: its result says why */
  close (sync[0]);
  close (go[1]);
  if (r < 0)
    {
      kill (pid, SIGKILL);
      _cleanup_free_ char *ignored = NULL;
      bento_err werr = BENTO_ERR_INIT;
      store_wait_worker (pid, res[0], &ignored, &werr);
      bento_err_clear (&werr);
      return bento_err_wrap (err, "enter the user namespace");
    }
  return 0;
}

int
store_spawn_worker (struct store *s, store_fn fn, void *arg, const int *keep_fds, size_t n_keep, pid_t *pid,
                    int *result_fd, bento_err *err)
{
  return spawn (s, false, fn, arg, keep_fds, n_keep, pid, result_fd, err);
}

int
store_wait_worker (pid_t pid, int result_fd, char **text, bento_err *err)
{
  _cleanup_free_ char *buf = NULL;
  size_t len = 0;
  bento_err rerr = BENTO_ERR_INIT;
  int r = read_fd_all (result_fd, 1 << 20, &buf, &len, &rerr);
  close (result_fd);
  bento_err_clear (&rerr);
  int status = 0;
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return bento_err_make (err, errno, "wait for worker %d", (int) pid);
  *text = NULL;
  if (r == 0 && len > 0 && buf[0] == 'e')
    return bento_err_set_raw (err, 0, buf + 1);
  if (WIFSIGNALED (status))
    return bento_err_make (err, 0, "worker killed by signal %d", WTERMSIG (status));
  if (r < 0 || len == 0 || buf[0] != 'o' || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    return bento_err_make (err, 0, "worker failed (exit status %d)", WIFEXITED (status) ? WEXITSTATUS (status) : -1);
  *text = strdup (buf + 1);
  return *text ? 0 : bento_err_make (err, ENOMEM, "worker result");
}

int
store_run_in_userns_reply (struct store *s, bool mount_ns, store_fn fn, void *arg, char **reply, bento_err *err)
{
  pid_t pid;
  int fd;
  if (spawn (s, mount_ns, fn, arg, NULL, 0, &pid, &fd, err) < 0)
    return -1;
  return store_wait_worker (pid, fd, reply, err);
}

int
store_run_in_userns (struct store *s, bool mount_ns, store_fn fn, void *arg, bento_err *err)
{
  _cleanup_free_ char *text = NULL;
  return store_run_in_userns_reply (s, mount_ns, fn, arg, &text, err);
}
