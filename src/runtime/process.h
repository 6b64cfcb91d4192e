/* The container's init process: spawned with clone3 straight into its new
 * namespaces, then set up from the inside (see the sequence in sync.h). */
#ifndef BENTO_PROCESS_H
#define BENTO_PROCESS_H

#include "shared/error.h"

struct container;

/* Parent: open and type-check the namespaces to join (linux.namespaces[].path). */
int namespaces_open (struct container *c, bento_err *err);

/* Parent: start the init; on return c->pid and c->pidfd are set and the
 * init waits for SYNC_MAPS. */
int process_spawn (struct container *c, bento_err *err);

/* Shared with exec (the same steps, for a process joining a container). */
#include "spec/spec.h"
#include <stdbool.h>
/* Is setgroups(2) allowed in our user namespace ("deny" after a single-id
 * map written without privileges)? */
bool process_setgroups_allowed (void);
/* runc's lookup of args[0]: as is with a slash, else in the process's PATH;
 * errors worded as runc's (`exec: "x": executable file not found in $PATH`). */
int process_find_executable (const struct bento_process *p, char **out, bento_err *err);
/* Default dispositions and an empty mask, for what execve passes on. */
void process_reset_signals (void);

#endif
