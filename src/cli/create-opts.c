#include "cli/create-opts.h"
#include "cli/common.h"
#include "shared/cleanup.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
create_opts_parse (int argc, char **argv, bool run, struct create_opts *o)
{
  enum { O_PID = 256, O_CONSOLE, O_PRESERVE, O_NOPIVOT, O_KEEP, O_IGNORE };
  static const struct option opts[] = {
    { "bundle", required_argument, NULL, 'b' },
    { "pid-file", required_argument, NULL, O_PID },
    { "console-socket", required_argument, NULL, O_CONSOLE },
    { "preserve-fds", required_argument, NULL, O_PRESERVE },
    { "no-pivot", no_argument, NULL, O_NOPIVOT },
    { "no-new-keyring", no_argument, NULL, O_IGNORE },
    { "no-subreaper", no_argument, NULL, O_IGNORE },
    { "detach", no_argument, NULL, 'd' },
    { "keep", no_argument, NULL, O_KEEP },
    { NULL, 0, NULL, 0 },
  };
  const char *verb = run ? "run" : "create";
  int ch;
  memset (o, 0, sizeof *o);
  o->bundle = ".";
  /* getopt_long_only: runc (urfave/cli) takes -bundle as well as --bundle. */
  while ((ch = getopt_long_only (argc, argv, run ? "+b:d" : "+b:", opts, NULL)) != -1)
    {
      char *end;
      switch (ch)
        {
        case 'b': o->bundle = optarg; break;
        case O_PID: o->pid_file = optarg; break;
        case O_CONSOLE: o->console_socket = optarg; break;
        case O_PRESERVE:
          o->preserve_fds = (int) strtol (optarg, &end, 10);
          if (*end || o->preserve_fds < 0)
            {
              fprintf (stderr, "bento %s: --preserve-fds: `%s` is not a number\n", verb, optarg);
              return 1;
            }
          break;
        case O_NOPIVOT: o->no_pivot = true; break;
        case O_IGNORE: break;
        case 'd':
          if (!run)
            goto usage;
          o->detach = true;
          break;
        case O_KEEP:
          if (!run)
            goto usage;
          o->keep = true;
          break;
        default:
        usage:
          fprintf (stderr, "bento %s: see `bento --help`\n", verb);
          return 1;
        }
    }
  o->id = cli_one_id (argc, argv, verb);
  return o->id ? -1 : 1;
}

/* systemd socket activation: LISTEN_FDS fds after stdio go through too. */
static int
listen_fds (void)
{
  const char *s = getenv ("LISTEN_FDS");
  const char *pid = getenv ("LISTEN_PID");
  if (s == NULL || (pid && atoi (pid) != getpid ()))
    return 0;
  int n = atoi (s);
  return n > 0 ? n : 0;
}

int
create_opts_load (const struct bento_global *g, const struct create_opts *o, struct container *c, char **root,
                  bento_err *err)
{
  *root = cli_state_root (g);
  if (*root == NULL)
    return bento_err_make (err, 0, "no state root");
  char *bundle = realpath (o->bundle, NULL);
  if (bundle == NULL)
    return bento_err_make (err, errno, "bundle `%s`", o->bundle);
  c->id = o->id;
  c->state_root = *root;
  c->bundle = bundle;
  c->pid_file = o->pid_file;
  c->console_socket = o->console_socket;
  c->preserve_fds = o->preserve_fds + listen_fds ();
  c->no_pivot = o->no_pivot;
  return container_load (c, err);
}
