/* The foreground side of `run` and `exec`: wait for the process, forward
 * the signals bento gets to it, and, with a terminal and no console socket,
 * be the terminal: the caller's tty in raw mode, bytes copied both ways,
 * window size followed, the tty restored on the way out. */
#ifndef BENTO_ATTACH_H
#define BENTO_ATTACH_H

#include "shared/error.h"

#include <sys/types.h>

/* Receive one fd sent with SCM_RIGHTS on SOCK. */
int recv_fd (int sock, int *fd, bento_err *err);

/* Wait for the process PIDFD (our child); MASTER is the pty master to proxy,
 * or -1.  *status: its exit status, 128+signal when killed. */
int attach_wait (int pidfd, int master, int *status, bento_err *err);

#endif
