/* Errors that carry their context up, one clear line for the user.
 *
 * A function that can fail takes a `bento_err *err` as its last argument,
 * returns a negative value on failure and fills *err.  Callers add what they
 * were doing as the error rises:
 *
 *     if (mount (src, dst, NULL, MS_BIND, NULL) < 0)
 *       return bento_err_make (err, errno, "bind mount `%s` to `%s`", src, dst);
 *     if (rootfs_prepare (spec, err) < 0)
 *       return bento_err_wrap (err, "create container `%s`", id);
 *
 * and the user sees
 *     bento: create container `web`: bind mount `/data` to `/srv`: No such file or directory
 */
#ifndef BENTO_ERROR_H
#define BENTO_ERROR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct bento_err
{
  int errnum; /* the errno at the root of the chain, 0 if none */
  char *msg;  /* NULL while no error is set */
} bento_err;

#define BENTO_ERR_INIT { 0, NULL }

/* Set a new error (replacing any previous one); when errnum != 0 the text
 * of strerror(errnum) is appended.  Always returns -1. */
int bento_err_make (bento_err *err, int errnum, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));
int bento_err_makev (bento_err *err, int errnum, const char *fmt, va_list ap)
  __attribute__ ((format (printf, 3, 0)));

/* Prepend "context: " to the current error.  Always returns -1. */
int bento_err_wrap (bento_err *err, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));

/* Set an error from a plain message and errno, as received from a child. */
int bento_err_set_raw (bento_err *err, int errnum, const char *msg);

void bento_err_clear (bento_err *err);
static inline bool bento_err_is_set (const bento_err *err) { return err->msg != NULL; }

/* Print "PROG: MSG" to stderr (and the log), then clear the error. */
void bento_err_report (bento_err *err, const char *prog);

#define _cleanup_err_ __attribute__ ((cleanup (bento_err_clear)))

#endif
