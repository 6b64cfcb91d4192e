/* The process's identity and limits, applied in the init just before it
 * waits for `start`: rlimits, the bounding set, groups, gid, uid, the other
 * capability sets, umask, no_new_privs. */
#ifndef BENTO_USER_H
#define BENTO_USER_H

#include "shared/error.h"
#include "spec/spec.h"

#include <stdbool.h>

int rlimits_apply (const struct bento_process *p, bento_err *err);
int user_apply (const struct bento_process *p, bool setgroups_allowed, bento_err *err);

#endif
