/* bento list [--format table|json] [--quiet] */
#include "cli/common.h"
#include "cli/verbs.h"
#include "runtime/state.h"
#include "shared/cleanup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct list_opts
{
  bool json;
  bool quiet;
};

/* The table, laid out like runc's (Go's tabwriter: columns at least 12
 * wide, 3 spaces of padding). */
#define N_COLS 6
struct table
{
  char **cells; /* rows * N_COLS */
  size_t rows;
};

static void
table_add (struct table *t, char *cols[N_COLS])
{
  char **grown = realloc (t->cells, (t->rows + 1) * N_COLS * sizeof *grown);
  if (grown == NULL)
    return;
  t->cells = grown;
  for (int i = 0; i < N_COLS; i++)
    t->cells[t->rows * N_COLS + i] = strdup (cols[i] ? cols[i] : "");
  t->rows++;
}

static void
table_print_free (struct table *t)
{
  size_t width[N_COLS] = { 0 };
  for (size_t r = 0; r < t->rows; r++)
    for (int i = 0; i < N_COLS; i++)
      {
        size_t w = strlen (t->cells[r * N_COLS + i] ? t->cells[r * N_COLS + i] : "") + 3;
        width[i] = w > width[i] ? w : width[i];
      }
  for (size_t r = 0; r < t->rows; r++)
    {
      for (int i = 0; i < N_COLS; i++)
        {
          const char *cell = t->cells[r * N_COLS + i] ? t->cells[r * N_COLS + i] : "";
          if (i == N_COLS - 1)
            printf ("%s\n", cell);
          else
            printf ("%-*s", (int) (width[i] < 12 ? 12 : width[i]), cell);
          free (t->cells[r * N_COLS + i]);
        }
    }
  free (t->cells);
}

static void
print_row (struct table *t, const struct container_state *st, enum container_status s)
{
  struct passwd *pw = getpwuid (st->owner);
  char pid[16];
  snprintf (pid, sizeof pid, "%d", s == STATUS_STOPPED ? 0 : (int) st->pid);
  char *cols[N_COLS] = { st->id, pid, (char *) state_status_name (s), st->bundle, st->created,
                         pw ? pw->pw_name : (char *) "" };
  table_add (t, cols);
}

/* One container; lock-free read (list must not block behind a create). */
static void
list_one (int rootfd, const char *id, const struct list_opts *o, json_t *arr, struct table *t)
{
  _cleanup_close_ int dirfd = openat (rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  struct container_state st = { 0 };
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  if (dirfd < 0 || state_read (dirfd, &st, &err) < 0)
    {
      state_clear (&st);
      return;
    }
  enum container_status s = state_status (dirfd, &st);
  if (o->quiet)
    printf ("%s\n", st.id);
  else if (o->json)
    {
      _cleanup_free_ char *text = state_to_json (&st, s, false);
      json_t *j = text ? json_loads (text, 0, NULL) : NULL;
      struct passwd *pw = getpwuid (st.owner);
      if (j)
        {
          json_object_set_new (j, "owner", json_string (pw ? pw->pw_name : ""));
          json_array_append_new (arr, j);
        }
    }
  else
    print_row (t, &st, s);
  state_clear (&st);
}

static int
name_cmp (const struct dirent **a, const struct dirent **b)
{
  return strcmp ((*a)->d_name, (*b)->d_name);
}

int
cmd_list (struct bento_global *g, int argc, char **argv)
{
  static const struct option opts[] = {
    { "format", required_argument, NULL, 'f' }, { "quiet", no_argument, NULL, 'q' }, { NULL, 0, NULL, 0 }
  };
  struct list_opts o = { 0 };
  int ch;
  while ((ch = getopt_long_only (argc, argv, "+f:q", opts, NULL)) != -1)
    {
      if (ch == 'q')
        o.quiet = true;
      else if (ch == 'f' && (strcmp (optarg, "json") == 0 || strcmp (optarg, "table") == 0))
        o.json = strcmp (optarg, "json") == 0;
      else
        {
          fprintf (stderr, "bento list: --format: want table or json\n");
          return 1;
        }
    }
  _cleanup_free_ char *root = cli_state_root (g);
  if (root == NULL)
    return 1;
  _cleanup_close_ int rootfd = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  json_auto_t *arr = json_array ();
  struct dirent **names = NULL;
  int n = rootfd < 0 ? 0 : scandir (root, &names, NULL, name_cmp);
  if (rootfd < 0 && errno != ENOENT)
    {
      _cleanup_err_ bento_err err = BENTO_ERR_INIT;
      bento_err_make (&err, errno, "open state root `%s`", root);
      return cli_fail (&err, 1);
    }
  struct table t = { 0 };
  char *header[N_COLS] = { "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER" };
  table_add (&t, header);
  for (int i = 0; i < n; i++)
    {
      if (names[i]->d_name[0] != '.')
        list_one (rootfd, names[i]->d_name, &o, arr, &t);
      free (names[i]);
    }
  free (names);
  if (!o.json && !o.quiet)
    table_print_free (&t);
  else
    {
      for (size_t k = 0; k < t.rows * N_COLS; k++)
        free (t.cells[k]);
      free (t.cells);
    }
  if (o.json)
    {
      _cleanup_free_ char *text = json_dumps (arr, JSON_COMPACT | JSON_PRESERVE_ORDER);
      printf ("%s\n", text ? text : "[]");
    }
  return 0;
}
