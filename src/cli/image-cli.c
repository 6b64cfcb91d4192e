#include "cli/image-cli.h"
#include "engine/registry.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

struct store *
image_cli_store (struct bento_global *g)
{
  bento_err err = BENTO_ERR_INIT;
  struct store *s = NULL;
  if (store_open (g->storage_root, &s, &err) < 0)
    {
      bento_err_report (&err, "bento");
      return NULL;
    }
  return s;
}

int
image_cli_fail (bento_err *err)
{
  bento_err_report (err, "bento");
  return BENTO_EXIT_FAILURE;
}

int
image_cli_usage (const char *usage)
{
  fprintf (stderr, "bento: usage: %s\n", usage);
  return BENTO_EXIT_FAILURE;
}

void
image_cli_size (int64_t bytes, char *buf, size_t len)
{
  static const char *const units[] = { "B", "kB", "MB", "GB", "TB" };
  double v = (double) bytes;
  size_t u = 0;
  while (v >= 1000 && u < 4)
    v /= 1000, u++;
  if (u == 0)
    snprintf (buf, len, "%lld B", (long long) bytes);
  else
    snprintf (buf, len, "%.3g %s", v, units[u]);
}

void
image_cli_ago (const char *rfc3339, char *buf, size_t len)
{
  struct tm tm = { 0 };
  buf[0] = '\0';
  if (rfc3339 == NULL || strptime (rfc3339, "%Y-%m-%dT%H:%M:%S", &tm) == NULL)
    return;
  time_t t = timegm (&tm);
  double d = difftime (time (NULL), t);
  static const struct
  {
    double secs;
    const char *unit;
  } steps[] = { { 365 * 86400.0, "year" }, { 30 * 86400.0, "month" }, { 7 * 86400.0, "week" },
                { 86400, "day" },          { 3600, "hour" },           { 60, "minute" } };
  for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
    if (d >= steps[i].secs)
      {
        long n = (long) (d / steps[i].secs);
        snprintf (buf, len, "%ld %s%s ago", n, steps[i].unit, n == 1 ? "" : "s");
        return;
      }
  snprintf (buf, len, "%s", d < 0 ? "in the future" : "seconds ago");
}

int
image_cli_registry_option (int c, const char *arg, struct registry_opts *o)
{
  switch (c)
    {
    case 0x1001:
      if (arg == NULL || strcmp (arg, "true") == 0)
        o->tls_verify = 1;
      else if (strcmp (arg, "false") == 0)
        o->tls_verify = 0;
      else
        {
          fprintf (stderr, "bento: --tls-verify: want true or false, got `%s`\n", arg);
          return -1;
        }
      return 0;
    case 0x1002: o->cert_dir = arg; return 0;
    case 0x1003: o->auth_file = arg; return 0;
    default: return -1;
    }
}
