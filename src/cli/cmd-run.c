/* bento run [--bundle DIR] [--detach] [--keep] [--pid-file F] ... ID
 * create + start in one; in the foreground, wait and exit with the
 * container's status (128+signal when it was killed), then delete it. */
#include "cli/common.h"
#include "cli/create-opts.h"
#include "cli/verbs.h"
#include "shared/cleanup.h"

#include <stdlib.h>

static int
run_container (struct container *c, const struct create_opts *o, bento_err *err)
{
  c->use_fifo = false;
  c->detach = o->detach;
  if (container_create (c, err) < 0)
    return -1;
  int status = 0;
  if (container_start_direct (c, err) < 0 || (!o->detach && container_wait (c, &status, err) < 0))
    {
      bento_err ignored = BENTO_ERR_INIT;
      container_delete (c->rootfd, c->id, true, &ignored);
      bento_err_clear (&ignored);
      return -1;
    }
  if (!o->detach && !o->keep && container_delete (c->rootfd, c->id, true, err) < 0)
    return -1;
  return status;
}

int
cmd_run (struct bento_global *g, int argc, char **argv)
{
  if (!cli_is_oci_invocation (argc, argv))
    return cli_to_engine ("run", g, argc, argv);
  struct create_opts o;
  int r = create_opts_parse (argc, argv, true, &o);
  if (r >= 0)
    return r;
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  _cleanup_free_ char *root = NULL;
  struct container c;
  container_init (&c);
  if (create_opts_load (g, &o, &c, &root, &err) < 0)
    r = cli_fail (&err, 1);
  else if ((r = run_container (&c, &o, &err)) < 0)
    r = cli_fail (&err, 1);
  free ((char *) c.bundle);
  container_free (&c);
  return r;
}
