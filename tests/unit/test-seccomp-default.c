/* src/engine/seccomp-default.c: podman's decisions, checked by loading the
 * profile into forked children and making the syscalls. */
#include "engine/seccomp-default.h"
#include "runtime/seccomp.h"
#include "shared/cleanup.h"
#include "tap.h"

#include <errno.h>
#include <jansson.h>
#include <linux/capability.h>
#include <linux/sched.h>
#include <seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define CAP(c) (UINT64_C (1) << (c))

/* podman's default capabilities (containers.conf). */
static const uint64_t podman_caps = CAP (CAP_CHOWN) | CAP (CAP_DAC_OVERRIDE) | CAP (CAP_FOWNER) | CAP (CAP_FSETID)
                                    | CAP (CAP_KILL) | CAP (CAP_NET_BIND_SERVICE) | CAP (CAP_SETFCAP)
                                    | CAP (CAP_SETGID) | CAP (CAP_SETPCAP) | CAP (CAP_SETUID)
                                    | CAP (CAP_SYS_CHROOT);

DEFINE_CLEANUP_FUNC (struct bento_seccomp *, spec_seccomp_free)
DEFINE_CLEANUP_FUNC (struct bento_seccomp_filter *, seccomp_filter_free)

#define DIED 250

/* A child under a filter leaves with exit_group itself: ASan's _exit runs
 * a leak check first, with syscalls the filter may deny. */
static _Noreturn void
leave (int code)
{
  syscall (SYS_exit_group, code);
  abort ();
}

static struct bento_seccomp_filter *
compile (uint64_t caps)
{
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  _cleanup_ (spec_seccomp_freep) struct bento_seccomp *s = NULL;
  struct bento_seccomp_filter *f = NULL;
  if (seccomp_default_profile (caps, &s, &err) < 0 || seccomp_filter_build (s, &f, &err) < 0)
    printf ("# %s\n", err.msg);
  return f;
}

/* The errno of syscall NR(A0, A1, A2) under F in a child; 0 on success. */
static int
errno_under (const struct bento_seccomp_filter *f, long nr, long a0, long a1, long a2)
{
  fflush (stdout);
  pid_t pid = fork ();
  if (pid == 0)
    {
      bento_err err = BENTO_ERR_INIT;
      int nfd;
      if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_filter_load (f, &nfd, &err) < 0)
        _exit (200);
      long r = syscall (nr, a0, a1, a2);
      /* A clone's child leaves at once. */
      if (r == 0 && (nr == SYS_clone))
        leave (0);
      if (nr == SYS_clone && r > 0)
        waitpid ((pid_t) r, NULL, 0);
      leave (r < 0 ? errno : 0);
    }
  int status;
  waitpid (pid, &status, 0);
  return WIFEXITED (status) ? WEXITSTATUS (status) : DIED;
}

static void
test_profile_shape (void)
{
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  _cleanup_ (spec_seccomp_freep) struct bento_seccomp *s = NULL;
  is_int (seccomp_default_profile (podman_caps, &s, &err), 0, "the default profile builds");
  ok (s->default_action == SCMP_ACT_ERRNO (0) && s->has_default_errno_ret && s->default_errno_ret == ENOSYS,
      "unlisted syscalls: ENOSYS");
#ifdef __x86_64__
  ok (s->n_architectures == 3 && strcmp (s->architectures[0], "SCMP_ARCH_X86_64") == 0
          && strcmp (s->architectures[1], "SCMP_ARCH_X86") == 0 && strcmp (s->architectures[2], "SCMP_ARCH_X32") == 0,
      "x86_64 with x86 and x32, as podman");
  is_str (seccomp_default_native_arch (), "amd64", "native architecture by podman's name");
#endif
  bool chroot_allowed = false, ptrace_rule = false;
  for (size_t i = 0; i < s->n_syscalls; i++)
    for (size_t k = 0; k < s->syscalls[i].n_names; k++)
      {
        if (strcmp (s->syscalls[i].names[k], "chroot") == 0 && s->syscalls[i].action == SCMP_ACT_ALLOW)
          chroot_allowed = true;
        if (strcmp (s->syscalls[i].names[k], "kcmp") == 0)
          ptrace_rule = s->syscalls[i].action == SCMP_ACT_ERRNO (0) && s->syscalls[i].errno_ret == EPERM;
      }
  ok (chroot_allowed, "CAP_SYS_CHROOT in the set: chroot is allowed");
  ok (ptrace_rule, "CAP_SYS_PTRACE not in the set: kcmp is EPERM");
}

