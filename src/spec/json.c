#include "spec/json.h"
#include "shared/cleanup.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *
jpath_key (const char *path, const char *key)
{
  char *s = NULL;
  int r = (path == NULL || path[0] == '\0') ? asprintf (&s, "%s", key) : asprintf (&s, "%s.%s", path, key);
  if (r < 0)
    abort ();
  return s;
}

char *
jpath_index (const char *path, size_t i)
{
  char *s = NULL;
  if (asprintf (&s, "%s[%zu]", path, i) < 0)
    abort ();
  return s;
}

const char *
jtype_name (const json_t *v)
{
  switch (json_typeof (v))
    {
    case JSON_OBJECT: return "object";
    case JSON_ARRAY: return "array";
    case JSON_STRING: return "string";
    case JSON_INTEGER: return "integer";
    case JSON_REAL: return "number";
    case JSON_TRUE:
    case JSON_FALSE: return "boolean";
    case JSON_NULL: return "null";
    }
  return "value";
}

static const char *
type_word (int t)
{
  switch (t)
    {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_TRUE: return "a boolean";
    }
  return "a value";
}

int
jget (json_t *obj, const char *key, const char *path, int want_type, bool required, json_t **out, bento_err *err)
{
  json_t *v = json_object_get (obj, key);
  if (v == NULL || json_is_null (v))
    {
      if (required)
        {
          _cleanup_free_ char *p = jpath_key (path, key);
          return bento_err_make (err, 0, "%s: required", p);
        }
      return 0;
    }
  bool good = want_type == JSON_TRUE ? json_is_boolean (v) : (int) json_typeof (v) == want_type;
  /* 1.0 is not an integer in jansson; a config never needs it to be. */
  if (!good)
    {
      _cleanup_free_ char *p = jpath_key (path, key);
      return bento_err_make (err, 0, "%s: expected %s, got %s", p, type_word (want_type), jtype_name (v));
    }
  *out = v;
  return 1;
}

int
jget_string (json_t *obj, const char *key, const char *path, bool required, char **out, bento_err *err)
{
  json_t *v;
  int r = jget (obj, key, path, JSON_STRING, required, &v, err);
  if (r <= 0)
    return r;
  char *s = strdup (json_string_value (v));
  if (s == NULL)
    return bento_err_make (err, ENOMEM, "%s", key);
  free (*out);
  *out = s;
  return 1;
}

int
jget_bool (json_t *obj, const char *key, const char *path, bool *out, bento_err *err)
{
  json_t *v;
  int r = jget (obj, key, path, JSON_TRUE, false, &v, err);
  if (r > 0)
    *out = json_is_true (v);
  return r;
}

int
jget_int64 (json_t *obj, const char *key, const char *path, bool required, int64_t *out, bento_err *err)
{
  json_t *v;
  int r = jget (obj, key, path, JSON_INTEGER, required, &v, err);
  if (r > 0)
    *out = (int64_t) json_integer_value (v);
  return r;
}

int
jget_range (json_t *obj, const char *key, const char *path, bool required, int64_t min, int64_t max, int64_t *out,
            bento_err *err)
{
  int64_t v = 0;
  int r = jget_int64 (obj, key, path, required, &v, err);
  if (r <= 0)
    return r;
  if (v < min || v > max)
    {
      _cleanup_free_ char *p = jpath_key (path, key);
      return bento_err_make (err, 0, "%s: %lld is out of range [%lld, %lld]", p, (long long) v, (long long) min,
                             (long long) max);
    }
  *out = v;
  return 1;
}

int
jget_uint64 (json_t *obj, const char *key, const char *path, bool required, uint64_t *out, bento_err *err)
{
  int64_t v = 0;
  int r = jget_range (obj, key, path, required, 0, INT64_MAX, &v, err);
  if (r > 0)
    *out = (uint64_t) v;
  return r;
}

int
jget_uint32 (json_t *obj, const char *key, const char *path, bool required, uint32_t *out, bento_err *err)
{
  int64_t v = 0;
  int r = jget_range (obj, key, path, required, 0, UINT32_MAX, &v, err);
  if (r > 0)
    *out = (uint32_t) v;
  return r;
}

void
strv_free (char **v)
{
  if (v == NULL)
    return;
  for (char **s = v; *s; s++)
    free (*s);
  free (v);
}

int
jget_strv (json_t *obj, const char *key, const char *path, char ***out, size_t *n, bento_err *err)
{
  json_t *arr;
  int r = jget (obj, key, path, JSON_ARRAY, false, &arr, err);
  if (r <= 0)
    return r;
  size_t len = json_array_size (arr);
  char **v = calloc (len + 1, sizeof *v);
  if (v == NULL)
    return bento_err_make (err, ENOMEM, "%s", key);
  for (size_t i = 0; i < len; i++)
    {
      json_t *e = json_array_get (arr, i);
      if (!json_is_string (e))
        {
          _cleanup_free_ char *p = jpath_key (path, key);
          _cleanup_free_ char *pi = jpath_index (p, i);
          strv_free (v);
          return bento_err_make (err, 0, "%s: expected a string, got %s", pi, jtype_name (e));
        }
      v[i] = strdup (json_string_value (e));
      if (v[i] == NULL)
        {
          strv_free (v);
          return bento_err_make (err, ENOMEM, "%s", key);
        }
    }
  strv_free (*out);
  *out = v;
  if (n)
    *n = len;
  return 1;
}

int
jget_object (json_t *obj, const char *key, const char *path, bool required, json_t **out, bento_err *err)
{
  return jget (obj, key, path, JSON_OBJECT, required, out, err);
}

int
jget_array (json_t *obj, const char *key, const char *path, json_t **out, bento_err *err)
{
  return jget (obj, key, path, JSON_ARRAY, false, out, err);
}

int
jelem_object (json_t *arr, size_t i, const char *path, json_t **out, bento_err *err)
{
  json_t *e = json_array_get (arr, i);
  if (!json_is_object (e))
    {
      _cleanup_free_ char *p = jpath_index (path, i);
      return bento_err_make (err, 0, "%s: expected an object, got %s", p, e ? jtype_name (e) : "nothing");
    }
  *out = e;
  return 0;
}
