/* The engine-only verbs: ps, logs, rm, stop, restart, wait, top, port,
 * container prune.  Containers are found by name, id or id prefix. */
#include "cli/common.h"
#include "cli/engine-cli.h"
#include "cli/image-cli.h"
#include "cli/verbs.h"
#include "engine/logs.h"
#include "engine/monitor.h"
#include "shared/cleanup.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef int (*ctr_action) (struct engine *e, struct ctr *c, void *arg, bento_err *err);

/* Run ACTION on every container named in argv[optind..]; print each name
 * on success, as docker does. */
static int
for_each_named (struct bento_global *g, int argc, char **argv, ctr_action action, void *arg, bool echo)
{
  if (optind >= argc)
    {
      fprintf (stderr, "bento %s: missing container\n", argv[0]);
      return ENGINE_EXIT_FAILED;
    }
  struct engine e;
  int status;
  if ((status = cli_engine_open (g, &e)) != 0)
    return status;
  for (int i = optind; i < argc; i++)
    {
      _cleanup_err_ bento_err err = BENTO_ERR_INIT;
      struct ctr c;
      if (ctr_find (e.store, argv[i], &c, &err) < 0 || action (&e, &c, arg, &err) < 0)
        {
          bento_err_report (&err, "bento");
          status = ENGINE_EXIT_FAILED;
        }
      else if (echo)
        printf ("%s\n", argv[i]);
      ctr_close (&c);
    }
  cli_engine_close (&e);
  return status;
}

/* ---- ps ------------------------------------------------------------------ */

/* "3 seconds", "5 minutes", "2 hours" since an RFC 3339 time. */
static void
duration_since (const char *rfc3339, char *buf, size_t len)
{
  struct tm tm = { 0 };
  buf[0] = '\0';
  if (rfc3339 == NULL || strptime (rfc3339, "%Y-%m-%dT%H:%M:%S", &tm) == NULL)
    return;
  long d = (long) difftime (time (NULL), timegm (&tm));
  static const struct
  {
    long secs;
    const char *unit;
  } steps[] = { { 86400, "day" }, { 3600, "hour" }, { 60, "minute" }, { 1, "second" } };
  for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
    if (d >= steps[i].secs || i + 1 == sizeof steps / sizeof steps[0])
      {
        long n = d / steps[i].secs;
        snprintf (buf, len, "%ld %s%s", n, steps[i].unit, n == 1 ? "" : "s");
        return;
      }
}

static void
status_text (const struct ctr *c, char *buf, size_t len)
{
  const char *s = ctr_str (c, "status");
  char since[40];
  if (strcmp (s, "running") == 0)
    {
      duration_since (ctr_str (c, "startedAt"), since, sizeof since);
      snprintf (buf, len, "Up %s", since);
    }
  else if (strcmp (s, "exited") == 0)
    {
      duration_since (ctr_str (c, "finishedAt"), since, sizeof since);
      snprintf (buf, len, "Exited (%lld) %s ago", (long long) ctr_int (c, "exitCode"), since);
    }
  else
    snprintf (buf, len, "Created");
}

static char *
command_text (const struct ctr *c)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&buf, &len);
  if (f == NULL)
    return NULL;
  size_t i;
  json_t *v;
  json_array_foreach (json_object_get (c->rec, "command"), i, v)
    fprintf (f, "%s%s", i ? " " : "", json_string_value (v));
  fclose (f);
  return buf;
}

static json_t *
ps_json (struct engine *e, struct ctr *c)
{
  json_t *j = json_deep_copy (c->rec);
  json_object_set_new (j, "Id", json_string (c->id));
  json_object_set_new (j, "Names", json_pack ("[s]", ctr_str (c, "name")));
  json_object_set_new (j, "Image", json_string (ctr_str (c, "imageName")));
  json_object_set_new (j, "State", json_string (ctr_str (c, "status")));
  json_object_set_new (j, "Pid", json_integer (engine_pid (e, c)));
  return j;
}

