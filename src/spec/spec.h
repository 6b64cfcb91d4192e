/* struct bento_spec: bento's own typed, owned view of an OCI config.json
 * (../shared/specs/runtime-spec/config.md, config-linux.md).
 *
 * spec_load()/spec_parse() fill it and spec_validate() checks it; the runtime
 * (src/runtime/) and the engine (src/engine/, which builds one in memory from
 * an image config) only ever see this struct, never jansson objects.
 *
 * Conventions:
 *  - every string and array is owned by the spec and freed by spec_free();
 *  - arrays are a pointer plus an n_ count; string vectors are also
 *    NULL-terminated (char **), so they can go straight to execve;
 *  - an optional scalar has a `has_` flag; an optional object is a pointer
 *    (NULL when absent), so "absent" and "zero" stay distinct, as the spec
 *    requires (e.g. pids.limit 0 vs no limit).
 */
#ifndef BENTO_SPEC_H
#define BENTO_SPEC_H

#include "shared/error.h"
#include "shared/idmap.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* ---- mounts ------------------------------------------------------------- */

struct bento_mount
{
  char *destination; /* absolute, or relative to the rootfs (runc accepts) */
  char *type;        /* NULL for a bind mount without a type */
  char *source;
  char **options;    /* as written in the config, NULL-terminated */
  size_t n_options;

  /* Filled by the parser from options (pure, unit-tested): */
  unsigned long flags;       /* MS_* to set (MS_RDONLY, MS_NOSUID, ...) */
  unsigned long clear_flags; /* MS_* the options clear (rw, suid, ...) */
  unsigned long propagation; /* MS_SHARED|MS_SLAVE|MS_PRIVATE|MS_UNBINDABLE (|MS_REC), 0 = none */
  bool bind;                 /* bind or rbind (or type "bind") */
  bool recursive;            /* rbind / r-propagation */
  unsigned long attr_set;    /* MOUNT_ATTR_* for mount_setattr (e.g. nosymfollow, idmap) */
  unsigned long attr_clr;
  char *data;                /* the fs-specific rest, comma-joined ("size=65536k,mode=755") */

  struct bento_idmap *uid_mappings; /* idmapped mounts, optional */
  size_t n_uid_mappings;
  struct bento_idmap *gid_mappings;
  size_t n_gid_mappings;
};

/* ---- process ------------------------------------------------------------ */

struct bento_rlimit
{
  int resource; /* RLIMIT_* */
  uint64_t soft;
  uint64_t hard;
};

/* Capability sets as bitmasks of capability numbers (CAP_* from
 * <linux/capability.h>); unknown names are reported by the parser. */
struct bento_caps
{
  uint64_t bounding;
  uint64_t effective;
  uint64_t inheritable;
  uint64_t permitted;
  uint64_t ambient;
};

struct bento_user
{
  uid_t uid;
  gid_t gid;
  bool has_umask;
  mode_t umask;
  gid_t *additional_gids;
  size_t n_additional_gids;
  /* "name[:group]" (or numbers) resolved in the container's /etc/passwd
   * and /etc/group by the init before it switches user: what `bento run -u`
   * and an image's User give.  From process.user.username, which the OCI
   * spec defines for Windows only; NULL for every other Linux config. */
  char *name;
};

struct bento_process
{
  bool terminal;
  bool has_console_size;
  unsigned console_height, console_width;
  char *cwd;   /* required, absolute */
  char **env;  /* "KEY=value", NULL-terminated, may be empty */
  size_t n_env;
  char **args; /* required on start, NULL-terminated */
  size_t n_args;
  struct bento_user user;
  struct bento_rlimit *rlimits;
  size_t n_rlimits;
  bool no_new_privileges;
  char *apparmor_profile; /* NULL if unset */
  char *selinux_label;    /* NULL if unset */
  bool has_oom_score_adj;
  int oom_score_adj;
  struct bento_caps *capabilities; /* NULL: no capabilities object */
  bool has_io_priority;
  int io_priority_class; /* IOPRIO_CLASS_RT/BE/IDLE */
  int io_priority;
  /* scheduler: optional */
  bool has_scheduler;
  int sched_policy; /* SCHED_* */
  int sched_nice;
  int sched_priority;
  uint64_t sched_flags;
  uint64_t sched_runtime, sched_deadline, sched_period;
};

/* ---- namespaces --------------------------------------------------------- */

