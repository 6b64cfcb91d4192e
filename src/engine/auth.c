#include "engine/auth.h"
#include "engine/fsutil.h"
#include "shared/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define AUTH_MAX (1 << 20)

char *
auth_default_path (void)
{
  const char *env = getenv ("REGISTRY_AUTH_FILE");
  if (env && *env)
    return strdup (env);
  return user_bento_path ("XDG_CONFIG_HOME", ".config", "config.json");
}

static const char *
auth_key (const char *domain)
{
  return strcmp (domain, "docker.io") == 0 ? "https://index.docker.io/v1/" : domain;
}

static json_t *
load_config (const char *path, bento_err *err)
{
  _cleanup_free_ char *buf = NULL;
  size_t len;
  bento_err rerr = BENTO_ERR_INIT;
  if (read_file_at (AT_FDCWD, path, AUTH_MAX, &buf, &len, &rerr) < 0)
    {
      if (rerr.errnum == ENOENT)
        {
          bento_err_clear (&rerr);
          return json_object ();
        }
      *err = rerr;
      bento_err_wrap (err, "credentials");
      return NULL;
    }
  json_error_t jerr;
  json_t *root = json_loadb (buf, len, 0, &jerr);
  if (root == NULL || !json_is_object (root))
    {
      json_decref (root);
      bento_err_make (err, 0, "credentials `%s`: not a JSON object (line %d: %s)", path, jerr.line, jerr.text);
      return NULL;
    }
  return root;
}

int
auth_lookup (const char *path, const char *domain, char **user, char **pass, bento_err *err)
{
  _cleanup_ (json_decrefp) json_t *root = load_config (path, err);
  if (root == NULL)
    return -1;
  json_t *auths = json_object_get (root, "auths");
  json_t *entry = json_object_get (auths, auth_key (domain));
  if (entry == NULL && strcmp (domain, "docker.io") == 0)
    entry = json_object_get (auths, "docker.io");
  const char *b64 = json_string_value (json_object_get (entry, "auth"));
  if (b64 == NULL || *b64 == '\0')
    return 0;
  size_t n = strlen (b64);
  _cleanup_free_ unsigned char *raw = malloc (n + 1);
  if (raw == NULL)
    return bento_err_make (err, ENOMEM, "credentials");
  int len = EVP_DecodeBlock (raw, (const unsigned char *) b64, (int) n);
  if (len < 0)
    return bento_err_make (err, 0, "credentials `%s`: auths.%s.auth is not base64", path, auth_key (domain));
  /* EVP_DecodeBlock counts the padding as zero bytes */
  while (n > 0 && b64[n - 1] == '=' && len > 0)
    n--, len--;
  raw[len] = '\0';
  char *colon = strchr ((char *) raw, ':');
  if (colon == NULL)
    return bento_err_make (err, 0, "credentials `%s`: auths.%s.auth is not user:password", path, auth_key (domain));
  *colon = '\0';
  *user = strdup ((char *) raw);
  *pass = strdup (colon + 1);
  if (*user == NULL || *pass == NULL)
    return bento_err_make (err, ENOMEM, "credentials");
  return 1;
}

static int
save_config (const char *path, json_t *root, bento_err *err)
{
  _cleanup_free_ char *dir = strdup (path);
  char *slash = dir ? strrchr (dir, '/') : NULL;
  if (dir == NULL)
    return bento_err_make (err, ENOMEM, "credentials");
  if (slash && slash != dir)
    {
      *slash = '\0';
      if (mkdir_p (dir, 0700, err) < 0)
        return -1;
    }
  _cleanup_free_ char *text = json_dumps (root, JSON_INDENT (1));
  if (text == NULL)
    return bento_err_make (err, ENOMEM, "credentials");
  /* written 0600 under a temp name, renamed over the old file */
  if (write_file_atomic_at (AT_FDCWD, path, text, strlen (text), 0600, err) < 0)
    return bento_err_wrap (err, "credentials");
  return chmod (path, 0600) < 0 ? bento_err_make (err, errno, "chmod `%s`", path) : 0;
}

int
auth_store (const char *path, const char *domain, const char *user, const char *pass, bento_err *err)
{
  _cleanup_ (json_decrefp) json_t *root = load_config (path, err);
  if (root == NULL)
    return -1;
  _cleanup_free_ char *plain = NULL;
  if ((plain = xasprintf ("%s:%s", user, pass)) == NULL)
    return bento_err_make (err, ENOMEM, "credentials");
  size_t n = strlen (plain);
  _cleanup_free_ unsigned char *b64 = malloc (4 * ((n + 2) / 3) + 1);
  if (b64 == NULL)
    return bento_err_make (err, ENOMEM, "credentials");
  EVP_EncodeBlock (b64, (const unsigned char *) plain, (int) n);
  json_t *auths = json_object_get (root, "auths");
  if (!json_is_object (auths))
    {
      auths = json_object ();
      json_object_set_new (root, "auths", auths);
    }
  json_object_set_new (auths, auth_key (domain), json_pack ("{s:s}", "auth", (char *) b64));
  return save_config (path, root, err);
}

int
auth_remove (const char *path, const char *domain, bento_err *err)
{
  _cleanup_ (json_decrefp) json_t *root = load_config (path, err);
  if (root == NULL)
    return -1;
  json_t *auths = json_object_get (root, "auths");
  if (json_object_del (auths, auth_key (domain)) != 0)
    return 0;
  return save_config (path, root, err) < 0 ? -1 : 1;
}
