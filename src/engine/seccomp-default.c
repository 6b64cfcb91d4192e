/* bento's default seccomp profile, equivalent to podman's (the default
 * profile of containers/common, itself derived from docker's): an allow
 * list, ENOSYS for everything else, EPERM for a list of dangerous calls,
 * and rules that depend on the container's capabilities and architecture.
 *
 * The table is bento's own; keep it in step with podman's when podman's
 * changes (new syscalls land in the allow list or the EPERM list). */
#include "engine/seccomp-default.h"
#include "shared/cleanup.h"

#include <errno.h>
#include <linux/capability.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif
#define NETLINK_AUDIT 9

#define CAP(c) (UINT64_C (1) << (c))

/* Old or dangerous calls: EPERM, not ENOSYS, so that nothing mistakes them
 * for missing and falls back to something worse. */
static const char *const deny_eperm[] = {
  "bdflush", "cachestat", "io_pgetevents", "io_pgetevents_time64", "kexec_file_load", "kexec_load",
  "map_shadow_stack", "migrate_pages", "move_pages", "nfsservctl", "nice", "oldfstat", "oldlstat", "oldolduname",
  "oldstat", "olduname", "pciconfig_iobase", "pciconfig_read", "pciconfig_write", "sgetmask", "ssetmask", "swapoff",
  "swapon", "syscall", "sysfs", "uselib", "userfaultfd", "ustat", "vm86", "vm86old", "vmsplice", NULL,
};

