/* Typed getters over jansson that know the JSON path of what they read, so
 * every error names it: `process.args[0]: expected a string, got number`.
 *
 * Each getter reads KEY of OBJ (whose own path is PATH, "" at the top).  A
 * missing key is fine unless REQUIRED; JSON null counts as missing.  On
 * success the out value is only written when the key is present, and the
 * return value is 1 (present) or 0 (absent); on error -1. */
#ifndef BENTO_SPEC_JSON_H
#define BENTO_SPEC_JSON_H

#include "shared/error.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* "PATH.KEY" (or "KEY" at the top), "PATH[I]": freshly allocated, never NULL
 * (aborts on ENOMEM: a path is a few bytes). */
char *jpath_key (const char *path, const char *key);
char *jpath_index (const char *path, size_t i);

const char *jtype_name (const json_t *v);

int jget (json_t *obj, const char *key, const char *path, int want_type, bool required, json_t **out, bento_err *err);
int jget_string (json_t *obj, const char *key, const char *path, bool required, char **out, bento_err *err);
int jget_bool (json_t *obj, const char *key, const char *path, bool *out, bento_err *err);
int jget_int64 (json_t *obj, const char *key, const char *path, bool required, int64_t *out, bento_err *err);
/* Range-checked integers: a value outside [min, max] is an error naming both. */
int jget_range (json_t *obj, const char *key, const char *path, bool required, int64_t min, int64_t max, int64_t *out,
                bento_err *err);
int jget_uint64 (json_t *obj, const char *key, const char *path, bool required, uint64_t *out, bento_err *err);
int jget_uint32 (json_t *obj, const char *key, const char *path, bool required, uint32_t *out, bento_err *err);
/* An array of strings, as a NULL-terminated vector (empty array: a vector
 * holding only NULL). */
int jget_strv (json_t *obj, const char *key, const char *path, char ***out, size_t *n, bento_err *err);
int jget_object (json_t *obj, const char *key, const char *path, bool required, json_t **out, bento_err *err);
int jget_array (json_t *obj, const char *key, const char *path, json_t **out, bento_err *err);

/* An element of an array that must be an object. */
int jelem_object (json_t *arr, size_t i, const char *path, json_t **out, bento_err *err);

void strv_free (char **v);

#endif
