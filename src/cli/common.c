#include "cli/common.h"
#include "runtime/state.h"
#include "shared/cleanup.h"
#include "shared/signals.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *
cli_state_root (const struct bento_global *g)
{
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  char *root = NULL;
  if (g->root)
    root = strdup (g->root);
  else if (state_root_default (&root, &err) < 0)
    {
      cli_fail (&err, 1);
      return NULL;
    }
  return root;
}

int
cli_fail (bento_err *err, int exit_code)
{
  bento_err_report (err, "bento");
  return exit_code;
}

const char *
cli_one_id (int argc, char **argv, const char *verb)
{
  if (optind >= argc)
    {
      fprintf (stderr, "bento %s: missing container id (usage: bento %s [OPTIONS] ID)\n", verb, verb);
      return NULL;
    }
  if (optind + 1 < argc)
    {
      fprintf (stderr, "bento %s: unexpected argument `%s`\n", verb, argv[optind + 1]);
      return NULL;
    }
  return argv[optind];
}

int
cli_parse_signal (const char *s)
{
  return signal_from_name (s);
}

bool
cli_runtime_has (const struct bento_global *g, const char *id)
{
  _cleanup_free_ char *root = cli_state_root (g);
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  if (root == NULL || state_validate_id (id, &err) < 0)
    return false;
  _cleanup_free_ char *path = NULL;
  if (asprintf (&path, "%s/%s", root, id) < 0)
    return false;
  return access (path, F_OK) == 0;
}

/* The first argument that is not an option. */
const char *
cli_first_positional (int argc, char **argv)
{
  for (int i = 1; i < argc; i++)
    if (argv[i][0] != '-')
      return argv[i];
  return NULL;
}

bool
cli_is_oci_invocation (int argc, char **argv)
{
  static const char *const oci_only[] = { "bundle", "pid-file", "console-socket", "no-pivot", "preserve-fds",
                                          "keep", "no-new-keyring", "no-subreaper", NULL };
  int positional = 0;
  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      if (a[0] != '-')
        {
          positional++;
          continue;
        }
      if (strcmp (a, "-b") == 0)
        return true;
      const char *name = a + (a[1] == '-' ? 2 : 1);
      for (const char *const *o = oci_only; *o; o++)
        if (strncmp (name, *o, strlen (*o)) == 0 && (name[strlen (*o)] == '\0' || name[strlen (*o)] == '='))
          return true;
    }
  return positional == 1 && access ("config.json", F_OK) == 0;
}

