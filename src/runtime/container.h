/* Container lifecycle: create, start, run, kill, delete.  Orchestration
 * only; each kernel area lives in its own file (process.c, rootfs.c,
 * mount.c, devices.c, userns.c, caps.c, hooks.c, terminal.c ...). */
#ifndef BENTO_CONTAINER_H
#define BENTO_CONTAINER_H

#include "runtime/state.h"
#include "shared/error.h"
#include "spec/spec.h"

#include <stdbool.h>
#include <sys/types.h>

struct bento_seccomp_filter;

/* Everything create needs; filled by cli/cmd-create.c and cmd-run.c, then
 * by container_create() itself (the fds and pids). */
struct container
{
  /* from the command line */
  const char *id;
  const char *state_root;
  const char *bundle;          /* absolute */
  const char *console_socket;  /* --console-socket, NULL if none */
  const char *pid_file;        /* --pid-file */
  int preserve_fds;            /* --preserve-fds (plus LISTEN_FDS) */
  bool no_pivot;               /* --no-pivot */
  bool use_fifo;               /* create: wait on exec.fifo; run: on the socket */
  bool detach;                 /* create, run -d: nobody stays to be the terminal */

  /* The engine's hook, run in the init once its mount tree is private and
   * before the rootfs is bound: e.g. mount the image's overlay at the
   * rootfs path.  NULL for plain OCI bundles. */
  int (*prepare_root) (struct container *c, void *arg, bento_err *err);
  void *prepare_root_arg;

  /* loaded */
  struct bento_spec *spec;
  struct bento_seccomp_filter *seccomp; /* compiled linux.seccomp, NULL if none */
  char *rootfs;                /* absolute, resolved */
  bool rootless;               /* not real root: euid != 0 or in a user namespace */
  bool in_userns;              /* bento itself runs in a non-initial user namespace */
  bool new_userns;             /* the config asks for a new user namespace */

  /* set up by create */
  int rootfd;                  /* the state root */
  int dirfd;                   /* ROOT/ID, locked */
  int sync_fd;                 /* our end of the socketpair */
  int child_sync_fd;           /* the init's end */
  int console_fd;              /* the init's end: --console-socket, or ours below */
  int tty_sock;                /* run -t without a console socket: the pty master comes here */
  int tty_master;              /* ... and is proxied to the caller's terminal */
  int cgroup_fd;               /* v2: the cgroup to clone the init into, -1 if none */
  bool cgroup_self;            /* v1: the init moves itself into its cgroups (cgroup_enter_self) */
  int fifo_fd;                 /* O_PATH of exec.fifo for the init, -1 if none */
  int ns_fds[BENTO_NS__COUNT]; /* namespaces to join, -1 if none */
  pid_t pid;                   /* the init, in our pid namespace */
  int pidfd;
  struct container_state state;
};

void container_init (struct container *c);
void container_free (struct container *c);

/* Load BUNDLE/config.json into c->spec and check that bento can run it. */
int container_load (struct container *c, bento_err *err);

/* Create the container: on success the init waits for `start`. */
int container_create (struct container *c, bento_err *err);
/* Release the init of a container made by container_create(use_fifo=false). */
int container_start_direct (struct container *c, bento_err *err);
/* Wait for the init to exit: its exit status, 128+signal when killed. */
int container_wait (struct container *c, int *status, bento_err *err);

int container_start (int rootfd, const char *id, bento_err *err);
int container_kill (int rootfd, const char *id, int sig, bool all, bento_err *err);
int container_delete (int rootfd, const char *id, bool force, bento_err *err);

/* control.c: open and lock ROOT/ID and read its state. */
int container_open_state (int rootfd, const char *id, int *dirfd, struct container_state *st, bento_err *err);
/* pause (freeze) a running container, or resume (thaw) a paused one. */
int container_pause (int rootfd, const char *id, bool pause, bento_err *err);
/* new limits for a created, running or paused container. */
int container_update (int rootfd, const char *id, const struct bento_resources *r, bento_err *err);

#endif
