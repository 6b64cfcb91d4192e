/* The engine's default seccomp profile: what podman (containers/common's
 * default profile) and docker apply to a container that does not ask for
 * `--security-opt seccomp=...`. */
#ifndef BENTO_SECCOMP_DEFAULT_H
#define BENTO_SECCOMP_DEFAULT_H

#include "shared/error.h"
#include "spec/spec.h"

#include <jansson.h>
#include <stdint.h>

/* Build the profile for the machine's own architecture (and the ones it
 * runs natively: x86 and x32 on x86_64, arm on aarch64, ...) and a
 * container whose bounding set is BOUNDING (bit N = capability N): rules
 * that need a capability are in only when it is there, as podman does.
 * Unlisted syscalls fail with ENOSYS (new syscalls look unimplemented, so
 * programs fall back); the dangerous listed ones with EPERM.  *out is freed
 * with spec_seccomp_free(), or by spec_free() once in a spec. */
int seccomp_default_profile (uint64_t bounding, struct bento_seccomp **out, bento_err *err);

/* S as the OCI config's linux.seccomp object (new reference), for the
 * config.json the engine writes; NULL when out of memory. */
json_t *seccomp_profile_json (const struct bento_seccomp *s);

/* The name podman's profile uses for this machine ("amd64", "arm64", ...). */
const char *seccomp_default_native_arch (void);

#endif
