#include "shared/fdpass.h"
#include "shared/cleanup.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* Room for one fd, aligned for struct cmsghdr. */
union fd_cmsg
{
  char buf[CMSG_SPACE (sizeof (int))];
  struct cmsghdr align;
};

ssize_t
fdpass_send (int sock, const struct iovec *iov, size_t n_iov, int fd)
{
  struct msghdr mh = { .msg_iov = (struct iovec *) iov, .msg_iovlen = n_iov };
  union fd_cmsg u;
  if (fd >= 0)
    {
      memset (&u, 0, sizeof u);
      mh.msg_control = u.buf;
      mh.msg_controllen = sizeof u.buf;
      struct cmsghdr *c = CMSG_FIRSTHDR (&mh);
      c->cmsg_level = SOL_SOCKET;
      c->cmsg_type = SCM_RIGHTS;
      c->cmsg_len = CMSG_LEN (sizeof (int));
      memcpy (CMSG_DATA (c), &fd, sizeof fd);
    }
  ssize_t r;
  do
    r = sendmsg (sock, &mh, MSG_NOSIGNAL);
  while (r < 0 && errno == EINTR);
  return r;
}

ssize_t
fdpass_recv (int sock, struct iovec *iov, size_t n_iov, int *fd)
{
  union fd_cmsg u;
  struct msghdr mh = { .msg_iov = iov, .msg_iovlen = n_iov, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
  ssize_t r;
  *fd = -1;
  do
    r = recvmsg (sock, &mh, MSG_CMSG_CLOEXEC);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return -1;
  struct cmsghdr *c = CMSG_FIRSTHDR (&mh);
  if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN (sizeof (int)))
    memcpy (fd, CMSG_DATA (c), sizeof *fd);
  return r;
}

int
unix_connect (const char *path)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  if (strlen (path) >= sizeof addr.sun_path)
    {
      errno = ENAMETOOLONG;
      return -1;
    }
  strcpy (addr.sun_path, path);
  _cleanup_close_ int s = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0 || connect (s, (struct sockaddr *) &addr, sizeof addr) < 0)
    return -1;
  return TAKE_FD (s);
}
