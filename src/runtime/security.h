/* Process attributes the kernel applies per process, one small file per
 * kernel area.  Where each goes in the container's setup:
 *
 *   bento (parent), before clone:  security_check()             (refuse early)
 *   after unshare(CLONE_NEWTIME):  timens_write_offsets()       (before the init is forked into it)
 *   init, /proc still the host's:  oom_score_adj_apply()
 *   init, after pivot_root, before
 *     readonly/masked paths:       sysctl_apply()               (the container's /proc/sys)
 *   init, before user/caps:        security_process_apply(): personality, ioPriority,
 *                                  scheduler, LSM labels         (execve keeps them)
 *   init, last before execve:      security_seccomp_at()        (seccomp.h)
 *
 * `exec` runs the same steps for its process, but sysctl, time offsets and
 * oomScoreAdj of the container are already in force.
 */
#ifndef BENTO_SECURITY_H
#define BENTO_SECURITY_H

#include "shared/error.h"
#include "spec/spec.h"

#include <stdbool.h>
#include <sys/types.h>

struct bento_seccomp_filter;

/* What the parent can check before anything exists: sysctl keys against the
 * namespaces, time offsets need a new time namespace, scheduler fields that
 * belong to another policy. */
int security_check (const struct bento_spec *s, bento_err *err);

/* The attributes execve keeps (personality, ioPriority, scheduler, LSM
 * labels), applied while the process still has its capabilities. */
int security_process_apply (const struct bento_process *p, const struct bento_linux *l, bento_err *err);

/* Where the seccomp filter goes in: as late as possible, so that few of
 * bento's own syscalls run under it, i.e. right before execve.  Without
 * no_new_privs loading needs CAP_SYS_ADMIN: before the capabilities are
 * dropped (runc's order).  A notify fd must reach bento while it still
 * listens (before `created`): right after the capabilities then. */
enum seccomp_point
{
  SECCOMP_BEFORE_USER,
  SECCOMP_AFTER_USER,
  SECCOMP_BEFORE_EXEC,
};

/* Load F (may be NULL) if AT is its point for a process with NNP; a notify
 * fd goes to bento over SYNC_FD (SYNC_SECCOMP). */
int security_seccomp_at (const struct bento_seccomp_filter *f, bool nnp, enum seccomp_point at, int sync_fd,
                         bento_err *err);

/* bento's side: take the notify fd from SYNC_FD and send it with STATE_JSON
 * (the OCI state) to the agent at SC's listenerPath. */
int security_seccomp_handoff (int sync_fd, const struct bento_seccomp *sc, pid_t pid, const char *state_json,
                              bento_err *err);

/* personality.c: linux.personality. */
int personality_apply (const struct bento_linux *l, bento_err *err);

/* ioprio.c: process.ioPriority (ioprio_set, inherited by the children). */
int ioprio_apply (const struct bento_process *p, bento_err *err);

/* sched.c: process.scheduler (sched_setattr). */
int sched_check (const struct bento_process *p, bento_err *err);
int sched_apply (const struct bento_process *p, bento_err *err);

/* oom.c: process.oomScoreAdj through /proc/self/oom_score_adj; a value
 * already in force is not written (lowering needs CAP_SYS_RESOURCE). */
int oom_score_adj_apply (const struct bento_process *p, bento_err *err);

/* sysctl.c: linux.sysctl.  Only namespaced keys: net.* with a network
 * namespace of the container's own, kernel.msg*, sem, shm* and fs.mqueue.*
 * with a new ipc namespace, kernel.domainname/hostname with a new uts
 * namespace; anything else is refused naming the key, as runc does. */
int sysctl_check (const struct bento_spec *s, bento_err *err);
/* Write the values under /proc/sys (the container's proc, checked to be one). */
int sysctl_apply (const struct bento_linux *l, bento_err *err);
/* "net/ipv4/conf/eth0.1/rp_filter" -> "net.ipv4.conf.eth0/1.rp_filter": the
 * dotted form (sysctl(8) accepts both); owned by the caller. */
char *sysctl_key_dotted (const char *key);
/* The path under /proc/sys for a key in either form; owned by the caller. */
char *sysctl_key_path (const char *key);

/* timens.c: linux.timeOffsets need a new time namespace (not a joined one). */
int timens_check (const struct bento_spec *s, bento_err *err);
/* Write /proc/self/timens_offsets: after unshare(CLONE_NEWTIME), before the
 * first process enters the namespace (the unsharer's children do). */
int timens_write_offsets (const struct bento_linux *l, bento_err *err);

/* lsm.c: apparmorProfile, selinuxLabel, mountLabel; applied when the host
 * has the LSM, else ignored with a debug line. */
bool lsm_apparmor_enabled (void);
bool lsm_selinux_enabled (void);
/* Set the profile/label the next execve switches to. */
int lsm_apply_exec (const struct bento_process *p, bento_err *err);
/* DATA plus `context="LABEL"` when SELinux is on and LABEL is set, for the
 * filesystems the container mounts; *out owned by the caller. */
int lsm_mount_data (const char *mount_label, const char *data, char **out, bento_err *err);

#endif
