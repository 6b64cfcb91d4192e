#include "shared/log.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int log_fd = -1;
static enum bento_log_format log_format = BENTO_LOG_TEXT;
static enum bento_log_level log_level = BENTO_LOG_WARN;

static const char *const level_names[] = { "error", "warning", "info", "debug" };

int
bento_log_init (const char *path, enum bento_log_format format, enum bento_log_level level)
{
  log_format = format;
  log_level = level;
  if (path == NULL)
    return 0;
  int fd = open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return -1;
  if (log_fd >= 0)
    close (log_fd);
  log_fd = fd;
  return 0;
}

void
bento_log_set_level (enum bento_log_level level)
{
  log_level = level;
}

enum bento_log_level
bento_log_get_level (void)
{
  return log_level;
}

void
bento_log_close (void)
{
  if (log_fd >= 0)
    close (log_fd);
  log_fd = -1;
}

static void
format_time (char *buf, size_t len)
{
  struct timespec ts;
  struct tm tm;
  clock_gettime (CLOCK_REALTIME, &ts);
  gmtime_r (&ts.tv_sec, &tm);
  size_t n = strftime (buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf (buf + n, len - n, ".%09ldZ", ts.tv_nsec);
}

/* One record, written with a single write() so concurrent writers (the
 * runtime and its children) do not interleave inside a line. */
static void
write_record (enum bento_log_level level, const char *msg)
{
  char when[64];
  char *line = NULL;
  int n;

  format_time (when, sizeof when);
  if (log_format == BENTO_LOG_JSON)
    {
      json_t *obj = json_pack ("{s:s, s:s, s:s}", "level", level_names[level], "msg", msg, "time", when);
      char *text = obj ? json_dumps (obj, JSON_COMPACT) : NULL;
      json_decref (obj);
      n = text ? asprintf (&line, "%s\n", text) : -1;
      free (text);
    }
  else
    n = asprintf (&line, "%s %s: %s\n", when, level_names[level], msg);
  if (n > 0)
    {
      ssize_t r;
      do
        r = write (log_fd, line, (size_t) n);
      while (r < 0 && errno == EINTR);
    }
  free (line);
}

static void
log_msg (enum bento_log_level level, const char *prog, const char *msg)
{
  int saved = errno;
  if (log_fd >= 0)
    write_record (level, msg);
  /* The user always sees errors; other levels only up to the chosen one,
   * and only on stderr when no log file takes them. */
  if (level == BENTO_LOG_ERROR || (log_fd < 0 && level <= log_level))
    {
      if (level == BENTO_LOG_ERROR || level == BENTO_LOG_WARN)
        fprintf (stderr, "%s: %s%s\n", prog, level == BENTO_LOG_WARN ? "warning: " : "", msg);
      else
        fprintf (stderr, "%s: %s: %s\n", prog, level_names[level], msg);
    }
  errno = saved;
}

void
bento_log (enum bento_log_level level, const char *fmt, ...)
{
  char *msg = NULL;
  va_list ap;

  if (level > log_level)
    return;
  int saved = errno;
  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    msg = NULL;
  va_end (ap);
  if (msg)
    log_msg (level, "bento", msg);
  free (msg);
  errno = saved;
}

void
bento_log_error_line (const char *prog, const char *msg)
{
  log_msg (BENTO_LOG_ERROR, prog, msg);
}
