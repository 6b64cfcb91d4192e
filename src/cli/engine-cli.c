/* The engine verbs that share their name with the runtime's: run, create,
 * start, kill (exec resolves names in cmd-exec.c). */
#include "cli/engine-cli.h"
#include "cli/common.h"
#include "cli/image-cli.h"
#include "engine/pull.h"
#include "shared/cleanup.h"
#include "shared/signals.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
cli_engine_open (const struct bento_global *g, struct engine *e)
{
  memset (e, 0, sizeof *e);
  e->store = image_cli_store ((struct bento_global *) g);
  e->runtime_root = g->root;
  /* bento-init lives next to the bento binary */
  char self[4096];
  ssize_t n = readlink ("/proc/self/exe", self, sizeof self - 1);
  if (n > 0)
    {
      self[n] = '\0';
      char *slash = strrchr (self, '/');
      if (slash && asprintf (&e->init_path, "%.*s/bento-init", (int) (slash - self), self) < 0)
        e->init_path = NULL;
    }
  return e->store ? 0 : ENGINE_EXIT_FAILED;
}

void
cli_engine_close (struct engine *e)
{
  store_close (e->store);
  e->store = NULL;
  free (e->init_path);
  e->init_path = NULL;
}

bool
cli_engine_has (struct engine *e, const char *query)
{
  struct ctr c;
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  bool found = ctr_find (e->store, query, &c, &err) == 0;
  ctr_close (&c);
  return found;
}

static int
engine_fail (bento_err *err, int code)
{
  bento_err_report (err, "bento");
  return code;
}

/* --pull: the image, fetched when the policy says so. */
static int
ensure_image (struct engine *e, const struct run_opts *o, bento_err *err)
{
  const char *policy = o->pull ? o->pull : "missing";
  struct image_record img = { 0 };
  bool have = store_find_image (e->store, o->image, &img, err) == 0;
  image_record_free (&img);
  if (have && strcmp (policy, "always") != 0)
    return 0;
  if (!have && strcmp (policy, "never") == 0)
    return bento_err_wrap (err, "--pull=never");
  bento_err_clear (err);
  fprintf (stderr, "Pulling %s...\n", o->image);
  struct pull_opts po = { .reg = { .tls_verify = -1 } };
  char id[DIGEST_MAX];
  _cleanup_free_ char *name = NULL;
  if (image_pull (e->store, o->image, &po, id, &name, err) < 0)
    return bento_err_wrap (err, "image `%s`", o->image);
  return 0;
}

int
engine_cmd_run (struct bento_global *g, int argc, char **argv, bool run)
{
  struct run_opts o;
  int r = run_opts_parse (argc, argv, run, &o);
  if (r >= 0)
    {
      run_opts_free (&o);
      return r;
    }
  struct engine e;
  if ((r = cli_engine_open (g, &e)) != 0)
    {
      run_opts_free (&o);
      return r;
    }
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  struct ctr c = { .lock_fd = -1 };
  int status = 0;
  if (ensure_image (&e, &o, &err) < 0 || engine_create (&e, &o, &c, &err) < 0)
    status = engine_fail (&err, ENGINE_EXIT_FAILED);
  else if (!run)
    printf ("%s\n", c.id);
  else if (o.detach)
    {
      if (engine_start (&e, &c, false, &status, &err) < 0)
        status = engine_fail (&err, engine_exit_code_for (&err));
      else
        printf ("%s\n", c.id);
    }
  else if (engine_start (&e, &c, true, &status, &err) < 0)
    status = engine_fail (&err, engine_exit_code_for (&err));
  ctr_close (&c);
  cli_engine_close (&e);
  run_opts_free (&o);
  return status;
}

int
engine_cmd_start (struct bento_global *g, int argc, char **argv)
{
  static const struct option opts[] = { { "attach", no_argument, NULL, 'a' }, { NULL, 0, NULL, 0 } };
  bool attach = false;
  int ch;
  optind = 0;
  while ((ch = getopt_long (argc, argv, "+a", opts, NULL)) != -1)
    {
      if (ch != 'a')
        return ENGINE_EXIT_FAILED;
      attach = true;
    }
  if (optind >= argc)
    {
      fprintf (stderr, "bento start: missing container\n");
      return ENGINE_EXIT_FAILED;
    }
  struct engine e;
  int status = 0;
  if ((status = cli_engine_open (g, &e)) != 0)
    return status;
  for (int i = optind; i < argc; i++)
    {
      _cleanup_err_ bento_err err = BENTO_ERR_INIT;
      struct ctr c;
      int code = 0;
      if (ctr_find (e.store, argv[i], &c, &err) < 0 || engine_start (&e, &c, attach, &code, &err) < 0)
        status = engine_fail (&err, engine_exit_code_for (&err));
      else if (attach)
        status = code;
      else
        printf ("%s\n", argv[i]);
      ctr_close (&c);
    }
  cli_engine_close (&e);
  return status;
}

int
engine_cmd_kill (struct bento_global *g, int argc, char **argv)
{
  static const struct option opts[] = { { "signal", required_argument, NULL, 's' }, { NULL, 0, NULL, 0 } };
  const char *signame = "KILL";
  int ch;
  optind = 0;
  while ((ch = getopt_long (argc, argv, "+s:", opts, NULL)) != -1)
    {
      if (ch != 's')
        return ENGINE_EXIT_FAILED;
      signame = optarg;
    }
  int sig = signal_from_name (signame);
  if (sig < 0)
    {
      fprintf (stderr, "bento: unknown signal `%s`\n", signame);
      return ENGINE_EXIT_FAILED;
    }
  struct engine e;
  int status = 0;
  if ((status = cli_engine_open (g, &e)) != 0)
    return status;
  for (int i = optind; i < argc; i++)
    {
      _cleanup_err_ bento_err err = BENTO_ERR_INIT;
      struct ctr c;
      if (ctr_find (e.store, argv[i], &c, &err) < 0 || engine_kill (&e, &c, sig, &err) < 0)
        status = engine_fail (&err, ENGINE_EXIT_FAILED);
      else
        printf ("%s\n", argv[i]);
      ctr_close (&c);
    }
  cli_engine_close (&e);
  return status;
}
