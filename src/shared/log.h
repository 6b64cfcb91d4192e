/* Logging: stderr for the user, plus the --log file in text or JSON (the
 * format containerd's shim and podman's conmon read back on failure). */
#ifndef BENTO_LOG_H
#define BENTO_LOG_H

#include <stdbool.h>

enum bento_log_level
{
  BENTO_LOG_ERROR = 0,
  BENTO_LOG_WARN,
  BENTO_LOG_INFO,
  BENTO_LOG_DEBUG,
};

enum bento_log_format
{
  BENTO_LOG_TEXT = 0,
  BENTO_LOG_JSON,
};

/* path NULL: stderr only.  Returns -1 with errno set if path cannot be opened. */
int bento_log_init (const char *path, enum bento_log_format format, enum bento_log_level level);
void bento_log_set_level (enum bento_log_level level);
enum bento_log_level bento_log_get_level (void);
/* Close the log file, e.g. in a child about to exec the container. */
void bento_log_close (void);

void bento_log (enum bento_log_level level, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));

/* The one line a failed command prints: "PROG: MSG" on stderr; in the log file
 * as an error record. */
void bento_log_error_line (const char *prog, const char *msg);

#define log_debug(...) bento_log (BENTO_LOG_DEBUG, __VA_ARGS__)
#define log_info(...) bento_log (BENTO_LOG_INFO, __VA_ARGS__)
#define log_warn(...) bento_log (BENTO_LOG_WARN, __VA_ARGS__)
#define log_error(...) bento_log (BENTO_LOG_ERROR, __VA_ARGS__)

#endif
