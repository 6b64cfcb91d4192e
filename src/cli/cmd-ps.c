/* bento ps [-a] [--format json]: the engine's containers.
 * bento ps [--format table|json] ID [PS_ARGS...]: the processes of a runtime
 * container (runc's `ps`): its cgroup's pids as JSON, or the lines of
 * `ps PS_ARGS` (default -ef) whose PID is one of them. */
#include "cli/common.h"
#include "cli/verbs.h"
#include "runtime/cgroup.h"
#include "runtime/container.h"
#include "shared/cleanup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool
has_pid (const pid_t *v, size_t n, long pid)
{
  for (size_t i = 0; i < n; i++)
    if (v[i] == pid)
      return true;
  return false;
}

/* Which whitespace-separated column of the header is PID. */
static int
pid_column (const char *header)
{
  int col = 0;
  for (const char *p = header; *p;)
    {
      while (*p == ' ' || *p == '\t')
        p++;
      if (*p == '\0' || *p == '\n')
        break;
      if (strncmp (p, "PID", 3) == 0 && (p[3] == ' ' || p[3] == '\t' || p[3] == '\n' || p[3] == '\0'))
        return col;
      while (*p && *p != ' ' && *p != '\t')
        p++;
      col++;
    }
  return -1;
}

static long
column (const char *line, int col)
{
  const char *p = line;
  for (int i = 0; i <= col; i++)
    {
      while (*p == ' ' || *p == '\t')
        p++;
      if (i == col)
        return strtol (p, NULL, 10);
      while (*p && *p != ' ' && *p != '\t')
        p++;
    }
  return -1;
}

static int
ps_table (const pid_t *pids, size_t n, char **args)
{
  _cleanup_free_ char *cmd = strdup ("ps");
  for (char **a = args; cmd && *a; a++)
    {
      /* arguments are passed quoted: nothing of them reaches a shell unquoted */
      char *next = NULL;
      if (strchr (*a, '\'') || asprintf (&next, "%s '%s'", cmd, *a) < 0)
        {
          fprintf (stderr, "bento ps: bad ps argument `%s`\n", *a);
          return 1;
        }
      free (cmd);
      cmd = next;
    }
  if (cmd && args[0] == NULL)
    {
      free (cmd);
      cmd = strdup ("ps -ef");
    }
  FILE *p = cmd ? popen (cmd, "re") : NULL;
  if (p == NULL)
    {
      perror ("bento ps: run ps");
      return 1;
    }
  _cleanup_free_ char *line = NULL;
  size_t cap = 0;
  int col = -1;
  for (bool first = true; getline (&line, &cap, p) > 0; first = false)
    {
      if (first)
        {
          if ((col = pid_column (line)) < 0)
            {
              pclose (p);
              fprintf (stderr, "bento ps: no PID column in ps's output\n");
              return 1;
            }
          fputs (line, stdout);
        }
      else if (has_pid (pids, n, column (line, col)))
        fputs (line, stdout);
    }
  return pclose (p) == 0 ? 0 : 1;
}

int
cmd_ps (struct bento_global *g, int argc, char **argv)
{
  const char *first = NULL, *format = "table";
  int i;
  for (i = 1; i < argc && first == NULL; i++)
    {
      if ((strcmp (argv[i], "-f") == 0 || strcmp (argv[i], "--format") == 0) && i + 1 < argc)
        format = argv[++i];
      else if (strncmp (argv[i], "--format=", 9) == 0)
        format = argv[i] + 9;
      else if (argv[i][0] != '-')
        first = argv[i];
    }
  if (first == NULL || !cli_runtime_has (g, first))
    return cli_to_engine ("ps", g, argc, argv);
  if (strcmp (format, "table") != 0 && strcmp (format, "json") != 0)
    {
      fprintf (stderr, "bento ps: --format: `%s` is not table or json\n", format);
      return 1;
    }
  if (i < argc && strcmp (argv[i], "--") == 0)
    i++;
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  _cleanup_free_ char *root = cli_state_root (g);
  _cleanup_close_ int rootfd = -1, dirfd = -1;
  _cleanup_state_ struct container_state st = { 0 };
  _cleanup_free_ pid_t *pids = NULL;
  size_t n = 0;
  if (root == NULL)
    return 1;
  if (state_root_open (root, false, &rootfd, &err) < 0 || container_open_state (rootfd, first, &dirfd, &st, &err) < 0
      || cgroup_pids (&st, &pids, &n, &err) < 0)
    return cli_fail (&err, 1);
  if (strcmp (format, "json") == 0)
    {
      printf ("[");
      for (size_t k = 0; k < n; k++)
        printf ("%s%d", k ? "," : "", (int) pids[k]);
      printf ("]\n");
      return 0;
    }
  return ps_table (pids, n, argv + i);
}
