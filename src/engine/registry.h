/* A client of the distribution API (distribution-spec spec.md) over
 * libcurl: manifests and blobs of one registry, with Docker's token
 * authentication (a 401 with `WWW-Authenticate: Bearer realm=..,
 * service=.., scope=..` sends us to the realm for a token, cached per
 * scope) and basic authentication from the credentials file.
 *
 * Transport: localhost/127.0.0.0/8/::1 are plain HTTP unless tls_verify is
 * set or the cert dir has CA certificates (*.crt) for them; others HTTPS
 * with the system CAs plus any *.crt in the cert dir (default
 * certs.d/HOST[:PORT] in the config dir, /etc/bento as root); tls_verify
 * false skips verification (and falls back to HTTP when the
 * server does not speak TLS).  HTTP/2 is used where the server offers it.
 * Credentials never follow a redirect to another host (curl's rule, for
 * both the basic and the bearer kind).
 *
 * One registry may be used from several threads, each with its own
 * registry_conn (a curl handle, so a kept-alive connection). */
#ifndef BENTO_ENGINE_REGISTRY_H
#define BENTO_ENGINE_REGISTRY_H

#include "engine/digest.h"
#include "shared/error.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct registry_opts
{
  int tls_verify;            /* -1 default, 0 --tls-verify=false, 1 --tls-verify=true */
  const char *cert_dir;      /* CA certificates (*.crt); NULL: certs.d/<host> in the config dir */
  const char *auth_file;     /* NULL: auth_default_path () */
  const char *user, *pass;   /* explicit credentials (login), or NULL */
  volatile sig_atomic_t *cancel; /* set (by a signal handler) to stop every transfer */
  volatile sig_atomic_t *cancel_too; /* another such flag: either stops them */
};

struct registry;
struct registry_conn;

int registry_new (const char *domain, const struct registry_opts *o, struct registry **out, bento_err *err);
void registry_free (struct registry *r);

struct registry_conn *registry_conn_new (struct registry *r);
void registry_conn_free (struct registry_conn *c);
static inline void
registry_conn_freep (struct registry_conn **c)
{
  registry_conn_free (*c);
}

/* GET /v2/REPO/manifests/REF (a tag or a digest); at most 4 MiB.  A REF
 * that is a digest is verified; *DIGEST is the body's sha256. */
int registry_get_manifest (struct registry_conn *c, const char *repo, const char *ref, char **buf, size_t *len,
                           char **content_type, char digest[DIGEST_MAX], bento_err *err);

/* GET /v2/REPO/blobs/DIGEST into memory (at most MAX bytes), verified. */
int registry_get_blob (struct registry_conn *c, const char *repo, const char *digest, size_t max, char **buf,
                       size_t *len, bento_err *err);

/* GET /v2/REPO/blobs/DIGEST streamed: WRITE gets every byte as it comes
 * (return -1 to stop, with its own error in *err); the caller verifies. */
typedef int (*registry_write_fn) (void *ctx, const void *buf, size_t len, bento_err *err);
int registry_stream_blob (struct registry_conn *c, const char *repo, const char *digest, registry_write_fn write,
                          void *ctx, bento_err *err);

/* GET /v2/ with the credentials (bento login): 0 when they are accepted. */
int registry_check_login (struct registry_conn *c, bento_err *err);

/* "http" or "https", for messages. */
const char *registry_scheme (const struct registry *r);

#endif
