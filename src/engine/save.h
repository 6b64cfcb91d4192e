/* `bento save`: images as an oci-archive (a tar of an OCI image layout):
 * oci-layout, index.json with one entry per name (annotations
 * org.opencontainers.image.ref.name and io.containerd.image.name carry the
 * full name), and the blobs as they are stored, so digests survive the
 * round trip through `bento load`. */
#ifndef BENTO_ENGINE_SAVE_H
#define BENTO_ENGINE_SAVE_H

#include "engine/store.h"

/* PATH "-" writes to stdout; otherwise a temp file renamed into place. */
int image_save (struct store *s, char *const *queries, size_t n, const char *path, bento_err *err);

#endif
