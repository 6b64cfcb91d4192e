/* bento unshare [--] [COMMAND [ARG...]]: run COMMAND (default $SHELL) in
 * the image store's user namespace, as its root, with a private mount
 * namespace; rootless this is where layer files show their real owners and
 * where `bento image mount` works (podman unshare does the same).  As root
 * it only runs the command.  BENTO_USERNS tells nested bento commands which
 * store they are in. */
#include "cli/image-cli.h"
#include "cli/verbs.h"
#include "shared/cleanup.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct unshare_arg
{
  char **argv;
};

static int
run_command (struct store *s, void *data, bento_err *err)
{
  struct unshare_arg *a = data;
  if (setenv ("BENTO_USERNS", s->root, 1) < 0)
    return bento_err_make (err, errno, "setenv");
  pid_t pid = fork ();
  if (pid < 0)
    return bento_err_make (err, errno, "fork");
  if (pid == 0)
    {
      execvp (a->argv[0], a->argv);
      fprintf (stderr, "bento: unshare: run `%s`: %s\n", a->argv[0], strerror (errno));
      _exit (127);
    }
  int status;
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return bento_err_make (err, errno, "wait for `%s`", a->argv[0]);
  char text[16];
  snprintf (text, sizeof text, "%d", WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status));
  store_worker_reply (text);
  return 0;
}

int
cmd_unshare (struct bento_global *g, int argc, char **argv)
{
  static const struct option opts[] = { { NULL, 0, NULL, 0 } };
  if (getopt_long (argc, argv, "+", opts, NULL) != -1)
    return image_cli_usage ("bento unshare [--] [COMMAND [ARG...]]");
  char *shell[] = { getenv ("SHELL") ? getenv ("SHELL") : (char *) "/bin/sh", NULL };
  struct unshare_arg a = { .argv = optind < argc ? argv + optind : shell };
  struct store *s = image_cli_store (g);
  if (s == NULL)
    return BENTO_EXIT_FAILURE;
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  _cleanup_free_ char *text = NULL;
  int r = store_run_in_userns_reply (s, true, run_command, &a, &text, &err);
  store_close (s);
  if (r < 0)
    return image_cli_fail (&err);
  return atoi (text);
}
