/* Capabilities: the bounding set is dropped while still root, the other
 * four sets are set after the uid change (with PR_SET_KEEPCAPS across it). */
#ifndef BENTO_CAPS_H
#define BENTO_CAPS_H

#include "shared/error.h"
#include "spec/spec.h"

int caps_drop_bounding (const struct bento_caps *caps, bento_err *err);
int caps_apply (const struct bento_caps *caps, bento_err *err);
int caps_last_cap (void);

#endif