enum bento_ns_type
{
  BENTO_NS_PID = 0,
  BENTO_NS_NET,
  BENTO_NS_MNT,
  BENTO_NS_IPC,
  BENTO_NS_UTS,
  BENTO_NS_USER,
  BENTO_NS_CGROUP,
  BENTO_NS_TIME,
  BENTO_NS__COUNT,
};

struct bento_namespace
{
  bool present; /* listed in linux.namespaces */
  char *path;   /* join this namespace instead of creating one; NULL = new */
};

/* ---- devices ------------------------------------------------------------ */

struct bento_device
{
  char *path; /* in the container */
  char type;  /* 'c', 'b', 'u' or 'p' */
  int64_t major, minor;
  bool has_file_mode;
  mode_t file_mode;
  bool has_uid, has_gid;
  uid_t uid;
  gid_t gid;
};

/* ---- resources (linux.resources; applied by src/runtime/cgroup*.c) ------ */

struct bento_device_rule
{
  bool allow;
  char type; /* 'a', 'c', 'b' */
  int64_t major, minor; /* -1 = wildcard */
  char *access;         /* "rwm" subset, NULL = all */
};

struct bento_memory
{
  bool has_limit, has_reservation, has_swap, has_kernel, has_kernel_tcp, has_swappiness;
  int64_t limit, reservation, swap, kernel, kernel_tcp; /* -1 = unlimited */
  uint64_t swappiness;
  bool disable_oom_killer;
  bool use_hierarchy;
  bool check_before_update;
};

struct bento_cpu
{
  bool has_shares, has_quota, has_burst, has_period, has_realtime_runtime, has_realtime_period, has_idle;
  uint64_t shares;
  int64_t quota; /* -1 = unlimited */
  uint64_t burst;
  uint64_t period;
  int64_t realtime_runtime;
  uint64_t realtime_period;
  int64_t idle;
  char *cpus; /* cpuset, NULL if unset */
  char *mems;
};

struct bento_blkio_device
{
  int64_t major, minor;
  bool has_weight, has_leaf_weight;
  uint16_t weight, leaf_weight;
  uint64_t rate; /* for throttles */
};

struct bento_blkio
{
  bool has_weight, has_leaf_weight;
  uint16_t weight, leaf_weight;
  struct bento_blkio_device *weight_device;
  size_t n_weight_device;
  struct bento_blkio_device *throttle_read_bps, *throttle_write_bps;
  struct bento_blkio_device *throttle_read_iops, *throttle_write_iops;
  size_t n_throttle_read_bps, n_throttle_write_bps, n_throttle_read_iops, n_throttle_write_iops;
};

struct bento_hugepage_limit
{
  char *page_size; /* "2MB" */
  uint64_t limit;
};

struct bento_net_priority
{
  char *name;
  uint32_t priority;
};

struct bento_rdma
{
  char *device;
  bool has_hca_handles, has_hca_objects;
  uint32_t hca_handles, hca_objects;
};

struct bento_kv
{
  char *key;
  char *value;
};

struct bento_resources
{
  struct bento_memory *memory; /* NULL if absent */
  struct bento_cpu *cpu;
  bool has_pids_limit;
  int64_t pids_limit; /* -1 or 0 = unlimited (runc: 0 means unlimited too) */
  struct bento_blkio *block_io;
  struct bento_hugepage_limit *hugepage_limits;
  size_t n_hugepage_limits;
  bool has_net_class_id;
  uint32_t net_class_id;
  struct bento_net_priority *net_priorities;
  size_t n_net_priorities;
  struct bento_device_rule *devices;
  size_t n_devices;
  struct bento_rdma *rdma;
  size_t n_rdma;
  struct bento_kv *unified;
  size_t n_unified;
};

/* ---- seccomp ------------------------------------------------------------ */

struct bento_seccomp_arg
{
  unsigned index;
  uint64_t value;
  uint64_t value_two;
  int op; /* SCMP_CMP_* from <seccomp.h> */
};

struct bento_seccomp_rule
{
  char **names;
  size_t n_names;
  uint32_t action; /* SCMP_ACT_* value (errno/trace folded in where needed) */
  bool has_errno_ret;
  uint32_t errno_ret;
  struct bento_seccomp_arg *args;
  size_t n_args;
};

