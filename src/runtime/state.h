/* The runtime's state: a directory per container under the state root,
 *
 *   ROOT/ID/            0711, locked with flock() by every command on ID
 *   ROOT/ID/state.json  written to a temp name and renamed: never half-written
 *   ROOT/ID/exec.fifo   exists while the container is `created`
 *   ROOT/ID/config.json the config as given to create (hooks for delete)
 *
 * The status is never trusted from the file alone: it is read from the
 * init process itself (alive, same start time as recorded, fifo present). */
#ifndef BENTO_STATE_H
#define BENTO_STATE_H

#include "shared/error.h"
#include "spec/spec.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

enum container_status
{
  STATUS_CREATING = 0,
  STATUS_CREATED,
  STATUS_RUNNING,
  STATUS_STOPPED,
  STATUS_PAUSED,
};

struct container_state
{
  char *id;
  char *bundle;
  char *rootfs;
  char *created;    /* RFC 3339 with nanoseconds, like runc */
  uid_t owner;
  pid_t pid;        /* 0 until the init exists */
  uint64_t start_time; /* /proc/PID/stat field 22, to recognise the init */
  bool saved_creating; /* the file still says `creating` */
  bool rootless;
  struct bento_kv *annotations;
  size_t n_annotations;
  char *cgroup_path; /* for the cgroup manager; NULL if none */
};

/* The state root: --root, else /run/bento (root) or $XDG_RUNTIME_DIR/bento. */
int state_root_default (char **out, bento_err *err);
int state_root_open (const char *root, bool create, int *out_fd, bento_err *err);

/* Container ids: runc's rule, ^[\w+-\.]+$, and not "." or "..". */
int state_validate_id (const char *id, bento_err *err);

/* Create ROOT/ID exclusively and lock it; fails with "container `ID` already
 * exists".  *dirfd is the locked directory. */
int state_create_dir (int rootfd, const char *id, int *dirfd, bento_err *err);
/* Open and lock ROOT/ID; fails with "container `ID` does not exist". */
int state_open_dir (int rootfd, const char *id, int *dirfd, bento_err *err);
/* Remove ROOT/ID and what is in it. */
int state_remove_dir (int rootfd, const char *id, bento_err *err);

int state_write (int dirfd, const struct container_state *st, bento_err *err);
int state_read (int dirfd, struct container_state *st, bento_err *err);
void state_clear (struct container_state *st);
#define _cleanup_state_ __attribute__ ((cleanup (state_clear)))

/* The status from the live process: creating/created/running/stopped. */
enum container_status state_status (int dirfd, const struct container_state *st);
const char *state_status_name (enum container_status s);

/* Start time of PID (field 22 of /proc/PID/stat), 0 if it does not exist
 * or is a zombie. */
uint64_t proc_start_time (pid_t pid);

/* A pidfd for the recorded init, verified against the start time so a reused
 * pid is never signalled; -1 with errno ESRCH when the init is gone. */
int state_pidfd (const struct container_state *st);

/* The OCI state JSON (runc's fields), as text owned by the caller. */
char *state_to_json (const struct container_state *st, enum container_status status, bool pretty);

#endif
