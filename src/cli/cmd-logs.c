/* bento logs [-f] [-t] [--since TIME|DURATION] [--tail N] CONTAINER */
#include "cli/engine-cli.h"
#include "cli/image-cli.h"
#include "cli/verbs.h"
#include "engine/logs.h"
#include "shared/cleanup.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
cmd_logs (struct bento_global *g, int argc, char **argv)
{
  static const struct option opts[] = {
    { "follow", no_argument, NULL, 'f' },       { "timestamps", no_argument, NULL, 't' },
    { "since", required_argument, NULL, 's' },  { "tail", required_argument, NULL, 'n' },
    { NULL, 0, NULL, 0 },
  };
  struct logs_opts o = { .tail = -1 };
  int ch;
  char *end;
  optind = 0;
  while ((ch = getopt_long (argc, argv, "+ftn:", opts, NULL)) != -1)
    switch (ch)
      {
      case 'f': o.follow = true; break;
      case 't': o.timestamps = true; break;
      case 's': o.since = optarg; break;
      case 'n':
        o.tail = strcmp (optarg, "all") == 0 ? -1 : strtol (optarg, &end, 10);
        if (strcmp (optarg, "all") != 0 && (*end || o.tail < 0))
          {
            fprintf (stderr, "bento logs: --tail `%s`: not a number\n", optarg);
            return ENGINE_EXIT_FAILED;
          }
        break;
      default: return ENGINE_EXIT_FAILED;
      }
  if (optind + 1 != argc)
    {
      fprintf (stderr, "bento logs: want exactly one container\n");
      return ENGINE_EXIT_FAILED;
    }
  struct engine e;
  int status;
  if ((status = cli_engine_open (g, &e)) != 0)
    return status;
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  struct ctr c;
  if (ctr_find (e.store, argv[optind], &c, &err) < 0 || logs_print (&e, &c, &o, &err) < 0)
    status = image_cli_fail (&err);
  ctr_close (&c);
  cli_engine_close (&e);
  return status;
}
