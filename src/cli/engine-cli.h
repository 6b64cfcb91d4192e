/* The engine's side of the command line: run/create options like docker's
 * and podman's, opening the store, finding containers by name. */
#ifndef BENTO_ENGINE_CLI_H
#define BENTO_ENGINE_CLI_H

#include "cli/cli.h"
#include "engine/engine.h"

#include <stdbool.h>


/* Parse `run`/`create` options and IMAGE [CMD...]; -1 ok, else exit code. */
int run_opts_parse (int argc, char **argv, bool run, struct run_opts *o);

/* Open the store and fill E; returns 0 or an exit code after reporting. */
int cli_engine_open (const struct bento_global *g, struct engine *e);
void cli_engine_close (struct engine *e);

/* Is QUERY an engine container?  (Without printing anything.) */
bool cli_engine_has (struct engine *e, const char *query);

/* The engine verbs that share a name with runtime verbs. */
int engine_cmd_run (struct bento_global *g, int argc, char **argv, bool run);
int engine_cmd_start (struct bento_global *g, int argc, char **argv);
int engine_cmd_kill (struct bento_global *g, int argc, char **argv);

#endif
