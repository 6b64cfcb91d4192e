/* --userns auto as root: see userns-auto.c. */
#ifndef BENTO_ENGINE_USERNS_AUTO_H
#define BENTO_ENGINE_USERNS_AUTO_H

#include "engine/store.h"
#include "shared/error.h"

#include <stdint.h>

/* A free 65536-id slot of `containers`' subordinate ranges.  Call with the
 * store's meta lock held until the container's record is saved. */
int userns_auto_pick (struct store *s, uint32_t *uid_base, uint32_t *gid_base, bento_err *err);

#endif
