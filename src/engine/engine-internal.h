/* Between run.c and monitor.c: one run of an engine container through the
 * in-process runtime. */
#ifndef BENTO_ENGINE_INTERNAL_H
#define BENTO_ENGINE_INTERNAL_H

#include "engine/engine.h"
#include "engine/network.h"
#include "engine/overlay.h"
#include "runtime/container.h"

struct engine_run
{
  struct container rc;    /* the runtime's container */
  struct image_record img;
  struct image_rootfs root;
  char *state_root;       /* the runtime state root */
  char *bundle;
  bool new_netns;         /* bring loopback up in it */
  struct net_run net;     /* its network, while it runs */
  int ns_sock[2];         /* the init sends its namespaces on [1] */
};

/* Create and start C through the runtime; records it running. */
int engine_run_start (struct engine *e, struct ctr *c, bool attach, struct engine_run *run, bento_err *err);
/* Wait for it (proxying a terminal in the foreground), record the exit,
 * delete the runtime container (the record and rootfs stay). */
int engine_run_finish (struct engine *e, struct ctr *c, struct engine_run *run, int *code, bento_err *err);
void engine_mark_exited (struct engine *e, struct ctr *c, int code);
/* After the init exited under a monitor: record CODE, delete the runtime
 * container (the record and rootfs stay for logs and restarts). */
void engine_after_exit (struct engine *e, struct ctr *c, int code);

/* The path of a program installed next to bento (bento-monitor,
 * bento-portfwd). */
char *engine_sibling (const char *name);

#endif
