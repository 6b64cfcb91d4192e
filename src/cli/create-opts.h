/* Options shared by `create` and `run`, and turning them into a container. */
#ifndef BENTO_CLI_CREATE_OPTS_H
#define BENTO_CLI_CREATE_OPTS_H

#include "cli/cli.h"
#include "runtime/container.h"

#include <stdbool.h>

struct create_opts
{
  const char *bundle;
  const char *pid_file;
  const char *console_socket;
  int preserve_fds;
  bool no_pivot;
  bool detach; /* run only */
  bool keep;   /* run only */
  const char *id;
};

/* Parse argv; returns -1 on success, else the exit code of a usage error. */
int create_opts_parse (int argc, char **argv, bool run, struct create_opts *o);
/* Fill C from the options (absolute bundle, state root, LISTEN_FDS) and load
 * the config.  Returns 0 or -1 with err set. */
int create_opts_load (const struct bento_global *g, const struct create_opts *o, struct container *c, char **root,
                      bento_err *err);

#endif
