/* bento state ID: the OCI state as JSON. */
#include "cli/common.h"
#include "cli/verbs.h"
#include "runtime/state.h"
#include "shared/cleanup.h"

#include <getopt.h>
#include <stdio.h>

int
cmd_state (struct bento_global *g, int argc, char **argv)
{
  static const struct option opts[] = { { NULL, 0, NULL, 0 } };
  if (getopt_long_only (argc, argv, "+", opts, NULL) != -1)
    return 1;
  const char *id = cli_one_id (argc, argv, "state");
  if (id == NULL)
    return 1;
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  _cleanup_free_ char *root = cli_state_root (g);
  _cleanup_close_ int rootfd = -1, dirfd = -1;
  struct container_state st = { 0 };
  if (root == NULL)
    return 1;
  if (state_root_open (root, false, &rootfd, &err) < 0 || state_open_dir (rootfd, id, &dirfd, &err) < 0
      || state_read (dirfd, &st, &err) < 0)
    {
      state_clear (&st);
      return cli_fail (&err, 1);
    }
  _cleanup_free_ char *json = state_to_json (&st, state_status (dirfd, &st), true);
  state_clear (&st);
  if (json == NULL)
    return 1;
  printf ("%s\n", json);
  return 0;
}
