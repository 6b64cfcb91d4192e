/* Helpers shared by the verbs: the state root, reporting an error. */
#ifndef BENTO_CLI_COMMON_H
#define BENTO_CLI_COMMON_H

#include "cli/cli.h"
#include "shared/error.h"

#include <stdbool.h>

/* The state root from --root or the default; NULL on error (reported). */
char *cli_state_root (const struct bento_global *g);
/* Print "bento: MSG" (and log it), return EXIT (for `return cli_fail (...)`). */
int cli_fail (bento_err *err, int exit_code);
/* Exactly one container id after the options, or a usage error. */
const char *cli_one_id (int argc, char **argv, const char *verb);
/* Parse a signal: "KILL", "SIGKILL", "9"; -1 if unknown. */
int cli_parse_signal (const char *s);

/* Is ID a container of the runtime's state root (as opposed to a name the
 * engine knows)?  Decides between the runtime's and the engine's verbs of
 * the same name. */
bool cli_runtime_has (const struct bento_global *g, const char *id);
const char *cli_first_positional (int argc, char **argv);

#endif
