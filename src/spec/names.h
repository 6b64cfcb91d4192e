/* Name tables of the OCI config: capabilities, rlimits, mount options,
 * seccomp actions/operators/architectures/flags, namespace types.  Also used
 * by `bento features` to say what bento understands. */
#ifndef BENTO_SPEC_NAMES_H
#define BENTO_SPEC_NAMES_H

#include "spec/spec.h"

#include <stdbool.h>
#include <stdint.h>

/* "CAP_SYS_ADMIN" -> 21; -1 if unknown. */
int spec_cap_from_name (const char *name);
const char *spec_cap_name (int cap); /* NULL if unknown */
int spec_cap_count (void);           /* number of capabilities bento knows */

/* "RLIMIT_NOFILE" -> RLIMIT_NOFILE; -1 if unknown. */
int spec_rlimit_from_name (const char *name);
const char *spec_rlimit_name (int resource);

/* Apply one mount option to M (flags, clear_flags, propagation, bind,
 * recursive, attr_set/attr_clr).  Returns 1 when the option is one of
 * bento's known options, 0 when it is filesystem data. */
int spec_mount_option (const char *opt, struct bento_mount *m);
/* Every known mount option, NULL-terminated (for `bento features`). */
const char *const *spec_mount_option_names (void);

/* "SCMP_ACT_ERRNO" -> SCMP_ACT_ERRNO(0) etc.; -1 if unknown. */
int spec_seccomp_action (const char *name, uint32_t *out);
int spec_seccomp_op (const char *name, int *out);
bool spec_seccomp_arch_known (const char *name);
bool spec_seccomp_flag_known (const char *name);
const char *const *spec_seccomp_action_names (void);
const char *const *spec_seccomp_op_names (void);
const char *const *spec_seccomp_arch_names (void);
const char *const *spec_seccomp_flag_names (void);

/* "network" -> BENTO_NS_NET; -1 if unknown. */
int spec_ns_from_name (const char *name);

#endif
