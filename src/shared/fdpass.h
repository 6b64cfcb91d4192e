/* File descriptors over AF_UNIX sockets (SCM_RIGHTS): the seccomp notify fd
 * from the container's init to bento, and from bento to a seccomp agent. */
#ifndef BENTO_FDPASS_H
#define BENTO_FDPASS_H

#include <sys/types.h>
#include <sys/uio.h>

/* sendmsg of IOV with FD attached (none when FD < 0), MSG_NOSIGNAL, retried
 * on EINTR.  Returns the bytes sent, -1 with errno. */
ssize_t fdpass_send (int sock, const struct iovec *iov, size_t n_iov, int fd);

/* recvmsg into IOV taking at most one fd: *FD gets it (O_CLOEXEC), or -1.
 * Retried on EINTR.  Returns the bytes read (0 at EOF), -1 with errno. */
ssize_t fdpass_recv (int sock, struct iovec *iov, size_t n_iov, int *fd);

/* A connected AF_UNIX stream socket (O_CLOEXEC) to PATH; -1 with errno
 * (ENAMETOOLONG when PATH does not fit sun_path). */
int unix_connect (const char *path);

#endif
