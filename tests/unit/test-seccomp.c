/* src/runtime/seccomp.c: profiles from config JSON, loaded into forked
 * children, checked by what their syscalls return. */
#include "runtime/seccomp.h"
#include "shared/cleanup.h"
#include "shared/fdpass.h"
#include "spec/spec.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

DEFINE_CLEANUP_FUNC (struct bento_spec *, spec_free)
DEFINE_CLEANUP_FUNC (struct bento_seccomp_filter *, seccomp_filter_free)
#define _cleanup_spec_ _cleanup_ (spec_freep)
#define _cleanup_filter_ _cleanup_ (seccomp_filter_freep)

/* The child's exit code for "killed by a signal": never an errno we test. */
#define DIED 250

/* A child under a filter leaves with exit_group itself: ASan's _exit runs
 * a leak check first, with syscalls the filter may deny. */
static _Noreturn void
leave (int code)
{
  syscall (SYS_exit_group, code);
  abort ();
}

/* Parse a config whose linux.seccomp is SECCOMP (single quotes for double
 * quotes, to keep the tests readable) and compile it. */
static int
build (const char *seccomp, struct bento_seccomp_filter **out, bento_err *err)
{
  _cleanup_free_ char *text = NULL;
  _cleanup_spec_ struct bento_spec *s = NULL;
  if (asprintf (&text, "{'ociVersion':'1.0.2','root':{'path':'rootfs'},'linux':{'seccomp':%s}}", seccomp) < 0)
    abort ();
  for (char *c = text; *c; c++)
    if (*c == '\'')
      *c = '"';
  *out = NULL;
  if (spec_parse (text, strlen (text), &s, err) < 0)
    return -1;
  return seccomp_filter_build (s->linux_->seccomp, out, err);
}

/* The error message of building SECCOMP, or "" when it builds. */
static const char *
build_error (const char *seccomp)
{
  static char msg[512];
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  _cleanup_filter_ struct bento_seccomp_filter *f = NULL;
  msg[0] = '\0';
  if (build (seccomp, &f, &err) < 0)
    snprintf (msg, sizeof msg, "%s", err.msg);
  return msg;
}

/* Fork; the child sets no_new_privs, loads F, makes syscall NR with ARGS
 * and exits with the errno it got (0 on success).  Returns that, or DIED
 * with *sig set when a signal ended the child. */
static int
run_syscall (const struct bento_seccomp_filter *f, int *sig, long nr, long a0, long a1, long a2)
{
  *sig = 0;
  fflush (stdout);
  pid_t pid = fork ();
  if (pid < 0)
    abort ();
  if (pid == 0)
    {
      bento_err err = BENTO_ERR_INIT;
      int nfd;
      if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_filter_load (f, &nfd, &err) < 0)
        _exit (200);
      long r = syscall (nr, a0, a1, a2);
      leave (r < 0 ? errno : 0);
    }
  int status;
  if (waitpid (pid, &status, 0) < 0)
    abort ();
  if (WIFSIGNALED (status))
    {
      *sig = WTERMSIG (status);
      return DIED;
    }
  return WEXITSTATUS (status);
}

/* Build SECCOMP and run one syscall under it: its errno (0 = success). */
static int
errno_of (const char *seccomp, long nr, long a0, long a1, long a2)
{
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  _cleanup_filter_ struct bento_seccomp_filter *f = NULL;
  int sig;
  if (build (seccomp, &f, &err) < 0)
    {
      printf ("# build failed: %s\n", err.msg);
      return -1;
    }
  int r = run_syscall (f, &sig, nr, a0, a1, a2);
  return r == DIED ? 1000 + sig : r;
}

