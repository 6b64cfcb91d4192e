/* bento create [--bundle DIR] [--pid-file F] [--console-socket S] ID */
#include "cli/common.h"
#include "cli/create-opts.h"
#include "cli/verbs.h"
#include "shared/cleanup.h"

#include <stdlib.h>

int
cmd_create (struct bento_global *g, int argc, char **argv)
{
  if (!cli_is_oci_invocation (argc, argv))
    return cli_to_engine ("create", g, argc, argv);
  struct create_opts o;
  int r = create_opts_parse (argc, argv, false, &o);
  if (r >= 0)
    return r;
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  _cleanup_free_ char *root = NULL;
  struct container c;
  container_init (&c);
  c.use_fifo = true;
  c.detach = true;
  if (create_opts_load (g, &o, &c, &root, &err) < 0 || container_create (&c, &err) < 0)
    r = cli_fail (&err, 1);
  else
    r = 0;
  free ((char *) c.bundle);
  container_free (&c);
  return r;
}
