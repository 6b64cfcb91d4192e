/* bento pull [-q] [--platform OS/ARCH[/VARIANT]] [--tls-verify[=BOOL]]
 *            [--cert-dir DIR] [--authfile FILE] REFERENCE
 *
 * Progress goes to stderr: a line per layer redrawn in place on a
 * terminal, a line per step otherwise; the image id goes to stdout (-q:
 * only that).  ^C stops every transfer and leaves the store as it was. */
#include "cli/image-cli.h"
#include "cli/verbs.h"
#include "engine/pull.h"
#include "shared/cleanup.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t interrupted;

static void
on_signal (int sig)
{
  interrupted = sig;
}

struct progress
{
  bool tty;
  bool announced;
  size_t drawn;      /* lines drawn last time (tty) */
  int *shown;        /* last state printed per layer (no tty) */
  uint64_t *last;    /* bytes at the last redraw, for the rate */
  double last_time;
  size_t n;
};

static double
now_seconds (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static const char *
state_word (int st)
{
  static const char *const words[] = { "waiting", "already present", "downloading", "unpacking", "done", "failed" };
  return st >= 0 && st <= PULL_FAILED ? words[st] : "?";
}

static void
draw_tty (struct progress *pr, const struct pull_status *st)
{
  double t = now_seconds (), dt = t - pr->last_time;
  if (pr->drawn)
    fprintf (stderr, "\033[%zuA", pr->drawn);
  for (size_t i = 0; i < st->n_layers; i++)
    {
      const struct pull_layer_status *l = &st->layers[i];
      uint64_t done = atomic_load (&l->done);
      int s = atomic_load (&l->state);
      char have[32], total[32], rate[48] = "";
      image_cli_size ((int64_t) done, have, sizeof have);
      image_cli_size (l->size, total, sizeof total);
      if (s == PULL_DOWNLOADING && dt > 0.05 && pr->last_time > 0)
        {
          char r[32];
          image_cli_size ((int64_t) ((double) (done - pr->last[i]) / dt), r, sizeof r);
          snprintf (rate, sizeof rate, "  %s/s", r);
        }
      pr->last[i] = done;
      fprintf (stderr, "\033[2K%.19s  %-15s %s / %s%s\n", l->digest, state_word (s), have, total, rate);
    }
  pr->last_time = t;
  pr->drawn = st->n_layers;
  fflush (stderr);
}

static void
print_steps (struct progress *pr, const struct pull_status *st)
{
  for (size_t i = 0; i < st->n_layers; i++)
    {
      const struct pull_layer_status *l = &st->layers[i];
      int s = atomic_load (&l->state);
      if (s == pr->shown[i] || s == PULL_WAITING)
        continue;
      char total[32];
      image_cli_size (l->size, total, sizeof total);
      switch (s)
        {
        case PULL_PRESENT: fprintf (stderr, "Blob %.19s already present\n", l->digest); break;
        case PULL_DOWNLOADING: fprintf (stderr, "Copying blob %.19s (%s)\n", l->digest, total); break;
        case PULL_UNPACKING: fprintf (stderr, "Unpacking blob %.19s (%s)\n", l->digest, total); break;
        case PULL_DONE:
          if (pr->shown[i] == PULL_WAITING)
            fprintf (stderr, "Copying blob %.19s (%s)\n", l->digest, total);
          fprintf (stderr, "Done blob %.19s\n", l->digest);
          break;
        default: break;
        }
      pr->shown[i] = s;
    }
}

static void
on_progress (void *ctx, const struct pull_status *st)
{
  struct progress *pr = ctx;
  if (st->n_layers == 0)
    return;
  if (!pr->announced)
    {
      fprintf (stderr, "Pulling %s (%zu layer%s)\n", st->name, st->n_layers, st->n_layers == 1 ? "" : "s");
      pr->announced = true;
      pr->shown = calloc (st->n_layers, sizeof *pr->shown);
      pr->last = calloc (st->n_layers, sizeof *pr->last);
      pr->n = st->n_layers;
      if (pr->shown == NULL || pr->last == NULL)
        return;
    }
  if (pr->shown == NULL || pr->last == NULL)
    return;
  if (pr->tty)
    draw_tty (pr, st);
  else
    print_steps (pr, st);
}

int
cmd_pull (struct bento_global *g, int argc, char **argv)
{
  static const struct option opts[] = {
    { "quiet", no_argument, NULL, 'q' },
    { "platform", required_argument, NULL, 'P' },
    IMAGE_CLI_REGISTRY_OPTIONS,
    { NULL, 0, NULL, 0 },
  };
  const char *usage = "bento pull [-q] [--platform OS/ARCH[/VARIANT]] [--tls-verify[=BOOL]] [--cert-dir DIR] "
                      "[--authfile FILE] REFERENCE";
  struct pull_opts po = { .reg = { .tls_verify = -1 } };
  bool quiet = false;
  int c;
  while ((c = getopt_long (argc, argv, "+q", opts, NULL)) != -1)
    switch (c)
      {
      case 'q': quiet = true; break;
      case 'P': po.platform = optarg; break;
      default:
        if (image_cli_registry_option (c, optarg, &po.reg) < 0)
          return image_cli_usage (usage);
      }
  if (optind != argc - 1)
    return image_cli_usage (usage);
  struct progress pr = { .tty = isatty (2) };
  if (!quiet)
    {
      po.progress = on_progress;
      po.ctx = &pr;
    }
  po.cancel = &interrupted;
  struct sigaction sa = { .sa_handler = on_signal };
  sigemptyset (&sa.sa_mask);
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);

  struct store *s = image_cli_store (g);
  if (s == NULL)
    return BENTO_EXIT_FAILURE;
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  _cleanup_free_ char *name = NULL;
  char id[DIGEST_MAX];
  int r = image_pull (s, argv[optind], &po, id, &name, &err);
  store_close (s);
  free (pr.shown);
  free (pr.last);
  if (r < 0)
    {
      image_cli_fail (&err);
      return interrupted ? 128 + interrupted : BENTO_EXIT_FAILURE;
    }
  printf ("%s\n", digest_hex (id));
  return 0;
}