static void
test_actions (void)
{
  const char *deny_getcwd = "{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['getcwd'],'action':'SCMP_ACT_ERRNO'}]}";
  char buf[8];
  is_int (errno_of (deny_getcwd, SYS_getcwd, (long) buf, sizeof buf, 0), EPERM, "SCMP_ACT_ERRNO without errnoRet: EPERM");
  is_int (errno_of (deny_getcwd, SYS_getppid, 0, 0, 0), 0, "a syscall the profile does not name is allowed");
  is_int (errno_of ("{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['getcwd'],'action':'SCMP_ACT_ERRNO',"
                    "'errnoRet':18}]}",
                    SYS_getcwd, (long) buf, sizeof buf, 0),
          EXDEV, "errnoRet 18: the syscall fails with EXDEV");
  const char *allowlist = "{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':38,'syscalls':[{'names':['getppid',"
                          "'exit_group','exit'],'action':'SCMP_ACT_ALLOW'}]}";
  is_int (errno_of (allowlist, SYS_getppid, 0, 0, 0), 0, "an allow list lets its syscalls through");
  is_int (errno_of (allowlist, SYS_getuid, 0, 0, 0), ENOSYS, "defaultErrnoRet 38: others fail with ENOSYS");
  is_int (errno_of ("{'defaultAction':'SCMP_ACT_ERRNO','syscalls':[{'names':['getppid','exit_group'],"
                    "'action':'SCMP_ACT_ALLOW'}]}",
                    SYS_getuid, 0, 0, 0),
          EPERM, "defaultAction SCMP_ACT_ERRNO alone: EPERM");
  is_int (errno_of ("{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['getppid'],'action':'SCMP_ACT_KILL_PROCESS'}]}",
                    SYS_getppid, 0, 0, 0),
          1000 + SIGSYS, "SCMP_ACT_KILL_PROCESS: killed by SIGSYS");
  is_int (errno_of ("{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['getppid'],'action':'SCMP_ACT_KILL'}]}",
                    SYS_getppid, 0, 0, 0),
          1000 + SIGSYS, "SCMP_ACT_KILL (thread) of the only thread: killed by SIGSYS");
  is_int (errno_of ("{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['getppid'],'action':'SCMP_ACT_TRAP'}]}",
                    SYS_getppid, 0, 0, 0),
          1000 + SIGSYS, "SCMP_ACT_TRAP: SIGSYS delivered");
  is_int (errno_of ("{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['getppid'],'action':'SCMP_ACT_LOG'}]}",
                    SYS_getppid, 0, 0, 0),
          0, "SCMP_ACT_LOG: the syscall runs");
  is_int (errno_of ("{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['getppid'],'action':'SCMP_ACT_TRACE'}]}",
                    SYS_getppid, 0, 0, 0),
          ENOSYS, "SCMP_ACT_TRACE with no tracer: ENOSYS");
  is_int (errno_of ("{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['no_such_syscall_at_all','getcwd'],"
                    "'action':'SCMP_ACT_ERRNO','errnoRet':5}]}",
                    SYS_getcwd, (long) buf, sizeof buf, 0),
          EIO, "an unknown syscall name is skipped, the rest of its rule applies");
  is_int (errno_of ("{'defaultAction':'SCMP_ACT_ERRNO','syscalls':[{'names':['getuid'],'action':'SCMP_ACT_ERRNO'},"
                    "{'names':['exit_group'],'action':'SCMP_ACT_ALLOW'}]}",
                    SYS_getuid, 0, 0, 0),
          EPERM, "a rule that repeats the default action is skipped, not an error");
}

/* close(fd) under `close arg0 OP VALUE -> ENOTTY`; EBADF when not matched. */
static int
close_under (const char *op, long value, long fd)
{
  char prof[256];
  snprintf (prof, sizeof prof,
            "{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['close'],'action':'SCMP_ACT_ERRNO',"
            "'errnoRet':25,'args':[{'index':0,'value':%ld,'op':'%s'}]}]}",
            value, op);
  return errno_of (prof, SYS_close, fd, 0, 0);
}

