/* bento delete [--force] ID */
#include "cli/common.h"
#include "cli/verbs.h"
#include "runtime/container.h"
#include "shared/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <getopt.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>

int
cmd_delete (struct bento_global *g, int argc, char **argv)
{
  static const struct option opts[] = { { "force", no_argument, NULL, 'f' }, { NULL, 0, NULL, 0 } };
  bool force = false;
  int ch;
  while ((ch = getopt_long_only (argc, argv, "+f", opts, NULL)) != -1)
    {
      if (ch != 'f')
        return 1;
      force = true;
    }
  const char *id = cli_one_id (argc, argv, "delete");
  if (id == NULL)
    return 1;
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  _cleanup_free_ char *root = cli_state_root (g);
  _cleanup_close_ int rootfd = -1;
  if (root == NULL)
    return 1;
  if (state_root_open (root, false, &rootfd, &err) < 0)
    {
      /* runc: deleting with --force what does not exist is not an error. */
      if (force && err.errnum == ENOENT)
        return 0;
      return cli_fail (&err, 1);
    }
  if (force && state_validate_id (id, &err) == 0 && faccessat (rootfd, id, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
    return 0;
  if (container_delete (rootfd, id, force, &err) < 0)
    return cli_fail (&err, 1);
  return 0;
}
