/* Every verb's entry point; the table is in main.c.  One cmd-<verb>.c each. */
#ifndef BENTO_VERBS_H
#define BENTO_VERBS_H

#include "cli/cli.h"

#endif