struct bento_seccomp
{
  uint32_t default_action;
  bool has_default_errno_ret;
  uint32_t default_errno_ret;
  char **architectures; /* "SCMP_ARCH_X86_64", ... */
  size_t n_architectures;
  char **flags;         /* "SECCOMP_FILTER_FLAG_LOG", ... */
  size_t n_flags;
  char *listener_path;
  char *listener_metadata;
  struct bento_seccomp_rule *syscalls;
  size_t n_syscalls;
};

/* ---- hooks -------------------------------------------------------------- */

struct bento_hook
{
  char *path;
  char **args; /* NULL-terminated, may be NULL */
  size_t n_args;
  char **env;
  size_t n_env;
  bool has_timeout;
  int timeout; /* seconds, > 0 */
};

enum bento_hook_kind
{
  BENTO_HOOK_PRESTART = 0,
  BENTO_HOOK_CREATE_RUNTIME,
  BENTO_HOOK_CREATE_CONTAINER,
  BENTO_HOOK_START_CONTAINER,
  BENTO_HOOK_POSTSTART,
  BENTO_HOOK_POSTSTOP,
  BENTO_HOOK__COUNT,
};

/* ---- the whole config --------------------------------------------------- */

struct bento_linux
{
  struct bento_namespace namespaces[BENTO_NS__COUNT];
  struct bento_idmap *uid_mappings;
  size_t n_uid_mappings;
  struct bento_idmap *gid_mappings;
  size_t n_gid_mappings;
  struct bento_device *devices;
  size_t n_devices;
  char *cgroups_path; /* NULL = default under a `bento` parent */
  struct bento_resources *resources; /* NULL if absent */
  unsigned long rootfs_propagation;  /* MS_* (|MS_REC); 0 = default (rprivate then as given) */
  struct bento_seccomp *seccomp;     /* NULL if absent */
  struct bento_kv *sysctl;
  size_t n_sysctl;
  char **masked_paths;
  size_t n_masked_paths;
  char **readonly_paths;
  size_t n_readonly_paths;
  char *mount_label;
  bool has_personality;
  unsigned long personality; /* PER_LINUX / PER_LINUX32 | flags */
  bool has_time_offsets;
  int64_t monotonic_secs, boottime_secs;
  uint32_t monotonic_nsecs, boottime_nsecs;
};

struct bento_spec
{
  char *oci_version;
  char *root_path; /* as written; relative to the bundle unless absolute */
  bool root_readonly;
  struct bento_mount *mounts;
  size_t n_mounts;
  struct bento_process *process; /* NULL if absent (allowed for create, not start) */
  char *hostname;
  char *domainname;
  struct bento_hook *hooks[BENTO_HOOK__COUNT];
  size_t n_hooks[BENTO_HOOK__COUNT];
  struct bento_kv *annotations;
  size_t n_annotations;
  struct bento_linux *linux_; /* NULL if absent */
};

/* ---- API (src/spec/spec.c, validate.c, default.c) ----------------------- */

/* Parse config.json text; errors name the line and column (malformed JSON)
 * or the JSON path (`process.args[0]: expected a string`).  *out is NULL on
 * failure. */
int spec_parse (const char *json_text, size_t len, struct bento_spec **out, bento_err *err);
/* Read and parse BUNDLE/config.json (or any path). */
int spec_load (const char *path, struct bento_spec **out, bento_err *err);
/* Semantic checks the schema cannot express; each names the JSON path. */
int spec_validate (const struct bento_spec *spec, bento_err *err);
void spec_free (struct bento_spec *spec);
/* Free a seccomp profile built outside a spec (the engine's default one). */
void spec_seccomp_free (struct bento_seccomp *s);

/* A process object alone (`exec --process FILE`), errors naming process.*. */
int spec_parse_process (const char *json_text, size_t len, struct bento_process **out, bento_err *err);
void spec_process_free (struct bento_process *p);
/* A LinuxResources object alone (`bento update --resources`); errors name
 * linux.resources.* paths. */
int spec_parse_resources_json (const char *json_text, size_t len, struct bento_resources **out, bento_err *err);
void spec_resources_free (struct bento_resources *r);

/* The default config of `bento spec` (runc's, with --rootless adjustments);
 * returned as JSON text, owned by the caller. */
char *spec_default_json (bool rootless);

const char *spec_ns_name (enum bento_ns_type t); /* "pid", "network", ... as in the config */
const char *spec_hook_name (enum bento_hook_kind k); /* "prestart", "createRuntime", ... */

#endif
