/* The monitor of a detached container (bento's conmon): it holds the
 * container's stdio, writes the log, records the exit code and time,
 * applies the restart policy and removes --rm containers.  One small
 * process per container, no daemon. */
#ifndef BENTO_ENGINE_MONITOR_H
#define BENTO_ENGINE_MONITOR_H

#include "engine/engine.h"

/* Fork the monitor of C (detached from us: setsid, reparented), start the
 * container in it, and return once it runs (or with its start error). */
int monitor_spawn (struct engine *e, struct ctr *c, bento_err *err);

/* `bento monitor-exit ID CODE`: bento-monitor comes back here when the
 * container exits: record it, then --rm, or restart (and monitor again:
 * does not return then). */
int monitor_exited (struct engine *e, struct ctr *c, int code, bento_err *err);

/* Log records: "TIME STREAM F|P TEXT" (k8s-file) or docker's JSON lines. */
void log_write (int fd, const char *driver, const char *stream, const char *buf, size_t len);

#endif