/* The JSON the engine writes parses back to the same profile. */
static void
test_json_round_trip (void)
{
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  _cleanup_ (spec_seccomp_freep) struct bento_seccomp *s = NULL;
  seccomp_default_profile (podman_caps, &s, &err);
  json_t *cfg = json_pack ("{s:s, s:{s:s}, s:{s:o}}", "ociVersion", "1.2.0", "root", "path", "rootfs", "linux",
                           "seccomp", seccomp_profile_json (s));
  char *text = json_dumps (cfg, 0);
  json_decref (cfg);
  struct bento_spec *spec = NULL;
  is_int (spec_parse (text, strlen (text), &spec, &err), 0, "the profile's JSON parses as a config %s",
          err.msg ? err.msg : "");
  free (text);
  const struct bento_seccomp *b = spec ? spec->linux_->seccomp : NULL;
  ok (b && b->n_syscalls == s->n_syscalls && b->default_action == s->default_action
          && b->default_errno_ret == ENOSYS && b->n_architectures == s->n_architectures,
      "... into the same rules, default and architectures");
  bool same = b != NULL;
  for (size_t i = 0; same && i < s->n_syscalls; i++)
    same = b->syscalls[i].action == s->syscalls[i].action && b->syscalls[i].n_names == s->syscalls[i].n_names
           && b->syscalls[i].n_args == s->syscalls[i].n_args && b->syscalls[i].errno_ret == s->syscalls[i].errno_ret
           && (s->syscalls[i].n_args == 0 || b->syscalls[i].args[0].op == s->syscalls[i].args[0].op);
  ok (same, "... rule by rule");
  spec_free (spec);
}

