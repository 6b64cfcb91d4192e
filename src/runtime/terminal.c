#include "runtime/terminal.h"
#include "shared/cleanup.h"
#include "shared/fdpass.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

int
console_connect (const char *path, int *fd, bento_err *err)
{
  *fd = unix_connect (path);
  if (*fd < 0)
    return bento_err_make (err, errno, "--console-socket: connect to `%s`", path);
  return 0;
}

int
send_fd (int sock, int fd, const char *name, bento_err *err)
{
  struct iovec iov = { .iov_base = (void *) name, .iov_len = strlen (name) };
  if (fdpass_send (sock, &iov, 1, fd) < 0)
    return bento_err_make (err, errno, "send the terminal over the console socket");
  return 0;
}

int
console_setup (const struct bento_process *p, int sock, bool mount_console, bento_err *err)
{
  _cleanup_close_ int master = open ("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0)
    return bento_err_make (err, errno, "open /dev/ptmx in the container");
  if (unlockpt (master) < 0)
    return bento_err_make (err, errno, "unlockpt");
  char name[64];
  if (ptsname_r (master, name, sizeof name) != 0)
    return bento_err_make (err, errno, "ptsname");
  _cleanup_close_ int slave = open (name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0)
    return bento_err_make (err, errno, "open `%s`", name);
  if (p->has_console_size)
    {
      struct winsize ws = { .ws_row = (unsigned short) p->console_height, .ws_col = (unsigned short) p->console_width };
      if (ioctl (slave, TIOCSWINSZ, &ws) < 0)
        return bento_err_make (err, errno, "set the console size");
    }
  /* /dev/console is the container's terminal, as runc makes it. */
  struct stat st;
  if (mount_console && stat ("/dev/console", &st) < 0 && errno == ENOENT)
    {
      int f = open ("/dev/console", O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
      if (f >= 0)
        close (f);
    }
  if (mount_console && mount (name, "/dev/console", NULL, MS_BIND, NULL) < 0)
    return bento_err_make (err, errno, "bind `%s` to /dev/console", name);
  if (setsid () < 0)
    return bento_err_make (err, errno, "setsid");
  if (ioctl (slave, TIOCSCTTY, 0) < 0)
    return bento_err_make (err, errno, "make `%s` the controlling terminal", name);
  for (int i = 0; i < 3; i++)
    if (dup2 (slave, i) < 0)
      return bento_err_make (err, errno, "dup2 the terminal to fd %d", i);
  return send_fd (sock, master, name, err);
}
