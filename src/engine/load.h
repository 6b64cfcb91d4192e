/* `bento load`: images from a docker-archive (docker save), an
 * oci-archive (tar of an OCI image layout, maybe compressed) or an OCI
 * image layout directory.  Blobs are staged and verified in the store's
 * tmp/, layers unpacked, and only then is anything committed. */
#ifndef BENTO_ENGINE_LOAD_H
#define BENTO_ENGINE_LOAD_H

#include "engine/store.h"

/* PATH "-" reads a tar from stdin.  *LOADED: "NAME" or "sha256:ID" of each
 * image loaded (NULL-terminated). */
int image_load (struct store *s, const char *path, char ***loaded, bento_err *err);

#endif
