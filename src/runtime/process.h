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

#endif
