/* OCI hooks: each runs with the container's state JSON on stdin, its own
 * args and env, and a timeout after which it is killed. */
#ifndef BENTO_HOOKS_H
#define BENTO_HOOKS_H

#include "shared/error.h"
#include "spec/spec.h"

#include <stdbool.h>

bool hooks_any (const struct bento_spec *s, enum bento_hook_kind k);
/* Run every hook of kind K in order; stop at the first failure. */
int hooks_run (const struct bento_spec *s, enum bento_hook_kind k, const char *state_json, bento_err *err);

#endif
