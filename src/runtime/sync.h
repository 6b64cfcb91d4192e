/* Parent (bento) <-> child (the container's init) over a SOCK_SEQPACKET
 * socketpair: one typed message per packet.
 *
 *   parent (create/run)                      child (init, new namespaces)
 *   -------------------                      ----------------------------
 *   clone3(CLONE_NEW*) ------------------->  waits for SYNC_MAPS
 *   write uid/gid maps (newuidmap...)
 *   SYNC_MAPS (host pid of the init) ----->  setns() into joined namespaces,
 *                                            mounts, devices, hostname
 *                           <--------------  SYNC_HOOKS   (only with hooks)
 *   prestart + createRuntime hooks
 *   SYNC_HOOKS_DONE ---------------------->  createContainer hooks,
 *                                            pivot_root, sysctl, masked paths,
 *                                            console, resolve the command,
 *                                            user, caps (seccomp before them
 *                                            without noNewPrivileges)
 *                           <--------------  SYNC_SECCOMP (notify fd, only
 *   send it to the seccomp agent              with SCMP_ACT_NOTIFY)
 *                           <--------------  SYNC_CREATED
 *   state `created`, --pid-file
 *   create: exit; `start` opens the fifo     blocks on exec.fifo (create)
 *   run:    SYNC_START ------------------->  or on SYNC_START (run)
 *                                            startContainer hooks,
 *                                            seccomp (noNewPrivileges), execve
 *   EOF (the socket is CLOEXEC) <----------  execve succeeded
 *
 * A staged spawn (namespaces to join, or a time namespace) has a stage 1
 * first: it setns()es, unshares, gets its maps (SYNC_NEED_MAPS /
 * SYNC_MAPS_DONE), forks the init, sends SYNC_INIT_PID and exits.
 *
 * Any failure in the child sends SYNC_ERROR (errno + the one-line message)
 * and exits; the parent reports it once, as its own error. */
#ifndef BENTO_SYNC_H
#define BENTO_SYNC_H

#include "shared/error.h"

#include <stdint.h>

enum sync_type
{
  SYNC_MAPS = 1,     /* parent -> child: maps written; value = host pid of the init */
  SYNC_HOOKS,        /* child -> parent: run prestart/createRuntime hooks now */
  SYNC_HOOKS_DONE,   /* parent -> child */
  SYNC_CREATED,      /* child -> parent: ready, waiting for start */
  SYNC_START,        /* parent -> child: go (run without a fifo) */
  SYNC_ERROR,        /* child -> parent: value = errno, payload = message */
  /* staged spawns only (joined namespaces, time namespace): */
  SYNC_NEED_MAPS,    /* stage 1 -> parent: unshared a user namespace, write its maps */
  SYNC_MAPS_DONE,    /* parent -> stage 1 */
  SYNC_INIT_PID,     /* stage 1 -> parent: value = the init's pid; stage 1 exits */
  SYNC_SECCOMP,      /* child -> parent: the seccomp notify fd (SCM_RIGHTS) */
};

struct sync_msg
{
  uint32_t type;
  int32_t value;
  uint32_t len; /* payload bytes that follow */
};

#define SYNC_MAX_PAYLOAD 4096

int sync_send (int fd, enum sync_type type, int32_t value, const char *payload, bento_err *err);
/* The same with PASSFD attached (SCM_RIGHTS). */
int sync_send_fd (int fd, enum sync_type type, int passfd, bento_err *err);
/* Send ERR to the parent (best effort: the child exits right after). */
void sync_send_error (int fd, const bento_err *e);
/* Wait for WANT; a SYNC_ERROR becomes *err (the child's message), EOF
 * becomes "container init exited unexpectedly". *value gets the value. */
int sync_expect (int fd, enum sync_type want, int32_t *value, bento_err *err);
/* sync_expect() for a message that carries an fd: *passfd gets it. */
int sync_expect_fd (int fd, enum sync_type want, int *passfd, bento_err *err);
/* Wait for the socket to close (the init's execve succeeded) or an error. */
int sync_wait_exec (int fd, bento_err *err);

#endif
