#include "shared/cleanup.h"
#include "shared/error.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>

static int
inner (bento_err *err)
{
  return bento_err_make (err, ENOENT, "bind mount `%s` to `%s`", "/data", "/srv");
}

static int
outer (bento_err *err)
{
  if (inner (err) < 0)
    return bento_err_wrap (err, "create container `%s`", "web");
  return 0;
}

static int
fd_is_open (int fd)
{
  return fcntl (fd, F_GETFD) >= 0;
}

int
main (void)
{
  {
    _cleanup_err_ bento_err err = BENTO_ERR_INIT;
    ok (!bento_err_is_set (&err), "a fresh error is not set");
    is_int (outer (&err), -1, "a failing call returns -1");
    is_str (err.msg, "create container `web`: bind mount `/data` to `/srv`: No such file or directory",
            "context is chained outermost first, errno text last");
    is_int (err.errnum, ENOENT, "the root errno is kept through wrapping");
  }
  {
    _cleanup_err_ bento_err err = BENTO_ERR_INIT;
    bento_err_make (&err, 0, "process.args: must not be empty");
    is_str (err.msg, "process.args: must not be empty", "errnum 0 adds no strerror text");
    bento_err_make (&err, EINVAL, "second");
    is_str (err.msg, "second: Invalid argument", "a new error replaces the old one");
    bento_err_clear (&err);
    ok (err.msg == NULL && err.errnum == 0, "clear resets the error");
  }
  {
    _cleanup_err_ bento_err err = BENTO_ERR_INIT;
    bento_err_wrap (&err, "ctx");
    is_str (err.msg, "ctx: unknown error", "wrapping an unset error still says something");
  }
  {
    int fd_copy;
    {
      _cleanup_close_ int fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
      fd_copy = fd;
      ok (fd_is_open (fd_copy), "fd open inside its scope");
    }
    ok (!fd_is_open (fd_copy), "_cleanup_close_ closes at end of scope");
  }
  {
    int kept;
    {
      _cleanup_close_ int fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
      kept = TAKE_FD (fd);
      is_int (fd, -1, "TAKE_FD leaves -1 behind");
    }
    ok (fd_is_open (kept), "a taken fd survives the scope");
    close (kept);
  }
  {
    char *kept;
    {
      _cleanup_free_ char *p = strdup ("x");
      kept = TAKE_PTR (p);
      ok (p == NULL, "TAKE_PTR leaves NULL behind");
    }
    is_str (kept, "x", "a taken pointer survives the scope");
    free (kept);
  }
  {
    errno = EBADF;
    {
      _cleanup_close_ int fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
      (void) fd;
      errno = EPERM;
    }
    is_int (errno, EPERM, "cleanup keeps errno for the error path");
  }
  return tap_done ();
}
