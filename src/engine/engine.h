/* The engine: `bento run IMAGE`, daemonless.  A container is made from an
 * image (ctr.h: its record), its OCI config generated from the image's
 * config and the options (ctrspec.c), its root mounted with overlay by the
 * init itself (overlay.h), and it runs through the runtime half in-process
 * (runtime/container.h).  Detached, a small monitor process (monitor.c)
 * holds its stdio, writes the log, records the exit and applies the restart
 * policy and --rm. */
#ifndef BENTO_ENGINE_H
#define BENTO_ENGINE_H

#include "engine/ctr.h"
#include "engine/image-config.h"
#include "engine/store.h"
#include "shared/error.h"

#include <stdbool.h>

struct strv
{
  char **v; /* NULL-terminated */
  size_t n;
};

int strv_add (struct strv *s, const char *value);
void strv_clear (struct strv *s);

struct run_opts
{
  const char *image;
  struct strv cmd;          /* after IMAGE */
  const char *name;
  bool rm, detach, interactive, tty, read_only, privileged, init, no_new_privs;
  bool has_entrypoint;
  const char *entrypoint;   /* --entrypoint ("" clears the image's) */
  const char *workdir, *user, *hostname;
  struct strv env;          /* -e and --env-file, as KEY=VALUE */
  struct strv volumes;      /* -v SRC:DST[:OPTS] */
  struct strv tmpfs;        /* --tmpfs DST[:OPTS] */
  struct strv mounts;       /* --mount type=...,source=...,target=... */
  struct strv cap_add, cap_drop;
  struct strv ulimits;      /* nofile=1024[:2048] */
  struct strv dns, dns_search, add_hosts, labels;
  const char *memory, *memory_swap, *cpus, *cpu_shares, *pids_limit;
  const char *seccomp;      /* NULL: default profile; "unconfined"; a file */
  const char *userns;       /* NULL: default; host, keep-id, auto */
  const char *network;      /* none, host, private, pasta, slirp4netns, NAME (bridge) */
  const char *ip, *mac_address; /* --ip, --mac-address (a bridge network) */
  const char *log_driver;   /* k8s-file (default), json-file, none */
  const char *restart;      /* no (default), on-failure[:N], always */
  const char *stop_signal;
  int stop_timeout;         /* -1: default (10) */
  const char *pull;         /* missing (default), always, never */
  struct strv publish;      /* -p (networking) */
  bool publish_all;         /* -P */
};

void run_opts_init (struct run_opts *o);
void run_opts_free (struct run_opts *o);

/* Exit statuses of the engine, as docker's. */
enum
{
  ENGINE_EXIT_FAILED = 125,
  ENGINE_EXIT_CANNOT_EXEC = 126,
  ENGINE_EXIT_NOT_FOUND = 127,
};

/* The engine's view of the runtime: --root (the runtime state root). */
struct engine
{
  struct store *store;
  const char *runtime_root; /* NULL: the runtime's default */
  char *init_path;          /* bento-init, for --init (next to bento) */
};

/* create: the record, the rootfs dirs, the bundle; prints nothing. */
int engine_create (struct engine *e, struct run_opts *o, struct ctr *out, bento_err *err);
/* Start a created (or exited) container.  Foreground (ATTACH): waits and
 * gives its exit status; else a monitor takes it and this returns once it
 * runs. */
int engine_start (struct engine *e, struct ctr *c, bool attach, int *status, bento_err *err);
/* Stop: the stop signal, then SIGKILL after TIMEOUT seconds (-1: its own). */
int engine_stop (struct engine *e, struct ctr *c, int timeout, bento_err *err);
int engine_kill (struct engine *e, struct ctr *c, int sig, bento_err *err);
/* Remove (FORCE: stop it first); VOLUMES: its anonymous volumes too. */
int engine_remove (struct engine *e, struct ctr *c, bool force, bento_err *err);
/* Wait until it is not running; its exit code. */
int engine_wait (struct engine *e, struct ctr *c, int *code, bento_err *err);
/* Refresh the record's state from the runtime (a monitor may be gone). */
void engine_refresh (struct engine *e, struct ctr *c);
/* The runtime id (the container id) and its host pid, 0 if not running. */
pid_t engine_pid (struct engine *e, struct ctr *c);

/* Map a runtime error to docker's exit codes: 126 cannot execute, 127 not
 * found, 125 otherwise. */
int engine_exit_code_for (const bento_err *err);

/* Generate the OCI config for C from the image config and options. */
char *engine_spec_json (struct engine *e, const struct run_opts *o, const struct image_config *ic,
                        const struct ctr *c, bento_err *err);

#endif
