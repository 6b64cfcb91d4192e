/* The init's namespaces, for the tools that connect its network.
 *
 * While the init waits to start it is not dumpable (process.c), so nobody
 * but root may open its namespaces in /proc/PID/ns, the user who owns it included.
 * So the init sends them itself, from the engine's prepare_root hook, over
 * a socket pair made before it was cloned; the tools get them as fds and
 * open /proc/self/fd/N. */
#include "engine/net-internal.h"
#include "shared/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

int
net_send_namespaces (int sock, bento_err *err)
{
  _cleanup_close_ int user = open ("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
  _cleanup_close_ int net = open ("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  if (user < 0 || net < 0)
    return bento_err_make (err, errno, "open the container's namespaces");
  int fds[2] = { user, net };
  char control[CMSG_SPACE (sizeof fds)] = { 0 };
  char byte = 'n';
  struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control };
  struct cmsghdr *cm = CMSG_FIRSTHDR (&mh);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  cm->cmsg_len = CMSG_LEN (sizeof fds);
  memcpy (CMSG_DATA (cm), fds, sizeof fds);
  while (sendmsg (sock, &mh, MSG_NOSIGNAL) < 0)
    if (errno != EINTR)
      return bento_err_make (err, errno, "send the container's namespaces");
  return 0;
}

int
net_recv_namespaces (int sock, int *user, int *net, bento_err *err)
{
  int fds[2];
  char control[CMSG_SPACE (sizeof fds)] = { 0 };
  char byte;
  struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control };
  /* sent before the init said it was ready: it is there, or never comes */
  ssize_t n;
  while ((n = recvmsg (sock, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
    ;
  struct cmsghdr *cm = n > 0 ? CMSG_FIRSTHDR (&mh) : NULL;
  if (cm == NULL || cm->cmsg_type != SCM_RIGHTS || cm->cmsg_len != CMSG_LEN (sizeof fds))
    return bento_err_make (err, n < 0 ? errno : 0, "receive the container's namespaces");
  memcpy (fds, CMSG_DATA (cm), sizeof fds);
  *user = fds[0];
  *net = fds[1];
  return 0;
}

/* Is FD a user namespace other than ours? */
bool
net_other_userns (int fd)
{
  struct stat a, b;
  return fd >= 0 && fstat (fd, &a) == 0 && stat ("/proc/self/ns/user", &b) == 0
         && (a.st_ino != b.st_ino || a.st_dev != b.st_dev);
}
