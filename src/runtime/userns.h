/* User namespaces: is bento rootless, and becoming root inside a new one. */
#ifndef BENTO_USERNS_H
#define BENTO_USERNS_H

#include "shared/error.h"
#include "spec/spec.h"

#include <stdbool.h>

/* Does bento run in a user namespace other than the initial one (e.g. inside
 * rootless podman's)?  Then it is root only over what that namespace owns. */
bool userns_in_child_ns (void);

/* In the init, after the parent wrote the maps: take uid/gid 0 of the new
 * namespace when it is mapped, so the setup runs as the container's root. */
int userns_become_root (const struct bento_spec *spec, bento_err *err);

/* Write the maps of the new user namespace of PID (from the parent). */
int userns_write_maps (pid_t pid, const struct bento_spec *spec, bento_err *err);

#endif
