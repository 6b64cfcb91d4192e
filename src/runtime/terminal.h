/* process.terminal with --console-socket (runc's protocol,
 * ../shared/specs/runc-cli/terminals.md): the init opens a pty inside the
 * container, makes the slave its controlling terminal and stdio, and sends
 * the master over the socket with SCM_RIGHTS. */
#ifndef BENTO_TERMINAL_H
#define BENTO_TERMINAL_H

#include "shared/error.h"
#include "spec/spec.h"

#include <stdbool.h>

/* Parent: connect to the console socket PATH. */
int console_connect (const char *path, int *fd, bento_err *err);
/* After pivot_root: set up the pty and send its master on SOCK; the init
 * (MOUNT_CONSOLE) also binds it over /dev/console, as runc does. */
int console_setup (const struct bento_process *p, int sock, bool mount_console, bento_err *err);
/* Send FD over the unix socket SOCK with NAME as the message (runc does). */
int send_fd (int sock, int fd, const char *name, bento_err *err);

#endif
