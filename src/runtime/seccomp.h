/* linux.seccomp: the filter is compiled with libseccomp in bento's own
 * process (before clone, so a bad profile fails before anything exists and
 * the child has no library work left to do), then loaded by the container's
 * init with seccomp(2) as the last step before execve.
 *
 * Loading it ourselves (instead of seccomp_load) gives the flags the kernel
 * has even when libseccomp does not know them yet (WAIT_KILLABLE_RECV is in
 * libseccomp 2.6, Debian 12 has 2.5.4), and returns the notify fd.
 *
 * With SCMP_ACT_NOTIFY the init hands the listener fd to bento, which sends
 * it with the container state to linux.seccomp.listenerPath (SCM_RIGHTS),
 * as the runtime spec's "container process state" says. */
#ifndef BENTO_SECCOMP_H
#define BENTO_SECCOMP_H

#include "shared/error.h"
#include "spec/spec.h"

#include <linux/filter.h>
#include <stdbool.h>
#include <sys/types.h>

struct bento_seccomp_filter
{
  struct sock_filter *insns;
  unsigned short len;
  unsigned int flags; /* SECCOMP_FILTER_FLAG_* for seccomp(2), those the kernel has */
  bool notify;        /* some rule says SCMP_ACT_NOTIFY: loading gives a listener fd */
};

/* Compile S.  Unknown syscall names are skipped (with a debug line), as runc
 * does: a profile lists syscalls newer than this libseccomp or kernel. */
int seccomp_filter_build (const struct bento_seccomp *s, struct bento_seccomp_filter **out, bento_err *err);
void seccomp_filter_free (struct bento_seccomp_filter *f);

/* Install F in the calling thread.  Needs no_new_privs or CAP_SYS_ADMIN in
 * the current user namespace.  *notify_fd gets the listener (O_CLOEXEC) when
 * F->notify, else -1. */
int seccomp_filter_load (const struct bento_seccomp_filter *f, int *notify_fd, bento_err *err);

/* The container process state sent to the listener: {ociVersion, fds:
 * ["seccompFd"], pid, metadata, state}, STATE_JSON being the OCI state.
 * Owned by the caller. */
char *seccomp_listener_message (pid_t pid, const char *metadata, const char *state_json, bento_err *err);

/* Connect to the AF_UNIX stream socket PATH, send MSG with NOTIFY_FD as
 * SCM_RIGHTS in the first sendmsg, close. */
int seccomp_listener_send (const char *path, int notify_fd, const char *msg, bento_err *err);

/* Does the kernel accept these SECCOMP_FILTER_FLAG_* bits? */
bool seccomp_flags_supported (unsigned int flags);

#endif
