/* Device nodes in the container's /dev: runc's default set plus
 * linux.devices.  mknod as real root; in a user namespace mknod is refused,
 * so the host's node is bind-mounted onto an empty file instead. */
#ifndef BENTO_DEVICES_H
#define BENTO_DEVICES_H

#include "shared/error.h"

struct container;

int devices_setup (struct container *c, int rootfd, bento_err *err);

#endif
