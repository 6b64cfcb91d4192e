/* Registry credentials in Docker's config.json format:
 *   {"auths": {"HOST[:PORT]": {"auth": base64("user:password")}}}
 * kept 0600 in the user's config dir ($XDG_CONFIG_HOME/bento/config.json,
 * ~/.config/bento/config.json), or $REGISTRY_AUTH_FILE, or --authfile.
 * Docker Hub's key is "https://index.docker.io/v1/", as Docker writes it. */
#ifndef BENTO_ENGINE_AUTH_H
#define BENTO_ENGINE_AUTH_H

#include "shared/error.h"

char *auth_default_path (void);
/* 1 with USER and PASS set when DOMAIN has credentials, 0 when not. */
int auth_lookup (const char *path, const char *domain, char **user, char **pass, bento_err *err);
int auth_store (const char *path, const char *domain, const char *user, const char *pass, bento_err *err);
/* 1 when removed, 0 when there was nothing. */
int auth_remove (const char *path, const char *domain, bento_err *err);

#endif