int
cmd_ps_engine (struct bento_global *g, int argc, char **argv)
{
  static const struct option opts[] = { { "all", no_argument, NULL, 'a' },
                                        { "format", required_argument, NULL, 'f' },
                                        { "quiet", no_argument, NULL, 'q' },
                                        { "no-trunc", no_argument, NULL, 'n' },
                                        { NULL, 0, NULL, 0 } };
  bool all = false, json = false, quiet = false, notrunc = false;
  int ch;
  optind = 0;
  while ((ch = getopt_long (argc, argv, "+aqf:", opts, NULL)) != -1)
    switch (ch)
      {
      case 'a': all = true; break;
      case 'q': quiet = true; break;
      case 'n': notrunc = true; break;
      case 'f':
        if (strcmp (optarg, "json") != 0 && strcmp (optarg, "table") != 0)
          {
            fprintf (stderr, "bento ps: --format: want table or json\n");
            return ENGINE_EXIT_FAILED;
          }
        json = strcmp (optarg, "json") == 0;
        break;
      default: return ENGINE_EXIT_FAILED;
      }
  struct engine e;
  int status;
  if ((status = cli_engine_open (g, &e)) != 0)
    return status;
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  char **ids = NULL;
  size_t n = 0;
  if (ctr_list (e.store, &ids, &n, &err) < 0)
    {
      cli_engine_close (&e);
      return image_cli_fail (&err);
    }
  json_auto_t *arr = json_array ();
  if (!json && !quiet)
    printf ("%-14s%-24s%-24s%-20s%-28s%s\n", "CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "NAMES");
  for (size_t i = 0; i < n; i++)
    {
      struct ctr c;
      if (ctr_open (e.store, ids[i], &c, &err) == 0)
        {
          engine_refresh (&e, &c);
          if (all || strcmp (ctr_str (&c, "status"), "running") == 0)
            {
              char st[96], created[64];
              _cleanup_free_ char *cmd = command_text (&c);
              status_text (&c, st, sizeof st);
              char since[40];
              duration_since (ctr_str (&c, "created"), since, sizeof since);
              snprintf (created, sizeof created, "%s ago", since);
              if (quiet)
                printf ("%.*s\n", notrunc ? 64 : 12, c.id);
              else if (json)
                json_array_append_new (arr, ps_json (&e, &c));
              else
                printf ("%-14.12s%-24.23s%-24.23s%-20s%-28s%s\n", c.id, ctr_str (&c, "imageName"), cmd ? cmd : "",
                        created, st, ctr_str (&c, "name"));
            }
        }
      bento_err_clear (&err);
      ctr_close (&c);
      free (ids[i]);
    }
  free (ids);
  if (json)
    {
      _cleanup_free_ char *text = json_dumps (arr, JSON_INDENT (2) | JSON_PRESERVE_ORDER);
      printf ("%s\n", text ? text : "[]");
    }
  cli_engine_close (&e);
  return 0;
}

/* ---- rm, stop, restart, wait ------------------------------------------------ */

struct rm_opts
{
  bool force;
};

static int
rm_action (struct engine *e, struct ctr *c, void *arg, bento_err *err)
{
  return engine_remove (e, c, ((struct rm_opts *) arg)->force, err);
}

int
cmd_rm (struct bento_global *g, int argc, char **argv)
{
  static const struct option opts[] = { { "force", no_argument, NULL, 'f' }, { "volumes", no_argument, NULL, 'v' },
                                        { NULL, 0, NULL, 0 } };
  struct rm_opts o = { 0 };
  int ch;
  optind = 0;
  while ((ch = getopt_long (argc, argv, "+fv", opts, NULL)) != -1)
    if (ch == 'f')
      o.force = true;
    else if (ch != 'v')
      return ENGINE_EXIT_FAILED;
  return for_each_named (g, argc, argv, rm_action, &o, true);
}

static int
stop_action (struct engine *e, struct ctr *c, void *arg, bento_err *err)
{
  return engine_stop (e, c, *(int *) arg, err);
}

static int
restart_action (struct engine *e, struct ctr *c, void *arg, bento_err *err)
{
  int status = 0;
  if (engine_stop (e, c, *(int *) arg, err) < 0)
    return -1;
  struct ctr fresh;
  int r = ctr_open (e->store, c->id, &fresh, err);
  if (r == 0)
    r = engine_start (e, &fresh, false, &status, err);
  ctr_close (&fresh);
  return r;
}

static int
parse_time_flag (int argc, char **argv, int *timeout)
{
  static const struct option opts[] = { { "time", required_argument, NULL, 't' }, { "timeout", required_argument, NULL, 't' },
                                        { NULL, 0, NULL, 0 } };
  int ch;
  char *end;
  *timeout = -1;
  optind = 0;
  while ((ch = getopt_long (argc, argv, "+t:", opts, NULL)) != -1)
    {
      if (ch != 't')
        return -1;
      *timeout = (int) strtol (optarg, &end, 10);
      if (*end || *timeout < 0)
        {
          fprintf (stderr, "bento %s: -t `%s`: not a number of seconds\n", argv[0], optarg);
          return -1;
        }
    }
  return 0;
}

int
cmd_stop (struct bento_global *g, int argc, char **argv)
{
  int timeout;
  if (parse_time_flag (argc, argv, &timeout) < 0)
    return ENGINE_EXIT_FAILED;
  return for_each_named (g, argc, argv, stop_action, &timeout, true);
}

int
cmd_restart (struct bento_global *g, int argc, char **argv)
{
  int timeout;
  if (parse_time_flag (argc, argv, &timeout) < 0)
    return ENGINE_EXIT_FAILED;
  return for_each_named (g, argc, argv, restart_action, &timeout, true);
}

static int
wait_action (struct engine *e, struct ctr *c, void *arg, bento_err *err)
{
  int code;
  if (engine_wait (e, c, &code, err) < 0)
    return -1;
  printf ("%d\n", code);
  return 0;
}

int
cmd_wait (struct bento_global *g, int argc, char **argv)
{
  optind = 1;
  return for_each_named (g, argc, argv, wait_action, NULL, false);
}

/* ---- top: the talk's "PID 1 inside, PID N outside" ------------------------- */

static void
print_proc (pid_t pid)
{
  char path[64], buf[4096];
  snprintf (path, sizeof path, "/proc/%d/status", (int) pid);
  _cleanup_fclose_ FILE *f = fopen (path, "re");
  char nspid[128] = "", uid[64] = "";
  while (f && fgets (buf, sizeof buf, f))
    {
      if (strncmp (buf, "NSpid:", 6) == 0)
        {
          /* host pid first, the innermost last */
          char *last = strrchr (buf, '\t');
          snprintf (nspid, sizeof nspid, "%s", last ? last + 1 : "?");
          nspid[strcspn (nspid, "\n")] = '\0';
        }
      if (strncmp (buf, "Uid:", 4) == 0)
        sscanf (buf + 4, "%63s", uid);
    }
  snprintf (path, sizeof path, "/proc/%d/cmdline", (int) pid);
  _cleanup_fclose_ FILE *cf = fopen (path, "re");
  size_t n = cf ? fread (buf, 1, sizeof buf - 1, cf) : 0;
  for (size_t i = 0; i + 1 < n; i++)
    if (buf[i] == '\0')
      buf[i] = ' ';
  buf[n] = '\0';
  printf ("%-10d%-14s%-10s%s\n", (int) pid, nspid, uid, buf);
}

static void
print_tree (pid_t pid)
{
  print_proc (pid);
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/task/%d/children", (int) pid, (int) pid);
  _cleanup_fclose_ FILE *f = fopen (path, "re");
  int child;
  while (f && fscanf (f, "%d", &child) == 1)
    print_tree (child);
}

static int
top_action (struct engine *e, struct ctr *c, void *arg, bento_err *err)
{
  pid_t pid = engine_pid (e, c);
  if (pid == 0)
    return bento_err_make (err, 0, "container `%s` is not running", ctr_str (c, "name"));
  printf ("%-10s%-14s%-10s%s\n", "HOST PID", "CONTAINER PID", "HOST UID", "COMMAND");
  print_tree (pid);
  return 0;
}

int
cmd_top (struct bento_global *g, int argc, char **argv)
{
  optind = 1;
  return for_each_named (g, argc, argv, top_action, NULL, false);
}

/* docker's form: "80/tcp -> 0.0.0.0:8080", or the address alone when a
 * port was asked for ("bento port web 80/tcp"). */
static int
port_action (struct engine *e, struct ctr *c, void *arg, bento_err *err)
{
  const char *want = arg;
  char want_proto[8] = "tcp";
  unsigned want_port = 0;
  if (want && sscanf (want, "%u/%7s", &want_port, want_proto) < 1)
    return bento_err_make (err, 0, "`%s` is not a port (PORT[/PROTOCOL])", want);
  engine_refresh (e, c);
  size_t i, shown = 0;
  json_t *v;
  json_array_foreach (json_object_get (c->rec, "ports"), i, v)
  {
    const char *ip = json_string_value (json_object_get (v, "hostIP"));
    const char *proto = json_string_value (json_object_get (v, "protocol"));
    int hport = (int) json_integer_value (json_object_get (v, "hostPort"));
    int cport = (int) json_integer_value (json_object_get (v, "containerPort"));
    bool v6 = ip && strchr (ip, ':');
    char addr[80];
    snprintf (addr, sizeof addr, "%s%s%s:%d", v6 ? "[" : "", ip && ip[0] ? ip : "0.0.0.0", v6 ? "]" : "", hport);
    if (want == NULL)
      printf ("%d/%s -> %s\n", cport, proto ? proto : "tcp", addr);
    else if ((unsigned) cport == want_port && proto && strcmp (proto, want_proto) == 0)
      printf ("%s\n", addr);
    else
      continue;
    shown++;
  }
  if (want && shown == 0)
    return bento_err_make (err, 0, "no public port `%s` published for `%s`", want, ctr_str (c, "name"));
  return 0;
}

int
cmd_port (struct bento_global *g, int argc, char **argv)
{
  if (argc < 2 || argc > 3)
    {
      fprintf (stderr, "bento port: usage: bento port CONTAINER [PORT[/PROTOCOL]]\n");
      return ENGINE_EXIT_FAILED;
    }
  optind = 1;
  return for_each_named (g, 2, argv, port_action, argc == 3 ? argv[2] : NULL, false);
}

/* ---- container prune ------------------------------------------------------- */

int
cmd_container (struct bento_global *g, int argc, char **argv)
{
  if (argc < 2)
    {
      fprintf (stderr, "bento container: want prune, ls, rm, stop, start, logs, inspect\n");
      return ENGINE_EXIT_FAILED;
    }
  if (strcmp (argv[1], "ls") == 0 || strcmp (argv[1], "list") == 0)
    return cmd_ps_engine (g, argc - 1, argv + 1);
  if (strcmp (argv[1], "rm") == 0)
    return cmd_rm (g, argc - 1, argv + 1);
  if (strcmp (argv[1], "stop") == 0)
    return cmd_stop (g, argc - 1, argv + 1);
  if (strcmp (argv[1], "logs") == 0)
    return cmd_logs (g, argc - 1, argv + 1);
  if (strcmp (argv[1], "start") == 0)
    return engine_cmd_start (g, argc - 1, argv + 1);
  if (strcmp (argv[1], "inspect") == 0)
    return cmd_inspect (g, argc - 1, argv + 1);
  if (strcmp (argv[1], "prune") != 0)
    {
      fprintf (stderr, "bento container: unknown command `%s`\n", argv[1]);
      return ENGINE_EXIT_FAILED;
    }
  struct engine e;
  int status;
  if ((status = cli_engine_open (g, &e)) != 0)
    return status;
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  char **ids = NULL;
  size_t n = 0;
  if (ctr_list (e.store, &ids, &n, &err) < 0)
    status = image_cli_fail (&err);
  for (size_t i = 0; i < n; i++)
    {
      struct ctr c;
      if (ctr_open (e.store, ids[i], &c, &err) == 0)
        {
          engine_refresh (&e, &c);
          if (strcmp (ctr_str (&c, "status"), "running") != 0 && engine_remove (&e, &c, false, &err) == 0)
            printf ("%s\n", c.id);
        }
      if (bento_err_is_set (&err))
        bento_err_report (&err, "bento");
      ctr_close (&c);
      free (ids[i]);
    }
  free (ids);
  cli_engine_close (&e);
  return status;
}

/* internal: bento-monitor's way back when a detached container exits */
int
cmd_monitor_exit (struct bento_global *g, int argc, char **argv)
{
  if (argc != 3)
    return 2;
  struct engine e;
  if (cli_engine_open (g, &e) != 0)
    return 1;
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  struct ctr c;
  int r = 0;
  if (ctr_open (e.store, argv[1], &c, &err) == 0)
    r = monitor_exited (&e, &c, atoi (argv[2]), &err);
  ctr_close (&c);
  cli_engine_close (&e);
  return r < 0 ? 1 : 0;
}
