/* The engine's containers: a record per container in the image store,
 *
 *   STORE/containers/ID/record.json  name, image, command, options, state
 *   STORE/containers/ID/bundle/      config.json for the runtime
 *   STORE/containers/ID/ctr.log      the log (k8s-file or json-file)
 *   STORE/containers/ID/{hostname,hosts,resolv.conf}  bound into it
 *   STORE/containers/ID/{upper,work,merged}           its root (overlay.h)
 *
 * ID is 64 hex digits like docker's; any unique prefix or the name finds
 * it.  The runtime runs it under the same ID (`bento list` shows it). */
#ifndef BENTO_ENGINE_CTR_H
#define BENTO_ENGINE_CTR_H

#include "engine/store.h"
#include "shared/error.h"

#include <jansson.h>
#include <stdbool.h>

struct ctr
{
  char *id;
  char *dir;      /* STORE/containers/ID */
  json_t *rec;    /* record.json */
  int lock_fd;    /* flock of the record while held, else -1 */
};

/* A fresh id (64 hex) and, when NAME is NULL, a generated name. */
int ctr_new_id (char id[65], bento_err *err);
char *ctr_generate_name (void);

/* Find a container by name, full id or unique id prefix. */
int ctr_find (struct store *s, const char *query, struct ctr *out, bento_err *err);
/* Ids of every container, sorted by creation (newest first). */
int ctr_list (struct store *s, char ***ids, size_t *n, bento_err *err);
int ctr_open (struct store *s, const char *id, struct ctr *out, bento_err *err);
void ctr_close (struct ctr *c);

/* Lock the record (exclusive) for a read-modify-write; reloads it. */
int ctr_lock (struct ctr *c, bento_err *err);
void ctr_unlock (struct ctr *c);
/* Write the record (temp + rename). */
int ctr_save (struct ctr *c, bento_err *err);

/* Field access on the record. */
const char *ctr_str (const struct ctr *c, const char *key);
json_int_t ctr_int (const struct ctr *c, const char *key);
bool ctr_bool (const struct ctr *c, const char *key);
void ctr_set_str (struct ctr *c, const char *key, const char *v);
void ctr_set_int (struct ctr *c, const char *key, json_int_t v);

/* Is the name taken (by another container than EXCEPT_ID)? */
bool ctr_name_taken (struct store *s, const char *name, const char *except_id);

/* RFC 3339 with nanoseconds, UTC: the times of records and logs. */
void ctr_now (char *buf, size_t len);

#endif
