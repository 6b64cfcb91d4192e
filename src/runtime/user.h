/* The process's identity and limits, applied in the init just before it
 * waits for `start`: rlimits, the bounding set, groups, gid, uid, the other
 * capability sets, umask, no_new_privs. */
#ifndef BENTO_USER_H
#define BENTO_USER_H

#include "shared/error.h"
#include "spec/spec.h"

#include <stdbool.h>

/* Resolve process.user.name ("name[:group]", each a name or a number) in
 * the container's /etc/passwd and /etc/group, as docker does for -u and an
 * image's User: uid, primary gid, and the supplementary groups that list
 * the user. */
int user_resolve_name (struct bento_process *p, bento_err *err);

int rlimits_apply (const struct bento_process *p, bento_err *err);
int user_apply (const struct bento_process *p, bool setgroups_allowed, bento_err *err);

#endif
