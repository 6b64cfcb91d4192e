/* bento kill [--all] ID [SIGNAL]   (default SIGTERM; names with or
 * without SIG, or numbers) */
#include "cli/common.h"
#include "cli/verbs.h"
#include <string.h>
#include "runtime/container.h"
#include "shared/cleanup.h"

#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

int
cmd_kill (struct bento_global *g, int argc, char **argv)
{
  /* `kill ID [SIGNAL]` of a runtime container; else the engine's
   * `kill [-s SIGNAL] NAME...` */
  const char *first = cli_first_positional (argc, argv);
  bool engine_flag = false;
  for (int i = 1; i < argc; i++)
    engine_flag |= strcmp (argv[i], "-s") == 0 || strncmp (argv[i], "--signal", 8) == 0;
  if (engine_flag || first == NULL || !cli_runtime_has (g, first))
    return cli_to_engine ("kill", g, argc, argv);
  static const struct option opts[] = { { "all", no_argument, NULL, 'a' }, { NULL, 0, NULL, 0 } };
  bool all = false;
  int ch;
  while ((ch = getopt_long_only (argc, argv, "+a", opts, NULL)) != -1)
    {
      if (ch != 'a')
        return 1;
      all = true;
    }
  if (optind >= argc || argc - optind > 2)
    {
      fprintf (stderr, "bento kill: usage: bento kill [--all] ID [SIGNAL]\n");
      return 1;
    }
  const char *id = argv[optind];
  int sig = SIGTERM;
  if (argc - optind == 2 && (sig = cli_parse_signal (argv[optind + 1])) < 0)
    {
      fprintf (stderr, "bento: unknown signal `%s`\n", argv[optind + 1]);
      return 1;
    }
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  _cleanup_free_ char *root = cli_state_root (g);
  _cleanup_close_ int rootfd = -1;
  if (root == NULL)
    return 1;
  if (state_root_open (root, false, &rootfd, &err) < 0 || container_kill (rootfd, id, sig, all, &err) < 0)
    return cli_fail (&err, 1);
  return 0;
}