static const char *const allow[] = {
  "_llseek", "_newselect", "accept", "accept4", "access", "adjtimex", "alarm", "bind", "brk", "capget", "capset",
  "chdir", "chmod", "chown", "chown32", "clock_adjtime", "clock_adjtime64", "clock_getres", "clock_getres_time64",
  "clock_gettime", "clock_gettime64", "clock_nanosleep", "clock_nanosleep_time64", "clone", "clone3", "close",
  "close_range", "connect", "copy_file_range", "creat", "dup", "dup2", "dup3", "epoll_create", "epoll_create1",
  "epoll_ctl", "epoll_ctl_old", "epoll_pwait", "epoll_pwait2", "epoll_wait", "epoll_wait_old", "eventfd", "eventfd2",
  "execve", "execveat", "exit", "exit_group", "faccessat", "faccessat2", "fadvise64", "fadvise64_64", "fallocate",
  "fanotify_init", "fanotify_mark", "fchdir", "fchmod", "fchmodat", "fchmodat2", "fchown", "fchown32", "fchownat",
  "fcntl", "fcntl64", "fdatasync", "fgetxattr", "flistxattr", "flock", "fork", "fremovexattr", "fsconfig", "fsetxattr",
  "fsmount", "fsopen", "fspick", "fstat", "fstat64", "fstatat64", "fstatfs", "fstatfs64", "fsync", "ftruncate",
  "ftruncate64", "futex", "futex_requeue", "futex_time64", "futex_wait", "futex_waitv", "futex_wake", "futimesat",
  "get_mempolicy", "get_robust_list", "get_thread_area", "getcpu", "getcwd", "getdents", "getdents64", "getegid",
  "getegid32", "geteuid", "geteuid32", "getgid", "getgid32", "getgroups", "getgroups32", "getitimer", "getpeername",
  "getpgid", "getpgrp", "getpid", "getppid", "getpriority", "getrandom", "getresgid", "getresgid32", "getresuid",
  "getresuid32", "getrlimit", "getrusage", "getsid", "getsockname", "getsockopt", "gettid", "gettimeofday", "getuid",
  "getuid32", "getxattr", "inotify_add_watch", "inotify_init", "inotify_init1", "inotify_rm_watch", "io_cancel",
  "io_destroy", "io_getevents", "io_setup", "io_submit", "ioctl", "ioprio_get", "ioprio_set", "ipc", "keyctl", "kill",
  "landlock_add_rule", "landlock_create_ruleset", "landlock_restrict_self", "lchown", "lchown32", "lgetxattr", "link",
  "linkat", "listen", "listxattr", "llistxattr", "lremovexattr", "lseek", "lsetxattr", "lstat", "lstat64", "madvise",
  "mbind", "membarrier", "memfd_create", "memfd_secret", "mincore", "mkdir", "mkdirat", "mknod", "mknodat", "mlock",
  "mlock2", "mlockall", "mmap", "mmap2", "mount", "mount_setattr", "move_mount", "mprotect", "mq_getsetattr",
  "mq_notify", "mq_open", "mq_timedreceive", "mq_timedreceive_time64", "mq_timedsend", "mq_timedsend_time64",
  "mq_unlink", "mremap", "msgctl", "msgget", "msgrcv", "msgsnd", "msync", "munlock", "munlockall", "munmap",
  "name_to_handle_at", "nanosleep", "newfstatat", "open", "open_tree", "openat", "openat2", "pause", "pidfd_getfd",
  "pidfd_open", "pidfd_send_signal", "pipe", "pipe2", "pivot_root", "pkey_alloc", "pkey_free", "pkey_mprotect", "poll",
  "ppoll", "ppoll_time64", "prctl", "pread64", "preadv", "preadv2", "prlimit64", "process_mrelease",
  "process_vm_readv", "process_vm_writev", "pselect6", "pselect6_time64", "ptrace", "pwrite64", "pwritev", "pwritev2",
  "read", "readahead", "readlink", "readlinkat", "readv", "reboot", "recv", "recvfrom", "recvmmsg", "recvmmsg_time64",
  "recvmsg", "remap_file_pages", "removexattr", "rename", "renameat", "renameat2", "restart_syscall", "rmdir", "rseq",
  "rt_sigaction", "rt_sigpending", "rt_sigprocmask", "rt_sigqueueinfo", "rt_sigreturn", "rt_sigsuspend",
  "rt_sigtimedwait", "rt_sigtimedwait_time64", "rt_tgsigqueueinfo", "sched_get_priority_max", "sched_get_priority_min",
  "sched_getaffinity", "sched_getattr", "sched_getparam", "sched_getscheduler", "sched_rr_get_interval",
  "sched_rr_get_interval_time64", "sched_setaffinity", "sched_setattr", "sched_setparam", "sched_setscheduler",
  "sched_yield", "seccomp", "select", "semctl", "semget", "semop", "semtimedop", "semtimedop_time64", "send",
  "sendfile", "sendfile64", "sendmmsg", "sendmsg", "sendto", "set_mempolicy", "set_robust_list", "set_thread_area",
  "set_tid_address", "setfsgid", "setfsgid32", "setfsuid", "setfsuid32", "setgid", "setgid32", "setgroups",
  "setgroups32", "setitimer", "setns", "setpgid", "setpriority", "setregid", "setregid32", "setresgid", "setresgid32",
  "setresuid", "setresuid32", "setreuid", "setreuid32", "setrlimit", "setsid", "setsockopt", "setuid", "setuid32",
  "setxattr", "shmat", "shmctl", "shmdt", "shmget", "shutdown", "sigaltstack", "signal", "signalfd", "signalfd4",
  "sigprocmask", "sigreturn", "socketcall", "socketpair", "splice", "stat", "stat64", "statfs", "statfs64", "statx",
  "symlink", "symlinkat", "sync", "sync_file_range", "syncfs", "sysinfo", "syslog", "tee", "tgkill", "time",
  "timer_create", "timer_delete", "timer_getoverrun", "timer_gettime", "timer_gettime64", "timer_settime",
  "timer_settime64", "timerfd_create", "timerfd_gettime", "timerfd_gettime64", "timerfd_settime",
  "timerfd_settime64", "times", "tkill", "truncate", "truncate64", "ugetrlimit", "umask", "umount", "umount2", "uname",
  "unlink", "unlinkat", "unshare", "utime", "utimensat", "utimensat_time64", "utimes", "vfork", "wait4", "waitid",
  "waitpid", "write", "writev", NULL,
};

/* Architecture-specific calls, by the architecture names podman uses. */
static const char *const ppc64le_calls[] = { "sync_file_range2", "swapcontext", NULL };
static const char *const arm_calls[] = { "arm_fadvise64_64", "arm_sync_file_range", "breakpoint", "cacheflush", "set_tls",
                                         "sync_file_range2", NULL };
