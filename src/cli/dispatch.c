/* bento is two binaries: `bento`, the OCI runtime (lean: what podman,
 * containerd and `bento run -b` use, quick to start), and `bento-engine`,
 * everything (images, registries, the engine), installed side by side.
 * `bento` hands what is the engine's to `bento-engine` with execv. */
#include "cli/common.h"
#include "cli/verbs.h"
#include "shared/cleanup.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char **cli_main_argv;

#ifdef BENTO_WITH_ENGINE
#include "cli/engine-cli.h"

int
cli_to_engine (const char *verb, struct bento_global *g, int argc, char **argv)
{
  if (strcmp (verb, "run") == 0)
    return engine_cmd_run (g, argc, argv, true);
  if (strcmp (verb, "create") == 0)
    return engine_cmd_run (g, argc, argv, false);
  if (strcmp (verb, "start") == 0)
    return engine_cmd_start (g, argc, argv);
  if (strcmp (verb, "kill") == 0)
    return engine_cmd_kill (g, argc, argv);
  if (strcmp (verb, "ps") == 0)
    return cmd_ps_engine (g, argc, argv);
  fprintf (stderr, "bento: no engine handler for `%s`\n", verb);
  return 125;
}

char *
cli_engine_resolve (struct bento_global *g, const char *query)
{
  struct engine e;
  if (cli_engine_open (g, &e) != 0)
    return NULL;
  struct ctr c;
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  char *full = ctr_find (e.store, query, &c, &err) == 0 ? strdup (c.id) : NULL;
  ctr_close (&c);
  cli_engine_close (&e);
  return full;
}

#else

int
cli_to_engine (const char *verb, struct bento_global *g, int argc, char **argv)
{
  char self[4096];
  ssize_t n = readlink ("/proc/self/exe", self, sizeof self - 1);
  _cleanup_free_ char *engine = NULL;
  if (n > 0)
    {
      self[n] = '\0';
      char *slash = strrchr (self, '/');
      if (slash && asprintf (&engine, "%.*s/bento-engine", (int) (slash - self), self) < 0)
        engine = NULL;
    }
  if (engine && cli_main_argv)
    execv (engine, cli_main_argv);
  fprintf (stderr, "bento: %s: the engine (bento-engine, next to bento) cannot run: %s\n", verb,
           engine ? strerror (errno) : "not found");
  return 125;
}

#endif
