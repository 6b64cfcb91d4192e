#include "engine/digest.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

struct digester
{
  EVP_MD_CTX *ctx;
  char algo[8];
};

static size_t
hex_len_of (const char *algo, size_t algo_len)
{
  if (algo_len == 6 && strncmp (algo, "sha256", 6) == 0)
    return 64;
  if (algo_len == 6 && strncmp (algo, "sha512", 6) == 0)
    return 128;
  return 0;
}

int
digest_check (const char *digest, const char *what, bento_err *err)
{
  const char *colon = digest ? strchr (digest, ':') : NULL;
  if (colon == NULL)
    return bento_err_make (err, 0, "%s: `%s` is not a digest (want sha256:<hex>)", what, digest ? digest : "");
  size_t want = hex_len_of (digest, (size_t) (colon - digest));
  if (want == 0)
    return bento_err_make (err, 0, "%s: unsupported digest algorithm in `%.*s`", what, (int) (colon - digest),
                           digest);
  const char *hex = colon + 1;
  size_t n = strspn (hex, "0123456789abcdef");
  if (n != want || hex[n] != '\0')
    return bento_err_make (err, 0, "%s: malformed digest `%s`", what, digest);
  return 0;
}

bool
digest_valid (const char *digest)
{
  bento_err err = BENTO_ERR_INIT;
  int r = digest_check (digest, "", &err);
  bento_err_clear (&err);
  return r == 0;
}

const char *
digest_hex (const char *digest)
{
  const char *colon = strchr (digest, ':');
  return colon ? colon + 1 : digest;
}

struct digester *
digester_new (const char *algo)
{
  const EVP_MD *md;
  const char *name = strncmp (algo, "sha512", 6) == 0 ? "sha512" : "sha256";
  md = strcmp (name, "sha512") == 0 ? EVP_sha512 () : EVP_sha256 ();
  struct digester *d = calloc (1, sizeof *d);
  if (d == NULL)
    return NULL;
  d->ctx = EVP_MD_CTX_new ();
  if (d->ctx == NULL || EVP_DigestInit_ex (d->ctx, md, NULL) != 1)
    {
      digester_free (d);
      errno = ENOMEM;
      return NULL;
    }
  strcpy (d->algo, name);
  return d;
}

void
digester_update (struct digester *d, const void *buf, size_t len)
{
  if (len > 0)
    EVP_DigestUpdate (d->ctx, buf, len);
}

void
digester_final (struct digester *d, char out[DIGEST_MAX])
{
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  static const char hexd[] = "0123456789abcdef";
  EVP_DigestFinal_ex (d->ctx, md, &n);
  size_t off = (size_t) snprintf (out, DIGEST_MAX, "%s:", d->algo);
  for (unsigned int i = 0; i < n && off + 2 < DIGEST_MAX; i++)
    {
      out[off++] = hexd[md[i] >> 4];
      out[off++] = hexd[md[i] & 15];
    }
  out[off] = '\0';
}

void
digester_free (struct digester *d)
{
  if (d == NULL)
    return;
  EVP_MD_CTX_free (d->ctx);
  free (d);
}

int
digest_buffer (const char *algo, const void *buf, size_t len, char out[DIGEST_MAX])
{
  struct digester *d = digester_new (algo);
  if (d == NULL)
    return -1;
  digester_update (d, buf, len);
  digester_final (d, out);
  digester_free (d);
  return 0;
}