static void
test_operators (void)
{
  is_int (close_under ("SCMP_CMP_EQ", 1000, 1000), ENOTTY, "EQ 1000 matches 1000");
  is_int (close_under ("SCMP_CMP_EQ", 1000, 1001), EBADF, "EQ 1000 does not match 1001");
  is_int (close_under ("SCMP_CMP_NE", 1000, 1001), ENOTTY, "NE 1000 matches 1001");
  is_int (close_under ("SCMP_CMP_NE", 1000, 1000), EBADF, "NE 1000 does not match 1000");
  is_int (close_under ("SCMP_CMP_LT", 1000, 999), ENOTTY, "LT 1000 matches 999");
  is_int (close_under ("SCMP_CMP_LT", 1000, 1000), EBADF, "LT 1000 does not match 1000");
  is_int (close_under ("SCMP_CMP_LE", 1000, 1000), ENOTTY, "LE 1000 matches 1000");
  is_int (close_under ("SCMP_CMP_LE", 1000, 1001), EBADF, "LE 1000 does not match 1001");
  is_int (close_under ("SCMP_CMP_GT", 1000, 1001), ENOTTY, "GT 1000 matches 1001");
  is_int (close_under ("SCMP_CMP_GT", 1000, 1000), EBADF, "GT 1000 does not match 1000");
  is_int (close_under ("SCMP_CMP_GE", 1000, 1000), ENOTTY, "GE 1000 matches 1000");
  is_int (close_under ("SCMP_CMP_GE", 1000, 999), EBADF, "GE 1000 does not match 999");

  char prof[256];
  snprintf (prof, sizeof prof,
            "{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['dup3'],'action':'SCMP_ACT_ERRNO','errnoRet':25,"
            "'args':[{'index':2,'value':%d,'valueTwo':%d,'op':'SCMP_CMP_MASKED_EQ'}]}]}",
            O_CLOEXEC, O_CLOEXEC);
  is_int (errno_of (prof, SYS_dup3, 1000, 1001, O_CLOEXEC), ENOTTY, "MASKED_EQ: flags & O_CLOEXEC == O_CLOEXEC matches");
  is_int (errno_of (prof, SYS_dup3, 1000, 1001, 0), EBADF, "MASKED_EQ: flags without O_CLOEXEC do not match");

  const char *and2 = "{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['dup3'],'action':'SCMP_ACT_ERRNO',"
                     "'errnoRet':25,'args':[{'index':0,'value':1000,'op':'SCMP_CMP_EQ'},"
                     "{'index':1,'value':1001,'op':'SCMP_CMP_EQ'}]}]}";
  is_int (errno_of (and2, SYS_dup3, 1000, 1001, 0), ENOTTY, "two args on one syscall: both match");
  is_int (errno_of (and2, SYS_dup3, 1000, 1002, 0), EBADF, "two args on one syscall: only the first matches");
  is_int (errno_of (and2, SYS_dup3, 999, 1001, 0), EBADF, "two args on one syscall: only the second matches");

  const char *or2 = "{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['close'],'action':'SCMP_ACT_ERRNO',"
                    "'errnoRet':25,'args':[{'index':0,'value':2000,'op':'SCMP_CMP_EQ'},"
                    "{'index':0,'value':2001,'op':'SCMP_CMP_EQ'}]}]}";
  is_int (errno_of (or2, SYS_close, 2000, 0, 0), ENOTTY, "one arg compared twice: either value matches (2000)");
  is_int (errno_of (or2, SYS_close, 2001, 0, 0), ENOTTY, "one arg compared twice: either value matches (2001)");
  is_int (errno_of (or2, SYS_close, 2002, 0, 0), EBADF, "one arg compared twice: neither");
}

#ifdef __x86_64__
/* getpid through the 32-bit entry point (int 0x80, syscall 20 on i386). */
static long
getpid_i386 (void)
{
  long r;
  __asm__ volatile ("int $0x80" : "=a"(r) : "a"(20L) : "memory");
  return r;
}

/* Without IA32 emulation (CONFIG_IA32_EMULATION off, or ia32_emulation=0
 * on the kernel's command line) int 0x80 is a general protection fault:
 * SIGSEGV, not an error code.  So the probe runs in a child. */
static bool
has_i386_syscalls (void)
{
  fflush (stdout);
  pid_t pid = fork ();
  if (pid == 0)
    _exit (getpid_i386 () == getpid () ? 0 : 1);
  int status;
  if (pid < 0 || waitpid (pid, &status, 0) < 0)
    return false;
  return WIFEXITED (status) && WEXITSTATUS (status) == 0;
}

