#include "spec/names.h"

#include <linux/capability.h>
#include <linux/mount.h>
#include <seccomp.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>

#define N_ELEMENTS(a) (sizeof (a) / sizeof ((a)[0]))

/* ---- capabilities: index = number, as in <linux/capability.h> ---------- */

static const char *const cap_names[] = {
  "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
  "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",
  "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
  "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
  "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",
  "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND",
  "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
};

_Static_assert (N_ELEMENTS (cap_names) == CAP_LAST_CAP + 1, "capability table matches the kernel headers");

int
spec_cap_from_name (const char *name)
{
  for (size_t i = 0; i < N_ELEMENTS (cap_names); i++)
    if (strcmp (cap_names[i], name) == 0)
      return (int) i;
  return -1;
}

const char *
spec_cap_name (int cap)
{
  return cap >= 0 && (size_t) cap < N_ELEMENTS (cap_names) ? cap_names[cap] : NULL;
}

int
spec_cap_count (void)
{
  return (int) N_ELEMENTS (cap_names);
}

/* ---- rlimits ------------------------------------------------------------ */

static const struct
{
  const char *name;
  int resource;
} rlimits[] = {
  { "RLIMIT_AS", RLIMIT_AS },         { "RLIMIT_CORE", RLIMIT_CORE },
  { "RLIMIT_CPU", RLIMIT_CPU },       { "RLIMIT_DATA", RLIMIT_DATA },
  { "RLIMIT_FSIZE", RLIMIT_FSIZE },   { "RLIMIT_LOCKS", RLIMIT_LOCKS },
  { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
  { "RLIMIT_NICE", RLIMIT_NICE },     { "RLIMIT_NOFILE", RLIMIT_NOFILE },
  { "RLIMIT_NPROC", RLIMIT_NPROC },   { "RLIMIT_RSS", RLIMIT_RSS },
  { "RLIMIT_RTPRIO", RLIMIT_RTPRIO }, { "RLIMIT_RTTIME", RLIMIT_RTTIME },
  { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING }, { "RLIMIT_STACK", RLIMIT_STACK },
};

int
spec_rlimit_from_name (const char *name)
{
  for (size_t i = 0; i < N_ELEMENTS (rlimits); i++)
    if (strcmp (rlimits[i].name, name) == 0)
      return rlimits[i].resource;
  return -1;
}

const char *
spec_rlimit_name (int resource)
{
  for (size_t i = 0; i < N_ELEMENTS (rlimits); i++)
    if (rlimits[i].resource == resource)
      return rlimits[i].name;
  return NULL;
}

/* ---- mount options (runc's and crun's set) ----------------------------- */

enum opt_kind
{
  OPT_SET,      /* set flag */
  OPT_CLEAR,    /* clear flag */
  OPT_PROP,     /* propagation */
  OPT_BIND,     /* bind / rbind */
  OPT_ATTR_SET, /* mount_setattr attribute */
  OPT_ATTR_CLR,
  OPT_MARK,     /* known, handled by the runtime by name (idmap, tmpcopyup, ...) */
};

static const struct
{
  const char *name;
  enum opt_kind kind;
  unsigned long flag;
  bool recursive;
} mount_opts[] = {
  { "ro", OPT_SET, MS_RDONLY, false },
  { "rw", OPT_CLEAR, MS_RDONLY, false },
  { "suid", OPT_CLEAR, MS_NOSUID, false },
  { "nosuid", OPT_SET, MS_NOSUID, false },
  { "dev", OPT_CLEAR, MS_NODEV, false },
  { "nodev", OPT_SET, MS_NODEV, false },
  { "exec", OPT_CLEAR, MS_NOEXEC, false },
  { "noexec", OPT_SET, MS_NOEXEC, false },
  { "sync", OPT_SET, MS_SYNCHRONOUS, false },
  { "async", OPT_CLEAR, MS_SYNCHRONOUS, false },
  { "dirsync", OPT_SET, MS_DIRSYNC, false },
  { "remount", OPT_SET, MS_REMOUNT, false },
  { "mand", OPT_SET, MS_MANDLOCK, false },
  { "nomand", OPT_CLEAR, MS_MANDLOCK, false },
  { "atime", OPT_CLEAR, MS_NOATIME, false },
  { "noatime", OPT_SET, MS_NOATIME, false },
  { "diratime", OPT_CLEAR, MS_NODIRATIME, false },
  { "nodiratime", OPT_SET, MS_NODIRATIME, false },
  { "relatime", OPT_SET, MS_RELATIME, false },
  { "norelatime", OPT_CLEAR, MS_RELATIME, false },
  { "strictatime", OPT_SET, MS_STRICTATIME, false },
  { "nostrictatime", OPT_CLEAR, MS_STRICTATIME, false },
  { "lazytime", OPT_SET, MS_LAZYTIME, false },
  { "nolazytime", OPT_CLEAR, MS_LAZYTIME, false },
  { "silent", OPT_SET, MS_SILENT, false },
  { "loud", OPT_CLEAR, MS_SILENT, false },
  { "bind", OPT_BIND, MS_BIND, false },
  { "rbind", OPT_BIND, MS_BIND, true },
  { "private", OPT_PROP, MS_PRIVATE, false },
  { "rprivate", OPT_PROP, MS_PRIVATE, true },
  { "shared", OPT_PROP, MS_SHARED, false },
  { "rshared", OPT_PROP, MS_SHARED, true },
  { "slave", OPT_PROP, MS_SLAVE, false },
  { "rslave", OPT_PROP, MS_SLAVE, true },
  { "unbindable", OPT_PROP, MS_UNBINDABLE, false },
  { "runbindable", OPT_PROP, MS_UNBINDABLE, true },
  { "nosymfollow", OPT_ATTR_SET, MOUNT_ATTR_NOSYMFOLLOW, false },
  { "symfollow", OPT_ATTR_CLR, MOUNT_ATTR_NOSYMFOLLOW, false },
  { "idmap", OPT_MARK, MOUNT_ATTR_IDMAP, false },
  { "ridmap", OPT_MARK, MOUNT_ATTR_IDMAP, true },
  { "tmpcopyup", OPT_MARK, 0, false },
};

int
spec_mount_option (const char *opt, struct bento_mount *m)
{
  for (size_t i = 0; i < N_ELEMENTS (mount_opts); i++)
    {
      if (strcmp (mount_opts[i].name, opt) != 0)
        continue;
      unsigned long f = mount_opts[i].flag;
      switch (mount_opts[i].kind)
        {
        case OPT_SET:
          m->flags |= f;
          m->clear_flags &= ~f;
          break;
        case OPT_CLEAR:
          m->flags &= ~f;
          m->clear_flags |= f;
          break;
        case OPT_PROP:
          m->propagation = f | (mount_opts[i].recursive ? MS_REC : 0);
          break;
        case OPT_BIND:
          m->bind = true;
          m->recursive = mount_opts[i].recursive;
          break;
        case OPT_ATTR_SET:
          m->attr_set |= f;
          m->attr_clr &= ~f;
          break;
        case OPT_ATTR_CLR:
          m->attr_clr |= f;
          m->attr_set &= ~f;
          break;
        case OPT_MARK:
          if (f == MOUNT_ATTR_IDMAP)
            {
              m->attr_set |= f;
              if (mount_opts[i].recursive)
                m->recursive = true;
            }
          break;
        }
      return 1;
    }
  return 0;
}

const char *const *
spec_mount_option_names (void)
{
  static const char *names[N_ELEMENTS (mount_opts) + 1];
  if (names[0] == NULL)
    for (size_t i = 0; i < N_ELEMENTS (mount_opts); i++)
      names[i] = mount_opts[i].name;
  return names;
}

/* ---- seccomp ------------------------------------------------------------ */

static const struct
{
  const char *name;
  uint32_t action;
} seccomp_actions[] = {
  { "SCMP_ACT_KILL", SCMP_ACT_KILL_THREAD },
  { "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD },
  { "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS },
  { "SCMP_ACT_TRAP", SCMP_ACT_TRAP },
  { "SCMP_ACT_ERRNO", SCMP_ACT_ERRNO (0) },
  { "SCMP_ACT_TRACE", SCMP_ACT_TRACE (0) },
  { "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW },
  { "SCMP_ACT_LOG", SCMP_ACT_LOG },
  { "SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY },
};

static const struct
{
  const char *name;
  int op;
} seccomp_ops[] = {
  { "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT }, { "SCMP_CMP_LE", SCMP_CMP_LE },
  { "SCMP_CMP_EQ", SCMP_CMP_EQ }, { "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
  { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

static const char *const seccomp_archs[] = {
  "SCMP_ARCH_X86",     "SCMP_ARCH_X86_64",   "SCMP_ARCH_X32",      "SCMP_ARCH_ARM",      "SCMP_ARCH_AARCH64",
  "SCMP_ARCH_MIPS",    "SCMP_ARCH_MIPS64",   "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL",  "SCMP_ARCH_MIPSEL64",
  "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",  "SCMP_ARCH_PPC64",    "SCMP_ARCH_PPC64LE",  "SCMP_ARCH_S390",
  "SCMP_ARCH_S390X",   "SCMP_ARCH_PARISC",   "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64",  "SCMP_ARCH_LOONGARCH64",
  "SCMP_ARCH_M68K",    "SCMP_ARCH_SH",       "SCMP_ARCH_SHEB",     NULL,
};

static const char *const seccomp_flags[] = {
  "SECCOMP_FILTER_FLAG_TSYNC",
  "SECCOMP_FILTER_FLAG_LOG",
  "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
  "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
  NULL,
};

int
spec_seccomp_action (const char *name, uint32_t *out)
{
  for (size_t i = 0; i < N_ELEMENTS (seccomp_actions); i++)
    if (strcmp (seccomp_actions[i].name, name) == 0)
      {
        *out = seccomp_actions[i].action;
        return 0;
      }
  return -1;
}

int
spec_seccomp_op (const char *name, int *out)
{
  for (size_t i = 0; i < N_ELEMENTS (seccomp_ops); i++)
    if (strcmp (seccomp_ops[i].name, name) == 0)
      {
        *out = seccomp_ops[i].op;
        return 0;
      }
  return -1;
}

static bool
in_list (const char *const *list, const char *name)
{
  for (; *list; list++)
    if (strcmp (*list, name) == 0)
      return true;
  return false;
}

bool
spec_seccomp_arch_known (const char *name)
{
  return in_list (seccomp_archs, name);
}

bool
spec_seccomp_flag_known (const char *name)
{
  return in_list (seccomp_flags, name);
}

const char *const *
spec_seccomp_action_names (void)
{
  static const char *names[N_ELEMENTS (seccomp_actions) + 1];
  if (names[0] == NULL)
    for (size_t i = 0; i < N_ELEMENTS (seccomp_actions); i++)
      names[i] = seccomp_actions[i].name;
  return names;
}

const char *const *
spec_seccomp_op_names (void)
{
  static const char *names[N_ELEMENTS (seccomp_ops) + 1];
  if (names[0] == NULL)
    for (size_t i = 0; i < N_ELEMENTS (seccomp_ops); i++)
      names[i] = seccomp_ops[i].name;
  return names;
}

const char *const *
spec_seccomp_arch_names (void)
{
  return seccomp_archs;
}

const char *const *
spec_seccomp_flag_names (void)
{
  return seccomp_flags;
}

/* ---- namespaces --------------------------------------------------------- */

static const char *const ns_names[BENTO_NS__COUNT] = {
  [BENTO_NS_PID] = "pid",   [BENTO_NS_NET] = "network", [BENTO_NS_MNT] = "mount",   [BENTO_NS_IPC] = "ipc",
  [BENTO_NS_UTS] = "uts",   [BENTO_NS_USER] = "user",   [BENTO_NS_CGROUP] = "cgroup", [BENTO_NS_TIME] = "time",
};

int
spec_ns_from_name (const char *name)
{
  for (int i = 0; i < BENTO_NS__COUNT; i++)
    if (strcmp (ns_names[i], name) == 0)
      return i;
  return -1;
}

const char *
spec_ns_name (enum bento_ns_type t)
{
  return (int) t >= 0 && t < BENTO_NS__COUNT ? ns_names[t] : "unknown";
}

static const char *const hook_names[BENTO_HOOK__COUNT] = {
  [BENTO_HOOK_PRESTART] = "prestart",
  [BENTO_HOOK_CREATE_RUNTIME] = "createRuntime",
  [BENTO_HOOK_CREATE_CONTAINER] = "createContainer",
  [BENTO_HOOK_START_CONTAINER] = "startContainer",
  [BENTO_HOOK_POSTSTART] = "poststart",
  [BENTO_HOOK_POSTSTOP] = "poststop",
};

const char *
spec_hook_name (enum bento_hook_kind k)
{
  return (int) k >= 0 && k < BENTO_HOOK__COUNT ? hook_names[k] : "unknown";
}
