/* Reading a container's log back (`bento logs`): k8s-file or json-file
 * records, each printed to the stream it came from. */
#ifndef BENTO_ENGINE_LOGS_H
#define BENTO_ENGINE_LOGS_H

#include "engine/engine.h"

struct logs_opts
{
  bool follow;
  bool timestamps;
  long tail;         /* -1: all */
  const char *since; /* RFC 3339 time, or a duration (10s, 5m, 2h) */
};

int logs_print (struct engine *e, struct ctr *c, const struct logs_opts *o, bento_err *err);

#endif
