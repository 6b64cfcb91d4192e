#include "shared/error.h"
#include "shared/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Out of memory while building an error message: keep a static text so the
 * user still learns what happened.  free() must never see it. */
static char oom_msg[] = "out of memory while reporting an error";

static void
err_set_msg (bento_err *err, char *msg)
{
  if (err->msg != oom_msg)
    free (err->msg);
  err->msg = msg ? msg : oom_msg;
}

int
bento_err_makev (bento_err *err, int errnum, const char *fmt, va_list ap)
{
  char *base = NULL, *full = NULL;

  if (vasprintf (&base, fmt, ap) < 0)
    base = NULL;
  if (base && errnum != 0)
    {
      if (asprintf (&full, "%s: %s", base, strerror (errnum)) < 0)
        full = NULL;
      free (base);
      base = full;
    }
  err_set_msg (err, base);
  err->errnum = errnum;
  return -1;
}

int
bento_err_make (bento_err *err, int errnum, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  bento_err_makev (err, errnum, fmt, ap);
  va_end (ap);
  return -1;
}

int
bento_err_wrap (bento_err *err, const char *fmt, ...)
{
  char *ctx = NULL, *full = NULL;
  va_list ap;

  if (err->msg == NULL)
    err_set_msg (err, strdup ("unknown error"));

  va_start (ap, fmt);
  if (vasprintf (&ctx, fmt, ap) < 0)
    ctx = NULL;
  va_end (ap);
  if (ctx == NULL)
    return -1;
  if (asprintf (&full, "%s: %s", ctx, err->msg) < 0)
    full = NULL;
  free (ctx);
  if (full)
    err_set_msg (err, full);
  return -1;
}

int
bento_err_set_raw (bento_err *err, int errnum, const char *msg)
{
  err_set_msg (err, strdup (msg));
  err->errnum = errnum;
  return -1;
}

void
bento_err_clear (bento_err *err)
{
  if (err->msg != oom_msg)
    free (err->msg);
  err->msg = NULL;
  err->errnum = 0;
}

void
bento_err_report (bento_err *err, const char *prog)
{
  if (err->msg == NULL)
    return;
  bento_log_error_line (prog, err->msg);
  bento_err_clear (err);
}