static int
i386_getpid_under (const char *seccomp, int *sig)
{
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  _cleanup_filter_ struct bento_seccomp_filter *f = NULL;
  *sig = 0;
  if (build (seccomp, &f, &err) < 0)
    return -1;
  fflush (stdout);
  pid_t pid = fork ();
  if (pid == 0)
    {
      int nfd;
      if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_filter_load (f, &nfd, &err) < 0)
        _exit (200);
      long r = getpid_i386 ();
      leave (r < 0 ? (int) -r : 0);
    }
  int status;
  waitpid (pid, &status, 0);
  if (WIFSIGNALED (status))
    *sig = WTERMSIG (status);
  return WIFEXITED (status) ? WEXITSTATUS (status) : DIED;
}

static void
test_architectures (void)
{
  int sig;
  if (!has_i386_syscalls ())
    {
      printf ("ok %d # skip no 32-bit syscalls on this kernel\n", ++tap_n);
      return;
    }
  int r = i386_getpid_under ("{'defaultAction':'SCMP_ACT_ALLOW','architectures':['SCMP_ARCH_X86_64','SCMP_ARCH_X86',"
                             "'SCMP_ARCH_X32'],'syscalls':[{'names':['getpid'],'action':'SCMP_ACT_ERRNO','errnoRet':1}]}",
                             &sig);
  is_int (r, EPERM, "SCMP_ARCH_X86 listed: the rule applies to the i386 getpid too");
  r = i386_getpid_under ("{'defaultAction':'SCMP_ACT_ALLOW','architectures':['SCMP_ARCH_X86_64'],"
                         "'syscalls':[{'names':['getpid'],'action':'SCMP_ACT_ERRNO','errnoRet':1}]}",
                         &sig);
  ok (r == DIED && sig == SIGSYS, "an architecture not listed is killed (bad arch), got %d signal %d", r, sig);
}
#endif

static void
test_refusals (void)
{
  is_str (build_error ("{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['read'],'action':'SCMP_ACT_ALLOW',"
                       "'errnoRet':1}]}"),
          "linux.seccomp.syscalls[0].errnoRet: SCMP_ACT_ALLOW takes no errno", "errnoRet on ALLOW is an error");
  is_str (build_error ("{'defaultAction':'SCMP_ACT_KILL_PROCESS','defaultErrnoRet':1}"),
          "linux.seccomp.defaultErrnoRet: SCMP_ACT_KILL_PROCESS takes no errno", "defaultErrnoRet on KILL is an error");
  is_str (build_error ("{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':5000}"),
          "linux.seccomp.defaultErrnoRet: 5000 is out of range [0, 4095]", "an errno past 4095 is refused");
  is_str (build_error ("{'defaultAction':'SCMP_ACT_NOTIFY'}"),
          "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action", "NOTIFY as default is refused");
  is_str (build_error ("{'defaultAction':'SCMP_ACT_ALLOW','listenerPath':'/x','syscalls':[{'names':['getpid','sendmsg'],"
                       "'action':'SCMP_ACT_NOTIFY'}]}"),
          "linux.seccomp.syscalls[0]: SCMP_ACT_NOTIFY cannot be used for `sendmsg`: bento needs it to hand the notify fd "
          "over",
          "NOTIFY on sendmsg is refused");
  is_str (build_error ("{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['getpid'],'action':'SCMP_ACT_NOTIFY'}]}"),
          "linux.seccomp: SCMP_ACT_NOTIFY needs a listenerPath to send the notify fd to", "NOTIFY needs listenerPath");
  is_str (build_error ("{'defaultAction':'SCMP_ACT_ALLOW','architectures':['SCMP_ARCH_X86_64','SCMP_ARCH_LOONGARCH64']}"),
          "", "an architecture this libseccomp lacks is left out, not an error");
}

