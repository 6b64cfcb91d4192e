/* bento spec [--rootless] [--bundle|-b DIR]: write a default config.json,
 * as `runc spec` does; never over an existing one. */
#include "cli/common.h"
#include "cli/verbs.h"
#include "shared/cleanup.h"
#include "spec/spec.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
cmd_spec (struct bento_global *g, int argc, char **argv)
{
  static const struct option opts[] = { { "rootless", no_argument, NULL, 'r' },
                                        { "bundle", required_argument, NULL, 'b' },
                                        { NULL, 0, NULL, 0 } };
  const char *bundle = ".";
  bool rootless = false;
  int ch;
  while ((ch = getopt_long_only (argc, argv, "+b:", opts, NULL)) != -1)
    {
      if (ch == 'r')
        rootless = true;
      else if (ch == 'b')
        bundle = optarg;
      else
        return 1;
    }
  if (optind < argc)
    {
      fprintf (stderr, "bento spec: unexpected argument `%s`\n", argv[optind]);
      return 1;
    }
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  _cleanup_free_ char *path = NULL, *text = spec_default_json (rootless);
  if (text == NULL || asprintf (&path, "%s/config.json", bundle) < 0)
    return cli_fail (&err, 1);
  _cleanup_close_ int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0 && errno == EEXIST)
    {
      bento_err_make (&err, 0, "File %s exists. Remove it first", path);
      return cli_fail (&err, 1);
    }
  size_t len = strlen (text);
  if (fd < 0 || write (fd, text, len) != (ssize_t) len || write (fd, "\n", 1) != 1)
    {
      bento_err_make (&err, errno, "write `%s`", path);
      return cli_fail (&err, 1);
    }
  return 0;
}
