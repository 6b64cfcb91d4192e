/* What the image verbs share: opening the store from the global options,
 * reporting an error as the one line, and size/time formatting. */
#ifndef BENTO_CLI_IMAGE_CLI_H
#define BENTO_CLI_IMAGE_CLI_H

#include "cli/cli.h"
#include "engine/store.h"
#include "shared/error.h"

#include <stddef.h>
#include <stdint.h>

/* NULL after printing the error. */
struct store *image_cli_store (struct bento_global *g);
/* Print the error line; returns BENTO_EXIT_FAILURE. */
int image_cli_fail (bento_err *err);
/* "1.2 MB" (SI units, as docker and podman print sizes). */
void image_cli_size (int64_t bytes, char *buf, size_t len);
/* "3 hours ago" from an RFC 3339 time; "" when unknown. */
void image_cli_ago (const char *rfc3339, char *buf, size_t len);
/* The registry options of pull and login, for their getopt tables:
 * --tls-verify[=BOOL], --cert-dir DIR, --authfile FILE. */
#define IMAGE_CLI_REGISTRY_OPTIONS                                             \
  { "tls-verify", optional_argument, NULL, 0x1001 },                           \
  { "cert-dir", required_argument, NULL, 0x1002 },                             \
  { "authfile", required_argument, NULL, 0x1003 }
struct registry_opts;
/* Handle one of them; -1 for anything else (a usage error). */
int image_cli_registry_option (int c, const char *arg, struct registry_opts *o);

/* An option that wants an argument, or a usage line. */
int image_cli_usage (const char *usage);

#endif
