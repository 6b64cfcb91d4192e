/* bento events [--stats] [--interval DURATION] ID: runc's events.  With
 * --stats, one stats object; else a stats object every interval and an
 * {"type":"oom"} line whenever the kernel's OOM killer strikes in the
 * container, until it stops. */
#include "cli/common.h"
#include "cli/verbs.h"
#include "runtime/cgroup.h"
#include "runtime/container.h"
#include "shared/cleanup.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* "5s", "100ms", "1m", "2" (seconds) -> milliseconds; -1 if malformed. */
static long
parse_duration (const char *s)
{
  char *end;
  double v = strtod (s, &end);
  if (end == s || v <= 0)
    return -1;
  double scale = strcmp (end, "ms") == 0 ? 1 : strcmp (end, "m") == 0 ? 60000 : (strcmp (end, "s") == 0 || *end == '\0') ? 1000 : -1;
  return scale < 0 ? -1 : (long) (v * scale);
}

static void
emit (const char *type, const char *id, json_t *data)
{
  json_t *o = json_pack ("{s:s, s:s}", "type", type, "id", id);
  if (o && data)
    json_object_set (o, "data", data);
  char *text = o ? json_dumps (o, JSON_COMPACT) : NULL;
  if (text)
    printf ("%s\n", text);
  fflush (stdout);
  free (text);
  json_decref (o);
}

/* Re-read the state each round: the container may have stopped.  False
 * when it stopped or was deleted; a state that cannot be read for another
 * reason is said, once, and ends the watch too. */
static bool
still_there (int rootfd, const char *id)
{
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  _cleanup_close_ int dirfd = -1;
  _cleanup_state_ struct container_state st = { 0 };
  if (container_open_state (rootfd, id, &dirfd, &st, &err) < 0)
    {
      if (err.errnum != ENOENT)
        fprintf (stderr, "bento events: %s\n", err.msg);
      return false;
    }
  return state_status (dirfd, &st) != STATUS_STOPPED;
}

/* The OOM kill count last read; unknown until a read succeeds (no memory
 * controller yet, the cgroup going away): a read that fails is no kill. */
struct oom_watch
{
  uint64_t seen;
  bool known;
};

/* Print an oom line for each kill since the last count. */
static void
report_ooms (const struct container_state *st, const char *id, struct oom_watch *w)
{
  uint64_t now;
  if (cgroup_oom_kills (st, &now) < 0)
    return;
  for (; w->known && w->seen < now; w->seen++)
    emit ("oom", id, NULL);
  w->seen = now;
  w->known = true;
}

int
cmd_events (struct bento_global *g, int argc, char **argv)
{
  static const struct option opts[] = { { "stats", no_argument, NULL, 's' },
                                        { "interval", required_argument, NULL, 'i' },
                                        { NULL, 0, NULL, 0 } };
  bool stats = false;
  long interval = 5000;
  int ch;
  while ((ch = getopt_long_only (argc, argv, "+", opts, NULL)) != -1)
    {
      if (ch == 's')
        stats = true;
      else if (ch == 'i' && (interval = parse_duration (optarg)) < 0)
        {
          fprintf (stderr, "bento events: --interval: `%s` is not a duration (e.g. 5s, 500ms)\n", optarg);
          return 1;
        }
      else if (ch != 'i')
        return 1;
    }
  const char *id = cli_one_id (argc, argv, "events");
  _cleanup_free_ char *root = id ? cli_state_root (g) : NULL;
  if (root == NULL)
    return 1;
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  _cleanup_close_ int rootfd = -1, dirfd = -1;
  _cleanup_state_ struct container_state st = { 0 };
  if (state_root_open (root, false, &rootfd, &err) < 0 || container_open_state (rootfd, id, &dirfd, &st, &err) < 0)
    return cli_fail (&err, 1);
  if (state_status (dirfd, &st) == STATUS_STOPPED)
    {
      fprintf (stderr, "bento: container `%s` is stopped\n", id);
      return 1;
    }
  closep (&dirfd); /* unlocked: other verbs go on while we watch */
  if (stats)
    {
      json_auto_t *data = cgroup_stats (&st);
      emit ("stats", id, data);
      return 0;
    }
  struct oom_watch ooms = { 0, false };
  report_ooms (&st, id, &ooms); /* the count to compare with */
  /* Poll the OOM counter often, print stats every interval; the last poll
   * comes after the container stopped, so a kill that stopped it is told. */
  for (long waited = 0;; waited += 100)
    {
      if (waited >= interval)
        {
          json_auto_t *data = cgroup_stats (&st);
          emit ("stats", id, data);
          waited = 0;
        }
      report_ooms (&st, id, &ooms);
      struct timespec ts = { 0, 100 * 1000000L };
      nanosleep (&ts, NULL);
      if (!still_there (rootfd, id))
        {
          report_ooms (&st, id, &ooms);
          return 0;
        }
    }
}