static void
test_flags (void)
{
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  _cleanup_filter_ struct bento_seccomp_filter *f = NULL;
  int sig;
  build ("{'defaultAction':'SCMP_ACT_ALLOW','flags':['SECCOMP_FILTER_FLAG_LOG','SECCOMP_FILTER_FLAG_SPEC_ALLOW',"
         "'SECCOMP_FILTER_FLAG_TSYNC','SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV'],'syscalls':[{'names':['getcwd'],"
         "'action':'SCMP_ACT_ERRNO'}]}",
         &f, &err);
  ok (f != NULL, "a profile with every flag builds %s", err.msg ? err.msg : "");
  if (f == NULL)
    return;
  unsigned want = 0;
  if (seccomp_flags_supported (SECCOMP_FILTER_FLAG_LOG))
    want |= SECCOMP_FILTER_FLAG_LOG;
  if (seccomp_flags_supported (SECCOMP_FILTER_FLAG_SPEC_ALLOW))
    want |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
  want |= SECCOMP_FILTER_FLAG_TSYNC;
  is_int (f->flags, want, "the kernel's flags are kept; WAIT_KILLABLE_RECV without a notify rule is dropped");
  char buf[8];
  is_int (run_syscall (f, &sig, SYS_getcwd, (long) buf, sizeof buf, 0), EPERM, "the filter with those flags loads and works");

  seccomp_filter_free (TAKE_PTR (f));
  build ("{'defaultAction':'SCMP_ACT_ALLOW','listenerPath':'/x','flags':['SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV',"
         "'SECCOMP_FILTER_FLAG_TSYNC'],'syscalls':[{'names':['getppid'],'action':'SCMP_ACT_NOTIFY'}]}",
         &f, &err);
  ok (f && f->notify && (f->flags & SECCOMP_FILTER_FLAG_NEW_LISTENER), "a NOTIFY rule asks for a listener");
  if (f && seccomp_flags_supported (SECCOMP_FILTER_FLAG_NEW_LISTENER | (1U << 5)))
    ok (f->flags & (1U << 5), "WAIT_KILLABLE_RECV is kept with a listener");
  if (f && seccomp_flags_supported (SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_TSYNC | (1U << 4)))
    ok ((f->flags & (SECCOMP_FILTER_FLAG_TSYNC | (1U << 4))) == (SECCOMP_FILTER_FLAG_TSYNC | (1U << 4)),
        "TSYNC with a listener comes with TSYNC_ESRCH");
}

static void
test_needs_privilege (void)
{
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  _cleanup_filter_ struct bento_seccomp_filter *f = NULL;
  build ("{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['getcwd'],'action':'SCMP_ACT_ERRNO'}]}", &f, &err);
  int fds[2];
  if (f == NULL || pipe (fds) < 0)
    abort ();
  fflush (stdout);
  pid_t pid = fork ();
  if (pid == 0)
    {
      /* No no_new_privs, and no CAP_SYS_ADMIN: root gives up its ids. */
      int nfd;
      if (getuid () == 0 && setresuid (65534, 65534, 65534) < 0)
        _exit (1);
      seccomp_filter_load (f, &nfd, &err);
      if (err.msg && write (fds[1], err.msg, strlen (err.msg)) < 0)
        _exit (1);
      _exit (0);
    }
  close (fds[1]);
  char msg[256] = "";
  ssize_t n = read (fds[0], msg, sizeof msg - 1);
  msg[n > 0 ? n : 0] = '\0';
  close (fds[0]);
  waitpid (pid, NULL, 0);
  is_str (msg, "load the seccomp filter (it needs noNewPrivileges or CAP_SYS_ADMIN): Permission denied",
          "without no_new_privs or CAP_SYS_ADMIN the load fails and says why");
}

/* The agent side: accept one connection on LISTENER, take the fd and the
 * state, answer the first notification with VALUE. */