static const char *const arch_prctl_calls[] = { "arch_prctl", NULL };
static const char *const modify_ldt_calls[] = { "modify_ldt", NULL };
static const char *const s390_calls[] = { "s390_pci_mmio_read", "s390_pci_mmio_write", "s390_runtime_instr", NULL };
static const char *const riscv_calls[] = { "riscv_flush_icache", "riscv_hwprobe", NULL };

/* Calls a capability allows (and that are EPERM without it). */
static const char *const dac_read_search_calls[] = { "open_by_handle_at", NULL };
static const char *const sys_admin_allow[] = { "bpf", "lookup_dcookie", "perf_event_open", "quotactl", "quotactl_fd",
                                               "setdomainname", "sethostname", "setns", NULL };
static const char *const sys_admin_deny[] = { "lookup_dcookie", "quotactl", "quotactl_fd", "setdomainname",
                                              "sethostname", "setns", NULL };
static const char *const sys_chroot_calls[] = { "chroot", NULL };
static const char *const sys_module_calls[] = { "delete_module", "finit_module", "init_module", "query_module", NULL };
static const char *const sys_pacct_calls[] = { "acct", NULL };
static const char *const sys_ptrace_calls[] = { "kcmp", "process_madvise", NULL };
static const char *const sys_rawio_calls[] = { "ioperm", "iopl", NULL };
static const char *const sys_time_calls[] = { "clock_settime", "clock_settime64", "settimeofday", "stime", NULL };
static const char *const sys_tty_config_calls[] = { "vhangup", NULL };
static const char *const socket_call[] = { "socket", NULL };
static const char *const personality_call[] = { "personality", NULL };
static const char *const bpf_call[] = { "bpf", NULL };
static const char *const perf_event_open_call[] = { "perf_event_open", NULL };

struct arg_rule
{
  unsigned index;
  uint64_t value;
  int op;
};

struct profile_rule
{
  const char *const *names;
  int errno_ret;         /* 0: SCMP_ACT_ALLOW, else SCMP_ACT_ERRNO with it */
  uint64_t caps_all;     /* in only when every one of these is in the bounding set */
  uint64_t caps_none;    /* out when any of these is */
  const char *arches[4]; /* in only on these architectures (podman's names); none = all */
  struct arg_rule args[2];
  unsigned n_args;
};

#define ALLOW 0

