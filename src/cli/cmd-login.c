/* bento login [-u USER] [-p PASSWORD | --password-stdin] [--tls-verify[=BOOL]]
 *             [--cert-dir DIR] [--authfile FILE] REGISTRY
 * bento logout [--authfile FILE] REGISTRY
 * The credentials are checked against the registry, then kept in Docker's
 * config.json format (engine/auth.h), mode 0600. */
#include "cli/image-cli.h"
#include "cli/verbs.h"
#include "engine/auth.h"
#include "engine/reference.h"
#include "engine/registry.h"
#include "engine/fsutil.h"
#include "shared/cleanup.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *
read_password_stdin (void)
{
  char *line = NULL;
  size_t cap = 0;
  ssize_t n = getline (&line, &cap, stdin);
  if (n < 0)
    {
      free (line);
      return NULL;
    }
  while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
    line[--n] = '\0';
  return line;
}

/* "docker.io" for Docker Hub's spellings, else the registry as given */
static char *
registry_domain (const char *arg, bento_err *err)
{
  const char *a = arg;
  if (strncmp (a, "https://", 8) == 0)
    a += 8;
  else if (strncmp (a, "http://", 7) == 0)
    a += 7;
  _cleanup_free_ char *probe = NULL;
  if ((probe = xasprintf ("%.*s/x", (int) strcspn (a, "/"), a)) == NULL)
    return bento_err_make (err, ENOMEM, "login"), NULL;
  struct image_ref ref;
  if (ref_parse (probe, &ref, err) < 0)
    return bento_err_wrap (err, "registry `%s`", arg), NULL;
  char *d = ref.domain_given ? strdup (ref.domain) : strdup ("docker.io");
  if (strcmp (ref.domain, "index.docker.io") == 0 || strcmp (ref.domain, "registry-1.docker.io") == 0)
    {
      free (d);
      d = strdup ("docker.io");
    }
  ref_free (&ref);
  return d;
}

int
cmd_login (struct bento_global *g, int argc, char **argv)
{
  static const struct option opts[] = {
    { "username", required_argument, NULL, 'u' },
    { "password", required_argument, NULL, 'p' },
    { "password-stdin", no_argument, NULL, 'S' },
    IMAGE_CLI_REGISTRY_OPTIONS,
    { NULL, 0, NULL, 0 },
  };
  const char *usage = "bento login [-u USER] [-p PASSWORD | --password-stdin] [--tls-verify[=BOOL]] "
                      "[--cert-dir DIR] [--authfile FILE] REGISTRY";
  struct registry_opts ro = { .tls_verify = -1 };
  bool from_stdin = false;
  const char *password = NULL;
  int c;
  while ((c = getopt_long (argc, argv, "+u:p:", opts, NULL)) != -1)
    switch (c)
      {
      case 'u': ro.user = optarg; break;
      case 'p': password = optarg; break;
      case 'S': from_stdin = true; break;
      default:
        if (image_cli_registry_option (c, optarg, &ro) < 0)
          return image_cli_usage (usage);
      }
  if (optind != argc - 1 || ro.user == NULL || (password == NULL) == !from_stdin)
    return image_cli_usage (usage);
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  _cleanup_free_ char *pw = from_stdin ? read_password_stdin () : strdup (password);
  _cleanup_free_ char *domain = registry_domain (argv[optind], &err);
  _cleanup_free_ char *path = ro.auth_file ? strdup (ro.auth_file) : auth_default_path ();
  if (domain == NULL)
    return image_cli_fail (&err);
  if (pw == NULL || path == NULL)
    {
      fprintf (stderr, "bento: login: no password given\n");
      return BENTO_EXIT_FAILURE;
    }
  ro.pass = pw;
  struct registry *reg = NULL;
  struct registry_conn *conn = NULL;
  int r = registry_new (domain, &ro, &reg, &err);
  if (r == 0)
    {
      conn = registry_conn_new (reg);
      r = conn ? registry_check_login (conn, &err) : bento_err_make (&err, ENOMEM, "login");
    }
  registry_conn_free (conn);
  registry_free (reg);
  if (r < 0 || auth_store (path, domain, ro.user, pw, &err) < 0)
    {
      bento_err_wrap (&err, "login to `%s`", domain);
      return image_cli_fail (&err);
    }
  printf ("Login Succeeded!\n");
  return 0;
}

int
cmd_logout (struct bento_global *g, int argc, char **argv)
{
  static const struct option opts[] = {
    { "authfile", required_argument, NULL, 'A' },
    { NULL, 0, NULL, 0 },
  };
  const char *file = NULL;
  int c;
  while ((c = getopt_long (argc, argv, "+", opts, NULL)) != -1)
    switch (c)
      {
      case 'A': file = optarg; break;
      default: return image_cli_usage ("bento logout [--authfile FILE] REGISTRY");
      }
  if (optind != argc - 1)
    return image_cli_usage ("bento logout [--authfile FILE] REGISTRY");
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  _cleanup_free_ char *domain = registry_domain (argv[optind], &err);
  _cleanup_free_ char *path = file ? strdup (file) : auth_default_path ();
  if (domain == NULL)
    return image_cli_fail (&err);
  int r = path ? auth_remove (path, domain, &err) : -1;
  if (r < 0)
    return image_cli_fail (&err);
  if (r == 0)
    {
      fprintf (stderr, "bento: logout: not logged in to `%s`\n", domain);
      return BENTO_EXIT_FAILURE;
    }
  printf ("Removed login credentials for %s\n", domain);
  return 0;
}