static int
agent (int listener, pid_t child, long value, json_t **state)
{
  struct pollfd p = { .fd = listener, .events = POLLIN };
  if (poll (&p, 1, 10000) != 1)
    return -1;
  _cleanup_close_ int conn = accept4 (listener, NULL, NULL, SOCK_CLOEXEC);
  char buf[4096];
  size_t len = 0;
  int fd = -1;
  for (;;)
    {
      struct iovec iov = { .iov_base = buf + len, .iov_len = sizeof buf - 1 - len };
      int got;
      ssize_t n = fdpass_recv (conn, &iov, 1, &got);
      if (n <= 0)
        break;
      if (got >= 0)
        fd = got;
      len += (size_t) n;
    }
  buf[len] = '\0';
  *state = json_loads (buf, 0, NULL);
  if (fd < 0)
    return -1;
  struct seccomp_notif *req;
  struct seccomp_notif_resp *resp;
  if (seccomp_notify_alloc (&req, &resp) < 0)
    return -1;
  int r = -1;
  if (seccomp_notify_receive (fd, req) == 0 && req->pid == (uint32_t) child && req->data.nr == SYS_getppid)
    {
      resp->id = req->id;
      resp->val = value;
      resp->error = 0;
      resp->flags = 0;
      r = seccomp_notify_respond (fd, resp);
    }
  seccomp_notify_free (req, resp);
  close (fd);
  return r;
}

static void
test_notify (void)
{
  char dir[] = "/tmp/test-seccomp-XXXXXX", path[64];
  if (mkdtemp (dir) == NULL)
    abort ();
  snprintf (path, sizeof path, "%s/agent.sock", dir);
  char prof[256];
  snprintf (prof, sizeof prof,
            "{'defaultAction':'SCMP_ACT_ALLOW','listenerPath':'%s','listenerMetadata':'hello agent',"
            "'syscalls':[{'names':['getppid'],'action':'SCMP_ACT_NOTIFY'}]}",
            path);
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  _cleanup_filter_ struct bento_seccomp_filter *f = NULL;
  build (prof, &f, &err);
  ok (f && f->notify, "a NOTIFY profile builds %s", err.msg ? err.msg : "");
  struct sockaddr_un a = { .sun_family = AF_UNIX };
  strcpy (a.sun_path, path);
  _cleanup_close_ int l = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (f == NULL || bind (l, (struct sockaddr *) &a, sizeof a) < 0 || listen (l, 1) < 0)
    abort ();
  fflush (stdout);
  pid_t pid = fork ();
  if (pid == 0)
    {
      int nfd;
      if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_filter_load (f, &nfd, &err) < 0)
        _exit (200);
      char *msg = seccomp_listener_message (getpid (), "hello agent",
                                            "{\"ociVersion\":\"1.2.0\",\"id\":\"c1\",\"status\":\"creating\"}", &err);
      if (msg == NULL || seccomp_listener_send (path, nfd, msg, &err) < 0)
        _exit (201);
      close (nfd);
      free (msg);
      /* The agent answers 42 for the parent's pid. */
      leave (syscall (SYS_getppid) == 42 ? 0 : 202);
    }
  json_t *state = NULL;
  is_int (agent (l, pid, 42, &state), 0, "the agent got the fd and answered the child's getppid");
  int status = 0;
  waitpid (pid, &status, 0);
  ok (WIFEXITED (status) && WEXITSTATUS (status) == 0, "the child saw the agent's answer (status 0x%x)", status);
  json_t *fds = json_object_get (state, "fds");
  is_str (json_string_value (json_array_get (fds, 0)), "seccompFd", "the state names the fd seccompFd");
  is_int (json_integer_value (json_object_get (state, "pid")), pid, "the state carries the container process's pid");
  is_str (json_string_value (json_object_get (state, "metadata")), "hello agent", "listenerMetadata is the metadata");
  is_str (json_string_value (json_object_get (state, "ociVersion")), "1.2.0", "ociVersion");
  is_str (json_string_value (json_object_get (json_object_get (state, "state"), "id")), "c1",
          "the container state is embedded");
  json_decref (state);
  unlink (path);
  rmdir (dir);

  _cleanup_err_ bento_err e2 = BENTO_ERR_INIT;
  is_int (seccomp_listener_send ("/nonexistent/agent.sock", 0, "{}", &e2), -1, "an unreachable listener fails");
  is_str (e2.msg, "connect to the seccomp listener `/nonexistent/agent.sock`: No such file or directory",
          "... naming the path");
}

int
main (void)
{
  test_actions ();
  test_operators ();
#ifdef __x86_64__
  test_architectures ();
#endif
  test_refusals ();
  test_flags ();
  test_needs_privilege ();
  test_notify ();
  return tap_done ();
}