static const struct profile_rule rules[] = {
  { deny_eperm, EPERM, 0, 0, { NULL }, { { 0 } }, 0 },
  { allow, ALLOW, 0, 0, { NULL }, { { 0 } }, 0 },
  /* personality: the native persona, LINUX32 (+ UNAME26), or the query */
  { personality_call, ALLOW, 0, 0, { NULL }, { { 0, 0x0, SCMP_CMP_EQ } }, 1 },
  { personality_call, ALLOW, 0, 0, { NULL }, { { 0, 0x0008, SCMP_CMP_EQ } }, 1 },
  { personality_call, ALLOW, 0, 0, { NULL }, { { 0, 0x20000, SCMP_CMP_EQ } }, 1 },
  { personality_call, ALLOW, 0, 0, { NULL }, { { 0, 0x20008, SCMP_CMP_EQ } }, 1 },
  { personality_call, ALLOW, 0, 0, { NULL }, { { 0, 0xffffffff, SCMP_CMP_EQ } }, 1 },
  { ppc64le_calls, ALLOW, 0, 0, { "ppc64le" }, { { 0 } }, 0 },
  { arm_calls, ALLOW, 0, 0, { "arm", "arm64" }, { { 0 } }, 0 },
  { arch_prctl_calls, ALLOW, 0, 0, { "amd64", "x32" }, { { 0 } }, 0 },
  { modify_ldt_calls, ALLOW, 0, 0, { "amd64", "x32", "x86" }, { { 0 } }, 0 },
  { s390_calls, ALLOW, 0, 0, { "s390", "s390x" }, { { 0 } }, 0 },
  { riscv_calls, ALLOW, 0, 0, { "riscv64" }, { { 0 } }, 0 },
  { dac_read_search_calls, ALLOW, CAP (CAP_DAC_READ_SEARCH), 0, { NULL }, { { 0 } }, 0 },
  { dac_read_search_calls, EPERM, 0, CAP (CAP_DAC_READ_SEARCH), { NULL }, { { 0 } }, 0 },
  { sys_admin_allow, ALLOW, CAP (CAP_SYS_ADMIN), 0, { NULL }, { { 0 } }, 0 },
  { sys_admin_deny, EPERM, 0, CAP (CAP_SYS_ADMIN), { NULL }, { { 0 } }, 0 },
  { sys_chroot_calls, ALLOW, CAP (CAP_SYS_CHROOT), 0, { NULL }, { { 0 } }, 0 },
  { sys_chroot_calls, EPERM, 0, CAP (CAP_SYS_CHROOT), { NULL }, { { 0 } }, 0 },
  { sys_module_calls, ALLOW, CAP (CAP_SYS_MODULE), 0, { NULL }, { { 0 } }, 0 },
  { sys_module_calls, EPERM, 0, CAP (CAP_SYS_MODULE), { NULL }, { { 0 } }, 0 },
  { sys_pacct_calls, ALLOW, CAP (CAP_SYS_PACCT), 0, { NULL }, { { 0 } }, 0 },
  { sys_pacct_calls, EPERM, 0, CAP (CAP_SYS_PACCT), { NULL }, { { 0 } }, 0 },
  { sys_ptrace_calls, ALLOW, CAP (CAP_SYS_PTRACE), 0, { NULL }, { { 0 } }, 0 },
  { sys_ptrace_calls, EPERM, 0, CAP (CAP_SYS_PTRACE), { NULL }, { { 0 } }, 0 },
  { sys_rawio_calls, ALLOW, CAP (CAP_SYS_RAWIO), 0, { NULL }, { { 0 } }, 0 },
  { sys_rawio_calls, EPERM, 0, CAP (CAP_SYS_RAWIO), { NULL }, { { 0 } }, 0 },
  { sys_time_calls, ALLOW, CAP (CAP_SYS_TIME), 0, { NULL }, { { 0 } }, 0 },
  { sys_time_calls, EPERM, 0, CAP (CAP_SYS_TIME), { NULL }, { { 0 } }, 0 },
  { sys_tty_config_calls, ALLOW, CAP (CAP_SYS_TTY_CONFIG), 0, { NULL }, { { 0 } }, 0 },
  { sys_tty_config_calls, EPERM, 0, CAP (CAP_SYS_TTY_CONFIG), { NULL }, { { 0 } }, 0 },
  /* socket: never vsock (the host's hypervisor channel); the audit netlink
   * socket only with CAP_AUDIT_WRITE (EINVAL, as if the kernel had no
   * audit, so that login tools carry on). */
  { socket_call, EPERM, 0, 0, { NULL }, { { 0, AF_VSOCK, SCMP_CMP_EQ } }, 1 },
  { socket_call, EINVAL, 0, CAP (CAP_AUDIT_WRITE), { NULL },
    { { 0, AF_NETLINK, SCMP_CMP_EQ }, { 2, NETLINK_AUDIT, SCMP_CMP_EQ } }, 2 },
  { socket_call, ALLOW, 0, CAP (CAP_AUDIT_WRITE), { NULL },
    { { 0, AF_NETLINK, SCMP_CMP_EQ }, { 2, NETLINK_AUDIT, SCMP_CMP_NE } }, 2 },
  { socket_call, ALLOW, 0, CAP (CAP_AUDIT_WRITE), { NULL }, { { 0, AF_NETLINK, SCMP_CMP_NE } }, 1 },
  { socket_call, ALLOW, CAP (CAP_AUDIT_WRITE), 0, { NULL }, { { 0, AF_VSOCK, SCMP_CMP_NE } }, 1 },
  { bpf_call, EPERM, 0, CAP (CAP_SYS_ADMIN) | CAP (CAP_BPF), { NULL }, { { 0 } }, 0 },
  { bpf_call, ALLOW, CAP (CAP_BPF), 0, { NULL }, { { 0 } }, 0 },
  { perf_event_open_call, EPERM, 0, CAP (CAP_SYS_ADMIN) | CAP (CAP_PERFMON), { NULL }, { { 0 } }, 0 },
  { perf_event_open_call, ALLOW, CAP (CAP_PERFMON), 0, { NULL }, { { 0 } }, 0 },
};

