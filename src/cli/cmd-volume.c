/* bento volume create|ls|rm|inspect|prune: named volumes, directories in
 * the store (STORE/volumes/NAME/_data) that outlive containers; `-v NAME:/dst`
 * makes one on first use, as docker does. */
#include "cli/engine-cli.h"
#include "cli/image-cli.h"
#include "cli/verbs.h"
#include "shared/cleanup.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static bool
volume_name_ok (const char *n)
{
  return n[0] && n[0] != '.' && n[strspn (n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")] == '\0';
}

static char *
volume_path (struct store *s, const char *name, const char *sub)
{
  char *p = NULL;
  if (asprintf (&p, "%s/volumes/%s%s", s->root, name, sub) < 0)
    return NULL;
  return p;
}

/* Is a container (any state) using the volume? */
static const char *
volume_user (struct engine *e, const char *name)
{
  static char who[128];
  char **ids = NULL;
  size_t n = 0;
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  _cleanup_free_ char *data = volume_path (e->store, name, "/_data");
  const char *found = NULL;
  if (data == NULL || ctr_list (e->store, &ids, &n, &err) < 0)
    return NULL;
  for (size_t i = 0; i < n; i++)
    {
      _cleanup_free_ char *cfg = NULL;
      if (!found && asprintf (&cfg, "%s/containers/%s/bundle/config.json", e->store->root, ids[i]) >= 0)
        {
          json_t *j = json_load_file (cfg, 0, NULL);
          size_t k;
          json_t *m;
          json_array_foreach (json_object_get (j, "mounts"), k, m)
            if (json_string_value (json_object_get (m, "source"))
                && strcmp (json_string_value (json_object_get (m, "source")), data) == 0)
              {
                snprintf (who, sizeof who, "%.12s", ids[i]);
                found = who;
              }
          json_decref (j);
        }
      free (ids[i]);
    }
  free (ids);
  return found;
}

static int
volume_create (struct engine *e, const char *name)
{
  if (!volume_name_ok (name))
    {
      fprintf (stderr, "bento volume create: `%s`: only letters, digits and _ . - are allowed\n", name);
      return ENGINE_EXIT_FAILED;
    }
  _cleanup_free_ char *top = volume_path (e->store, "", ""), *dir = volume_path (e->store, name, ""),
                      *data = volume_path (e->store, name, "/_data");
  if (top == NULL || dir == NULL || data == NULL)
    return ENGINE_EXIT_FAILED;
  mkdir (top, 0700);
  if (mkdir (dir, 0700) < 0)
    {
      fprintf (stderr, "bento volume create: `%s`: %s\n", name, errno == EEXIST ? "already exists" : strerror (errno));
      return ENGINE_EXIT_FAILED;
    }
  if (mkdir (data, 0755) < 0)
    {
      fprintf (stderr, "bento volume create: `%s`: %s\n", name, strerror (errno));
      rmdir (dir);
      return ENGINE_EXIT_FAILED;
    }
  printf ("%s\n", name);
  return 0;
}

static int
volume_rm (struct engine *e, const char *name, bool force)
{
  _cleanup_free_ char *dir = volume_path (e->store, name, "");
  struct stat st;
  if (!volume_name_ok (name) || dir == NULL || stat (dir, &st) < 0)
    {
      fprintf (stderr, "bento volume rm: no volume `%s`\n", name);
      return ENGINE_EXIT_FAILED;
    }
  const char *user = volume_user (e, name);
  if (user && !force)
    {
      fprintf (stderr, "bento volume rm: volume `%s` is used by container %s (remove it first, or -f)\n", name, user);
      return ENGINE_EXIT_FAILED;
    }
  /* a volume's files may belong to the container's (subordinate) ids */
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  pid_t pid = fork ();
  if (pid == 0)
    {
      execlp ("rm", "rm", "-rf", "--", dir, (char *) NULL);
      _exit (127);
    }
  int status = 0;
  waitpid (pid, &status, 0);
  if (access (dir, F_OK) == 0 && e->store->rootless)
    {
      /* rm in the store's user namespace */
      char *self = realpath ("/proc/self/exe", NULL);
      pid = fork ();
      if (pid == 0 && self)
        {
          execl (self, "bento", "--storage-root", e->store->root, "unshare", "--", "rm", "-rf", "--", dir, (char *) NULL);
          _exit (127);
        }
      waitpid (pid, &status, 0);
      free (self);
    }
  if (access (dir, F_OK) == 0)
    {
      fprintf (stderr, "bento volume rm: `%s`: could not remove %s\n", name, dir);
      return ENGINE_EXIT_FAILED;
    }
  printf ("%s\n", name);
  return 0;
}

static json_t *
volume_json (struct engine *e, const char *name)
{
  _cleanup_free_ char *data = volume_path (e->store, name, "/_data");
  struct stat st;
  if (data == NULL || stat (data, &st) < 0)
    return NULL;
  char when[64];
  struct tm tm;
  gmtime_r (&st.st_mtime, &tm);
  strftime (when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return json_pack ("{s:s, s:s, s:s, s:s}", "Name", name, "Driver", "local", "Mountpoint", data, "CreatedAt", when);
}

static int
volume_ls (struct engine *e, bool json, bool quiet)
{
  _cleanup_free_ char *top = volume_path (e->store, "", "");
  struct dirent **names = NULL;
  int n = top ? scandir (top, &names, NULL, alphasort) : -1;
  json_auto_t *arr = json_array ();
  if (!json && !quiet)
    printf ("%-12s%s\n", "DRIVER", "VOLUME NAME");
  for (int i = 0; i < n; i++)
    {
      if (names[i]->d_name[0] != '.')
        {
          if (json)
            {
              json_t *v = volume_json (e, names[i]->d_name);
              if (v)
                json_array_append_new (arr, v);
            }
          else if (quiet)
            printf ("%s\n", names[i]->d_name);
          else
            printf ("%-12s%s\n", "local", names[i]->d_name);
        }
      free (names[i]);
    }
  free (names);
  if (json)
    {
      _cleanup_free_ char *t = json_dumps (arr, JSON_INDENT (2) | JSON_PRESERVE_ORDER);
      printf ("%s\n", t ? t : "[]");
    }
  return 0;
}

int
cmd_volume (struct bento_global *g, int argc, char **argv)
{
  if (argc < 2)
    {
      fprintf (stderr, "bento volume: want create, ls, rm, inspect or prune\n");
      return ENGINE_EXIT_FAILED;
    }
  struct engine e;
  int status;
  if ((status = cli_engine_open (g, &e)) != 0)
    return status;
  const char *sub = argv[1];
  bool force = false, json = false, quiet = false;
  int first = 2;
  for (; first < argc && argv[first][0] == '-'; first++)
    {
      force |= strcmp (argv[first], "-f") == 0 || strcmp (argv[first], "--force") == 0;
      quiet |= strcmp (argv[first], "-q") == 0 || strcmp (argv[first], "--quiet") == 0;
      if (strcmp (argv[first], "--format") == 0 && first + 1 < argc)
        json = strcmp (argv[++first], "json") == 0;
    }
  if (strcmp (sub, "create") == 0 && first < argc)
    status = volume_create (&e, argv[first]);
  else if (strcmp (sub, "ls") == 0 || strcmp (sub, "list") == 0)
    status = volume_ls (&e, json, quiet);
  else if ((strcmp (sub, "rm") == 0 || strcmp (sub, "remove") == 0) && first < argc)
    for (int i = first; i < argc; i++)
      status |= volume_rm (&e, argv[i], force);
  else if (strcmp (sub, "inspect") == 0 && first < argc)
    {
      json_auto_t *arr = json_array ();
      for (int i = first; i < argc; i++)
        {
          json_t *v = volume_name_ok (argv[i]) ? volume_json (&e, argv[i]) : NULL;
          if (v == NULL)
            {
              fprintf (stderr, "bento volume inspect: no volume `%s`\n", argv[i]);
              status = ENGINE_EXIT_FAILED;
            }
          else
            json_array_append_new (arr, v);
        }
      _cleanup_free_ char *t = json_dumps (arr, JSON_INDENT (2) | JSON_PRESERVE_ORDER);
      if (status == 0)
        printf ("%s\n", t ? t : "[]");
    }
  else if (strcmp (sub, "prune") == 0)
    {
      _cleanup_free_ char *top = volume_path (e.store, "", "");
      _cleanup_closedir_ DIR *d = top ? opendir (top) : NULL;
      struct dirent *de;
      while (d && (de = readdir (d)) != NULL)
        if (de->d_name[0] != '.' && volume_user (&e, de->d_name) == NULL)
          status |= volume_rm (&e, de->d_name, false);
    }
  else
    {
      fprintf (stderr, "bento volume %s: see `bento volume` (create NAME, ls, rm NAME, inspect NAME, prune)\n", sub);
      status = ENGINE_EXIT_FAILED;
    }
  cli_engine_close (&e);
  return status;
}
