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

/* Is this `run`/`create` the OCI runtime's (a bundle) rather than the
 * engine's (an image)?  Yes with any runtime-only flag (--bundle,
 * --pid-file, --console-socket, ...), or with a single argument and a
 * config.json in the current directory (runc's default bundle). */
bool cli_is_oci_invocation (int argc, char **argv);

/* The engine's side of a verb both halves have: in the engine binary, its
 * handler; in the lean runtime binary, exec bento-engine (next to bento)
 * with the same command line, so the runtime verbs that podman and
 * containerd call load none of the engine's libraries. */
int cli_to_engine (const char *verb, struct bento_global *g, int argc, char **argv);
/* main()'s argv, for handing a command on to bento-engine. */
extern char **cli_main_argv;

#ifdef BENTO_WITH_ENGINE
/* An engine container's full id from a name or id prefix; NULL if none. */
char *cli_engine_resolve (struct bento_global *g, const char *query);
#endif

#endif