/* podman's architecture map: the native architecture and those its kernel
 * runs as well (a filter without them kills their syscalls). */
static const struct
{
  const char *native;
  const char *archs[4];
} arch_map[] = {
  { "amd64", { "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32" } },
  { "arm64", { "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM" } },
  { "mips64", { "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64N32" } },
  { "mips64n32", { "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64" } },
  { "mipsle64", { "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64N32" } },
  { "mipsle64n32", { "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64" } },
  { "s390x", { "SCMP_ARCH_S390X", "SCMP_ARCH_S390" } },
};

const char *
seccomp_default_native_arch (void)
{
#if defined(__x86_64__) && defined(__ILP32__)
  return "x32";
#elif defined(__x86_64__)
  return "amd64";
#elif defined(__i386__)
  return "x86";
#elif defined(__aarch64__)
  return "arm64";
#elif defined(__arm__)
  return "arm";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return "ppc64le";
#elif defined(__s390x__)
  return "s390x";
#elif defined(__s390__)
  return "s390";
#elif defined(__riscv) && __riscv_xlen == 64
  return "riscv64";
#elif defined(__mips__) && _MIPS_SIM == _ABI64 && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return "mipsle64";
#elif defined(__mips__) && _MIPS_SIM == _ABI64
  return "mips64";
#else
  return "unknown";
#endif
}

static bool
rule_applies (const struct profile_rule *r, uint64_t caps, const char *arch)
{
  if ((caps & r->caps_all) != r->caps_all || (caps & r->caps_none) != 0)
    return false;
  if (r->arches[0] == NULL)
    return true;
  for (size_t i = 0; i < 4 && r->arches[i]; i++)
    if (strcmp (r->arches[i], arch) == 0)
      return true;
  return false;
}

static char **
strv_dup (const char *const *v, size_t *n)
{
  size_t len = 0;
  while (v[len])
    len++;
  char **out = calloc (len + 1, sizeof *out);
  for (size_t i = 0; out && i < len; i++)
    if ((out[i] = strdup (v[i])) == NULL)
      {
        while (i-- > 0)
          free (out[i]);
        free (out);
        return NULL;
      }
  *n = len;
  return out;
}

static int
fill_rule (struct bento_seccomp_rule *dst, const struct profile_rule *r)
{
  dst->names = strv_dup (r->names, &dst->n_names);
  if (dst->names == NULL)
    return -1;
  dst->action = r->errno_ret ? SCMP_ACT_ERRNO (0) : SCMP_ACT_ALLOW;
  dst->has_errno_ret = r->errno_ret != 0;
  dst->errno_ret = (uint32_t) r->errno_ret;
  if (r->n_args == 0)
    return 0;
  dst->args = calloc (r->n_args, sizeof *dst->args);
  if (dst->args == NULL)
    return -1;
  for (unsigned k = 0; k < r->n_args; k++)
    dst->args[k] = (struct bento_seccomp_arg) { .index = r->args[k].index, .value = r->args[k].value,
                                                .op = r->args[k].op };
  dst->n_args = r->n_args;
  return 0;
}

static int
fill_arches (struct bento_seccomp *s, const char *arch)
{
  for (size_t i = 0; i < sizeof arch_map / sizeof arch_map[0]; i++)
    if (strcmp (arch_map[i].native, arch) == 0)
      {
        const char *v[5] = { arch_map[i].archs[0], arch_map[i].archs[1], arch_map[i].archs[2], arch_map[i].archs[3],
                             NULL };
        s->architectures = strv_dup (v, &s->n_architectures);
        return s->architectures ? 0 : -1;
      }
  /* Not in the map (ppc64le, riscv64, ...): libseccomp's native one only. */
  return 0;
}

DEFINE_CLEANUP_FUNC (struct bento_seccomp *, spec_seccomp_free)