static void
test_decisions (void)
{
  struct bento_seccomp_filter *f = compile (podman_caps);
  ok (f != NULL, "the default profile compiles with podman's capabilities");
  if (f == NULL)
    return;
  is_int (errno_under (f, SYS_read, -1, 0, 0), EBADF, "read is allowed (the kernel's own EBADF)");
  is_int (errno_under (f, SYS_clone, SIGCHLD, 0, 0), 0, "clone without namespace flags is allowed");
  is_int (errno_under (f, SYS_kexec_load, 0, 0, 0), EPERM, "kexec_load: EPERM");
  is_int (errno_under (f, SYS_open_by_handle_at, -1, 0, 0), EPERM, "open_by_handle_at without CAP_DAC_READ_SEARCH: EPERM");
  is_int (errno_under (f, SYS_io_uring_setup, 1, 0, 0), ENOSYS, "io_uring_setup is not listed: ENOSYS");
  is_int (errno_under (f, 1000, 0, 0, 0), ENOSYS, "an unknown syscall number: ENOSYS");
  is_int (errno_under (f, SYS_sethostname, 0, 0, 0), EPERM, "sethostname without CAP_SYS_ADMIN: EPERM");
  is_int (errno_under (f, SYS_chroot, (long) "/nonexistent-bento-dir", 0, 0), ENOENT,
          "chroot with CAP_SYS_CHROOT reaches the kernel (ENOENT)");
  is_int (errno_under (f, SYS_personality, 0xffffffff, 0, 0), 0, "personality query is allowed");
  is_int (errno_under (f, SYS_personality, 0x0400000, 0, 0), ENOSYS, "personality READ_IMPLIES_EXEC is not");
  is_int (errno_under (f, SYS_socket, AF_NETLINK, SOCK_RAW, 9), EINVAL,
          "the audit netlink socket without CAP_AUDIT_WRITE: EINVAL");
  is_int (errno_under (f, SYS_socket, AF_VSOCK, SOCK_STREAM, 0), EPERM, "vsock: EPERM");
  is_int (errno_under (f, SYS_socket, AF_UNIX, SOCK_STREAM, 0), 0, "a unix socket is allowed");
  is_int (errno_under (f, SYS_bpf, 0, 0, 0), EPERM, "bpf without CAP_BPF or CAP_SYS_ADMIN: EPERM");
  /* podman's allow list names setns too, and libseccomp keeps the first
   * action given for a syscall: allowed, as under podman with crun/runc. */
  is_int (errno_under (f, SYS_setns, -1, 0, 0), EBADF, "setns is allowed even without CAP_SYS_ADMIN, as in podman");
  seccomp_filter_free (f);

  /* Without CAP_SYS_CHROOT chroot is EPERM; with CAP_DAC_READ_SEARCH and
   * CAP_SYS_ADMIN their calls reach the kernel. */
  f = compile (CAP (CAP_DAC_READ_SEARCH) | CAP (CAP_SYS_ADMIN) | CAP (CAP_BPF) | CAP (CAP_AUDIT_WRITE));
  ok (f != NULL, "the profile compiles with CAP_SYS_ADMIN, CAP_BPF, CAP_DAC_READ_SEARCH, CAP_AUDIT_WRITE");
  if (f == NULL)
    return;
  is_int (errno_under (f, SYS_chroot, (long) "/nonexistent-bento-dir", 0, 0), EPERM, "chroot without CAP_SYS_CHROOT: EPERM");
  int r = errno_under (f, SYS_open_by_handle_at, -1, 0, 0);
  ok (r != EPERM || geteuid () != 0, "open_by_handle_at with CAP_DAC_READ_SEARCH reaches the kernel (errno %d)", r);
  is_int (errno_under (f, SYS_setns, -1, 0, 0), EBADF, "setns with CAP_SYS_ADMIN reaches the kernel (EBADF)");
  is_int (errno_under (f, SYS_socket, AF_VSOCK, SOCK_STREAM, 0) == EPERM, 1, "vsock stays EPERM with CAP_AUDIT_WRITE");
  seccomp_filter_free (f);
}

static void
test_busybox_runs (void)
{
  const char *bb = "/bin/busybox";
  if (access (bb, X_OK) < 0)
    {
      printf ("ok %d # skip no %s\n", ++tap_n, bb);
      return;
    }
  struct bento_seccomp_filter *f = compile (podman_caps);
  int fds[2];
  if (f == NULL || pipe (fds) < 0)
    abort ();
  fflush (stdout);
  pid_t pid = fork ();
  if (pid == 0)
    {
      bento_err err = BENTO_ERR_INIT;
      int nfd;
      dup2 (fds[1], 1);
      if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_filter_load (f, &nfd, &err) < 0)
        _exit (200);
      execl (bb, "sh", "-c", "uname -s; echo hi | cat; ls / >/dev/null && echo listed", (char *) NULL);
      _exit (127);
    }
  close (fds[1]);
  char out[256] = "";
  ssize_t n, len = 0;
  while ((n = read (fds[0], out + len, sizeof out - 1 - (size_t) len)) > 0)
    len += n;
  out[len] = '\0';
  close (fds[0]);
  int status;
  waitpid (pid, &status, 0);
  ok (WIFEXITED (status) && WEXITSTATUS (status) == 0, "busybox sh runs under the default profile (status 0x%x)", status);
  is_str (out, "Linux\nhi\nlisted\n", "... and its commands work");
  seccomp_filter_free (f);
}

int
main (void)
{
  test_profile_shape ();
  test_json_round_trip ();
  test_decisions ();
  test_busybox_runs ();
  return tap_done ();
}
