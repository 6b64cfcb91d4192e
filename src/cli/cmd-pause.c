/* bento pause ID / bento resume ID: freeze and thaw the container's
 * cgroup (v1 freezer, v2 cgroup.freeze). */
#include "cli/common.h"
#include "cli/verbs.h"
#include "runtime/container.h"
#include "shared/cleanup.h"

#include <getopt.h>

static int
pause_or_resume (struct bento_global *g, int argc, char **argv, bool pause)
{
  static const struct option opts[] = { { NULL, 0, NULL, 0 } };
  if (getopt_long_only (argc, argv, "+", opts, NULL) != -1)
    return 1;
  const char *id = cli_one_id (argc, argv, pause ? "pause" : "resume");
  if (id == NULL)
    return 1;
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  _cleanup_free_ char *root = cli_state_root (g);
  _cleanup_close_ int rootfd = -1;
  if (root == NULL)
    return 1;
  if (state_root_open (root, false, &rootfd, &err) < 0 || container_pause (rootfd, id, pause, &err) < 0)
    return cli_fail (&err, 1);
  return 0;
}

int
cmd_pause (struct bento_global *g, int argc, char **argv)
{
  return pause_or_resume (g, argc, argv, true);
}

int
cmd_resume (struct bento_global *g, int argc, char **argv)
{
  return pause_or_resume (g, argc, argv, false);
}
