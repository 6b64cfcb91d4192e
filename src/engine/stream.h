/* A decompressing reader over an fd: gzip (zlib, concatenated members
 * too), zstd (libzstd) or plain, sniffed from the first bytes, hashing the
 * decompressed bytes as they pass (a layer's diff-id). */
#ifndef BENTO_ENGINE_STREAM_H
#define BENTO_ENGINE_STREAM_H

#include "engine/digest.h"
#include "shared/error.h"

#include <stdint.h>
#include <sys/types.h>

struct dstream;

struct dstream *dstream_new (int fd);
void dstream_free (struct dstream *s);
/* The next decompressed chunk in *BUF: its length, 0 at the clean end of
 * the stream, -1 on a read error or corrupt or truncated data. */
ssize_t dstream_read (struct dstream *s, const void **buf, bento_err *err);
/* Digest of everything returned so far. */
void dstream_digest (struct dstream *s, char out[DIGEST_MAX]);
/* "gzip", "zstd" or "none" once sniffed, else "?". */
const char *dstream_kind (const struct dstream *s);

#endif
