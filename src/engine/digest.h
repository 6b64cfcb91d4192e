/* Content digests ("sha256:<hex>", "sha512:<hex>") with OpenSSL's libcrypto:
 * validation of digest strings from outside, and streaming hashing. */
#ifndef BENTO_ENGINE_DIGEST_H
#define BENTO_ENGINE_DIGEST_H

#include "shared/error.h"

#include <stdbool.h>
#include <stddef.h>

/* "sha512:" + 128 hex digits + NUL */
#define DIGEST_MAX 136

/* A digest string as the image spec allows it for content we can verify:
 * sha256 (64 lowercase hex digits) or sha512 (128).  WHAT names the
 * field in the error. */
int digest_check (const char *digest, const char *what, bento_err *err);
bool digest_valid (const char *digest);

/* The hex part of a valid digest (after the colon). */
const char *digest_hex (const char *digest);

struct digester;

/* ALGO is "sha256" or "sha512", or a full digest whose algorithm is used. */
struct digester *digester_new (const char *algo);
void digester_update (struct digester *d, const void *buf, size_t len);
/* Writes "algo:hex" into OUT (DIGEST_MAX bytes); the digester can be reused
 * after digester_reset. */
void digester_final (struct digester *d, char out[DIGEST_MAX]);
void digester_free (struct digester *d);

/* One-shot digest of a buffer into OUT. */
int digest_buffer (const char *algo, const void *buf, size_t len, char out[DIGEST_MAX]);

static inline void
digester_freep (struct digester **d)
{
  if (*d)
    digester_free (*d);
}
#define _cleanup_digester_ __attribute__ ((cleanup (digester_freep)))

#endif