int
seccomp_default_profile (uint64_t bounding, struct bento_seccomp **out, bento_err *err)
{
  const char *arch = seccomp_default_native_arch ();
  const size_t n_rules = sizeof rules / sizeof rules[0];
  _cleanup_ (spec_seccomp_freep) struct bento_seccomp *s = calloc (1, sizeof *s);

  *out = NULL;
  if (s == NULL || (s->syscalls = calloc (n_rules, sizeof *s->syscalls)) == NULL || fill_arches (s, arch) < 0)
    return bento_err_make (err, ENOMEM, "default seccomp profile");
  s->default_action = SCMP_ACT_ERRNO (0);
  s->has_default_errno_ret = true;
  s->default_errno_ret = ENOSYS;
  for (size_t i = 0; i < n_rules; i++)
    {
      if (!rule_applies (&rules[i], bounding, arch))
        continue;
      /* Counted first: spec_seccomp_free() frees what is half-filled. */
      struct bento_seccomp_rule *dst = &s->syscalls[s->n_syscalls++];
      if (fill_rule (dst, &rules[i]) < 0)
        return bento_err_make (err, ENOMEM, "default seccomp profile");
    }
  *out = TAKE_PTR (s);
  return 0;
}

/* ---- as config JSON ------------------------------------------------------ */

static const char *
action_json_name (uint32_t action)
{
  switch (action & 0xffff0000U)
    {
    case SCMP_ACT_ALLOW: return "SCMP_ACT_ALLOW";
    case SCMP_ACT_ERRNO (0): return "SCMP_ACT_ERRNO";
    case SCMP_ACT_KILL_PROCESS: return "SCMP_ACT_KILL_PROCESS";
    case SCMP_ACT_KILL_THREAD: return "SCMP_ACT_KILL_THREAD";
    case SCMP_ACT_TRAP: return "SCMP_ACT_TRAP";
    case SCMP_ACT_TRACE (0): return "SCMP_ACT_TRACE";
    case SCMP_ACT_LOG: return "SCMP_ACT_LOG";
    default: return "SCMP_ACT_NOTIFY";
    }
}

static const char *
op_json_name (int op)
{
  static const char *const names[] = {
    [SCMP_CMP_NE] = "SCMP_CMP_NE", [SCMP_CMP_LT] = "SCMP_CMP_LT", [SCMP_CMP_LE] = "SCMP_CMP_LE",
    [SCMP_CMP_EQ] = "SCMP_CMP_EQ", [SCMP_CMP_GE] = "SCMP_CMP_GE", [SCMP_CMP_GT] = "SCMP_CMP_GT",
    [SCMP_CMP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
  };
  return op > 0 && op <= SCMP_CMP_MASKED_EQ ? names[op] : "SCMP_CMP_EQ";
}

static json_t *
strv_json (char **v, size_t n)
{
  json_t *a = json_array ();
  for (size_t i = 0; a && i < n; i++)
    json_array_append_new (a, json_string (v[i]));
  return a;
}

static json_t *
rule_json (const struct bento_seccomp_rule *r)
{
  json_t *args = json_array ();
  for (size_t k = 0; args && k < r->n_args; k++)
    json_array_append_new (args, json_pack ("{s:I, s:I, s:I, s:s}", "index", (json_int_t) r->args[k].index, "value",
                                            (json_int_t) r->args[k].value, "valueTwo",
                                            (json_int_t) r->args[k].value_two, "op", op_json_name (r->args[k].op)));
  json_t *o = json_pack ("{s:o, s:s, s:o}", "names", strv_json (r->names, r->n_names), "action",
                         action_json_name (r->action), "args", args);
  if (o && r->has_errno_ret)
    json_object_set_new (o, "errnoRet", json_integer (r->errno_ret));
  return o;
}

json_t *
seccomp_profile_json (const struct bento_seccomp *s)
{
  json_t *list = json_array ();
  for (size_t i = 0; list && i < s->n_syscalls; i++)
    json_array_append_new (list, rule_json (&s->syscalls[i]));
  json_t *o = json_pack ("{s:s, s:o, s:o}", "defaultAction", action_json_name (s->default_action), "architectures",
                         strv_json (s->architectures, s->n_architectures), "syscalls", list);
  if (o && s->has_default_errno_ret)
    json_object_set_new (o, "defaultErrnoRet", json_integer (s->default_errno_ret));
  return o;
}
