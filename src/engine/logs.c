#include "engine/logs.h"
#include "shared/cleanup.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct record
{
  char time[64];
  bool err;     /* stderr */
  bool partial; /* no newline after the text */
  char *text;   /* points into the line */
  size_t len;
};

/* One line of the log file as a record; false for a line that is not one. */
static bool
parse_record (char *line, const char *driver, struct record *r)
{
  size_t n = strlen (line);
  if (n && line[n - 1] == '\n')
    line[--n] = '\0';
  if (strcmp (driver, "json-file") == 0)
    {
      /* {"log":"...","stream":"stdout","time":"..."}: parsed by hand would
       * be fragile; json_loads is fine at log-reading speed */
      json_error_t je;
      json_t *j = json_loads (line, 0, &je);
      const char *log = json_string_value (json_object_get (j, "log"));
      const char *stream = json_string_value (json_object_get (j, "stream"));
      const char *t = json_string_value (json_object_get (j, "time"));
      bool ok = log && stream && t;
      if (ok)
        {
          size_t len = json_string_length (json_object_get (j, "log"));
          snprintf (r->time, sizeof r->time, "%s", t);
          r->err = strcmp (stream, "stderr") == 0;
          memcpy (line, log, len); /* the text is never longer than its JSON */
          r->partial = len == 0 || log[len - 1] != '\n';
          r->len = r->partial ? len : len - 1;
          r->text = line;
        }
      json_decref (j);
      return ok;
    }
  char *sp1 = strchr (line, ' '), *sp2 = sp1 ? strchr (sp1 + 1, ' ') : NULL, *sp3 = sp2 ? strchr (sp2 + 1, ' ') : NULL;
  if (sp3 == NULL)
    return false;
  snprintf (r->time, sizeof r->time, "%.*s", (int) (sp1 - line), line);
  r->err = strncmp (sp1 + 1, "stderr", 6) == 0;
  r->partial = sp2[1] == 'P';
  r->text = sp3 + 1;
  r->len = strlen (r->text);
  return true;
}

static void
emit (const struct record *r, const struct logs_opts *o)
{
  FILE *out = r->err ? stderr : stdout;
  if (o->timestamps)
    fprintf (out, "%s ", r->time);
  fwrite (r->text, 1, r->len, out);
  if (!r->partial)
    fputc ('\n', out);
  fflush (out);
}

/* --since: an RFC 3339 time, or a duration back from now. */
static void
since_time (const char *since, char *buf, size_t len)
{
  char *end;
  double v = strtod (since, &end);
  double mult = strcmp (end, "s") == 0 ? 1 : strcmp (end, "m") == 0 ? 60 : strcmp (end, "h") == 0 ? 3600 : 0;
  if (end != since && mult > 0)
    {
      time_t t = time (NULL) - (time_t) (v * mult);
      struct tm tm;
      gmtime_r (&t, &tm);
      strftime (buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
      return;
    }
  snprintf (buf, len, "%s", since);
}

static bool
is_running (struct engine *e, struct ctr *c)
{
  struct ctr fresh;
  bento_err ignored = BENTO_ERR_INIT;
  bool running = false;
  if (ctr_open (e->store, c->id, &fresh, &ignored) == 0)
    {
      engine_refresh (e, &fresh);
      running = strcmp (ctr_str (&fresh, "status"), "running") == 0;
    }
  ctr_close (&fresh);
  bento_err_clear (&ignored);
  return running;
}

int
logs_print (struct engine *e, struct ctr *c, const struct logs_opts *o, bento_err *err)
{
  const char *driver = ctr_str (c, "logDriver") ? ctr_str (c, "logDriver") : "k8s-file";
  if (strcmp (driver, "none") == 0)
    return bento_err_make (err, 0, "container `%s` has no log (--log-driver none)", ctr_str (c, "name"));
  _cleanup_free_ char *path = NULL;
  if (asprintf (&path, "%s/ctr.log", c->dir) < 0)
    return bento_err_make (err, ENOMEM, "logs");
  _cleanup_fclose_ FILE *f = fopen (path, "re");
  if (f == NULL && errno != ENOENT)
    return bento_err_make (err, errno, "open `%s`", path);
  char since[64] = "";
  if (o->since)
    since_time (o->since, since, sizeof since);

  /* --tail: count the complete records first, then skip all but N */
  long total = 0, skip = 0;
  _cleanup_free_ char *line = NULL;
  size_t cap = 0;
  struct record r;
  if (f && o->tail >= 0)
    {
      while (getline (&line, &cap, f) > 0)
        if (parse_record (line, driver, &r) && !r.partial)
          total++;
      skip = total > o->tail ? total - o->tail : 0;
      rewind (f);
    }
  for (;;)
    {
      while (f && getline (&line, &cap, f) > 0)
        {
          if (!parse_record (line, driver, &r))
            continue;
          bool complete = !r.partial;
          if (skip > 0)
            {
              skip -= complete;
              continue;
            }
          if (since[0] && strcmp (r.time, since) < 0)
            continue;
          emit (&r, o);
        }
      if (!o->follow || !is_running (e, c))
        break;
      clearerr (f ? f : stdin);
      struct timespec ts = { 0, 100 * 1000 * 1000 };
      nanosleep (&ts, NULL);
      if (f == NULL)
        f = fopen (path, "re");
    }
  return 0;
}
