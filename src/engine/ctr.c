#include "engine/ctr.h"
#include "shared/cleanup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void
ctr_now (char *buf, size_t len)
{
  struct timespec ts;
  struct tm tm;
  clock_gettime (CLOCK_REALTIME, &ts);
  gmtime_r (&ts.tv_sec, &tm);
  size_t n = strftime (buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf (buf + n, len - n, ".%09ldZ", ts.tv_nsec);
}

int
ctr_new_id (char id[65], bento_err *err)
{
  unsigned char raw[32];
  if (getrandom (raw, sizeof raw, 0) != (ssize_t) sizeof raw)
    return bento_err_make (err, errno, "generate a container id");
  for (size_t i = 0; i < sizeof raw; i++)
    snprintf (id + 2 * i, 3, "%02x", raw[i]);
  return 0;
}

char *
ctr_generate_name (void)
{
  static const char *const adj[] = { "brave", "calm", "eager", "fancy", "gentle", "happy", "jolly", "keen",
                                     "lucid", "merry", "nifty", "proud", "quiet", "swift", "tidy", "witty" };
  static const char *const noun[] = { "bento", "onigiri", "tamago", "nori", "sushi", "udon", "miso", "tofu",
                                      "edamame", "wasabi", "ramen", "mochi", "soba", "tempura", "yuzu", "kombu" };
  unsigned char r[3] = { 0 };
  if (getrandom (r, sizeof r, 0) != (ssize_t) sizeof r)
    memset (r, 0, sizeof r);
  char *name = NULL;
  if (asprintf (&name, "%s_%s_%02x", adj[r[0] % 16], noun[r[1] % 16], r[2]) < 0)
    return NULL;
  return name;
}

static char *
ctr_dir (struct store *s, const char *id)
{
  char *d = NULL;
  if (asprintf (&d, "%s/containers/%s", s->root, id) < 0)
    return NULL;
  return d;
}

static bool
is_container_id (const char *name)
{
  return strlen (name) == 64 && strspn (name, "0123456789abcdef") == 64;
}

static int
load_record (struct ctr *c, bento_err *err)
{
  _cleanup_free_ char *path = NULL;
  if (asprintf (&path, "%s/record.json", c->dir) < 0)
    return bento_err_make (err, ENOMEM, "container record");
  json_error_t jerr;
  json_t *rec = json_load_file (path, 0, &jerr);
  if (rec == NULL || !json_is_object (rec))
    {
      json_decref (rec);
      return bento_err_make (err, 0, "container `%.12s`: unreadable record (%s)", c->id, jerr.text);
    }
  json_decref (c->rec);
  c->rec = rec;
  return 0;
}

int
ctr_open (struct store *s, const char *id, struct ctr *out, bento_err *err)
{
  memset (out, 0, sizeof *out);
  out->lock_fd = -1;
  out->id = strdup (id);
  out->dir = ctr_dir (s, id);
  if (out->id == NULL || out->dir == NULL)
    return bento_err_make (err, ENOMEM, "container");
  return load_record (out, err);
}

void
ctr_close (struct ctr *c)
{
  ctr_unlock (c);
  free (c->id);
  free (c->dir);
  json_decref (c->rec);
  memset (c, 0, sizeof *c);
  c->lock_fd = -1;
}

int
ctr_lock (struct ctr *c, bento_err *err)
{
  _cleanup_free_ char *path = NULL;
  if (asprintf (&path, "%s/lock", c->dir) < 0)
    return bento_err_make (err, ENOMEM, "lock");
  int fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return bento_err_make (err, errno, "lock container `%.12s`", c->id);
  while (flock (fd, LOCK_EX) < 0)
    if (errno != EINTR)
      {
        close (fd);
        return bento_err_make (err, errno, "lock container `%.12s`", c->id);
      }
  c->lock_fd = fd;
  return load_record (c, err);
}

void
ctr_unlock (struct ctr *c)
{
  if (c->lock_fd >= 0)
    close (c->lock_fd);
  c->lock_fd = -1;
}

int
ctr_save (struct ctr *c, bento_err *err)
{
  _cleanup_free_ char *tmp = NULL, *path = NULL;
  if (asprintf (&tmp, "%s/record.json.tmp", c->dir) < 0 || asprintf (&path, "%s/record.json", c->dir) < 0)
    return bento_err_make (err, ENOMEM, "save container record");
  if (json_dump_file (c->rec, tmp, JSON_INDENT (1) | JSON_PRESERVE_ORDER) < 0 || rename (tmp, path) < 0)
    return bento_err_make (err, errno ? errno : EIO, "save record of container `%.12s`", c->id);
  return 0;
}

const char *
ctr_str (const struct ctr *c, const char *key)
{
  return json_string_value (json_object_get (c->rec, key));
}

json_int_t
ctr_int (const struct ctr *c, const char *key)
{
  return json_integer_value (json_object_get (c->rec, key));
}

bool
ctr_bool (const struct ctr *c, const char *key)
{
  return json_is_true (json_object_get (c->rec, key));
}

void
ctr_set_str (struct ctr *c, const char *key, const char *v)
{
  json_object_set_new (c->rec, key, v ? json_string (v) : json_null ());
}

void
ctr_set_int (struct ctr *c, const char *key, json_int_t v)
{
  json_object_set_new (c->rec, key, json_integer (v));
}

struct id_time
{
  char *id;
  char created[64];
};

static int
by_created_desc (const void *a, const void *b)
{
  return strcmp (((const struct id_time *) b)->created, ((const struct id_time *) a)->created);
}

int
ctr_list (struct store *s, char ***ids, size_t *n, bento_err *err)
{
  _cleanup_free_ char *root = NULL;
  *ids = NULL;
  *n = 0;
  if (asprintf (&root, "%s/containers", s->root) < 0)
    return bento_err_make (err, ENOMEM, "list containers");
  _cleanup_closedir_ DIR *d = opendir (root);
  if (d == NULL)
    return errno == ENOENT ? 0 : bento_err_make (err, errno, "list containers");
  struct id_time *v = NULL;
  size_t count = 0;
  struct dirent *de;
  while ((de = readdir (d)) != NULL)
    {
      if (!is_container_id (de->d_name))
        continue;
      struct ctr c;
      _cleanup_err_ bento_err ignored = BENTO_ERR_INIT;
      if (ctr_open (s, de->d_name, &c, &ignored) < 0)
        {
          ctr_close (&c);
          continue; /* being created or removed */
        }
      struct id_time *grown = realloc (v, (count + 1) * sizeof *v);
      if (grown == NULL)
        {
          ctr_close (&c);
          break;
        }
      v = grown;
      v[count].id = strdup (c.id);
      snprintf (v[count].created, sizeof v[count].created, "%s", ctr_str (&c, "created") ? ctr_str (&c, "created") : "");
      count++;
      ctr_close (&c);
    }
  if (count > 1)
    qsort (v, count, sizeof *v, by_created_desc);
  *ids = calloc (count + 1, sizeof **ids);
  for (size_t i = 0; i < count; i++)
    {
      if (*ids)
        (*ids)[i] = v[i].id;
      else
        free (v[i].id);
    }
  free (v);
  if (*ids == NULL)
    return bento_err_make (err, ENOMEM, "list containers");
  *n = count;
  return 0;
}

bool
ctr_name_taken (struct store *s, const char *name, const char *except_id)
{
  char **ids;
  size_t n;
  _cleanup_err_ bento_err ignored = BENTO_ERR_INIT;
  bool taken = false;
  if (ctr_list (s, &ids, &n, &ignored) < 0)
    return false;
  for (size_t i = 0; i < n; i++)
    {
      struct ctr c;
      if (!taken && ctr_open (s, ids[i], &c, &ignored) == 0)
        taken = ctr_str (&c, "name") && strcmp (ctr_str (&c, "name"), name) == 0
                && (except_id == NULL || strcmp (except_id, ids[i]) != 0);
      ctr_close (&c);
      bento_err_clear (&ignored);
      free (ids[i]);
    }
  free (ids);
  return taken;
}

int
ctr_find (struct store *s, const char *query, struct ctr *out, bento_err *err)
{
  char **ids;
  size_t n;
  if (ctr_list (s, &ids, &n, err) < 0)
    return -1;
  const char *match = NULL;
  int matches = 0;
  for (size_t i = 0; i < n; i++)
    {
      struct ctr c;
      _cleanup_err_ bento_err ignored = BENTO_ERR_INIT;
      bool named = ctr_open (s, ids[i], &c, &ignored) == 0 && ctr_str (&c, "name")
                   && strcmp (ctr_str (&c, "name"), query) == 0;
      ctr_close (&c);
      if (named)
        {
          match = ids[i];
          matches = 1;
          break;
        }
      if (strlen (query) >= 1 && strncmp (ids[i], query, strlen (query)) == 0)
        {
          match = ids[i];
          matches++;
        }
    }
  int r;
  if (matches == 1)
    r = ctr_open (s, match, out, err);
  else
    {
      memset (out, 0, sizeof *out);
      out->lock_fd = -1;
      r = matches == 0 ? bento_err_make (err, 0, "container `%s` does not exist", query)
                       : bento_err_make (err, 0, "container `%s` is ambiguous: %d containers match", query, matches);
      if (matches == 0)
        err->errnum = ENOENT;
    }
  for (size_t i = 0; i < n; i++)
    free (ids[i]);
  free (ids);
  return r;
}
