/* bento start ID: release a created container's init. */
#include "cli/common.h"
#include "cli/verbs.h"
#include "runtime/container.h"
#include "shared/cleanup.h"

#include <getopt.h>
#include <stdio.h>

int
cmd_start (struct bento_global *g, int argc, char **argv)
{
  /* `start ID` of a runtime container (a bundle's); else the engine's
   * `start [-a] NAME...` */
  const char *first = cli_first_positional (argc, argv);
  if (argc != 2 || first == NULL || !cli_runtime_has (g, first))
    return cli_to_engine ("start", g, argc, argv);
  static const struct option opts[] = { { NULL, 0, NULL, 0 } };
  if (getopt_long_only (argc, argv, "+", opts, NULL) != -1)
    return 1;
  const char *id = cli_one_id (argc, argv, "start");
  if (id == NULL)
    return 1;
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  _cleanup_free_ char *root = cli_state_root (g);
  _cleanup_close_ int rootfd = -1;
  if (root == NULL)
    return 1;
  if (state_root_open (root, false, &rootfd, &err) < 0 || container_start (rootfd, id, &err) < 0)
    return cli_fail (&err, 1);
  return 0;
}
