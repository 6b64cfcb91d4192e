/* linux.seccomp: names are resolved to libseccomp values here; the filter
 * itself is built and loaded by src/runtime/seccomp.c. */
#include "shared/cleanup.h"
#include "spec/json.h"
#include "spec/names.h"
#include "spec/spec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int spec_parse_seccomp (json_t *lx, struct bento_linux *l, bento_err *err);

static int
parse_action (json_t *o, const char *key, const char *path, bool required, uint32_t *out, bento_err *err)
{
  _cleanup_free_ char *name = NULL;
  int r = jget_string (o, key, path, required, &name, err);
  if (r <= 0)
    return r;
  if (spec_seccomp_action (name, out) < 0)
    {
      _cleanup_free_ char *p = jpath_key (path, key);
      return bento_err_make (err, 0, "%s: unknown action `%s`", p, name);
    }
  return 1;
}

static int
parse_errno_ret (json_t *o, const char *key, const char *path, bool *has, uint32_t *v, bento_err *err)
{
  int r = jget_uint32 (o, key, path, false, v, err);
  if (r < 0)
    return -1;
  *has = r > 0;
  return 0;
}

static int
parse_arg (json_t *e, const char *pi, struct bento_seccomp_arg *a, bento_err *err)
{
  _cleanup_free_ char *op = NULL;
  uint32_t index = 0;
  if (jget_uint32 (e, "index", pi, true, &index, err) < 0 || jget_uint64 (e, "value", pi, true, &a->value, err) < 0
      || jget_uint64 (e, "valueTwo", pi, false, &a->value_two, err) < 0 || jget_string (e, "op", pi, true, &op, err) < 0)
    return -1;
  /* Syscalls take at most six arguments. */
  if (index > 5)
    return bento_err_make (err, 0, "%s.index: %u is out of range [0, 5]", pi, index);
  a->index = index;
  if (spec_seccomp_op (op, &a->op) < 0)
    return bento_err_make (err, 0, "%s.op: unknown operator `%s`", pi, op);
  return 0;
}

static int
parse_args (json_t *e, const char *pi, struct bento_seccomp_rule *rule, bento_err *err)
{
  json_t *arr;
  _cleanup_free_ char *p = jpath_key (pi, "args");
  int r = jget_array (e, "args", pi, &arr, err);
  if (r <= 0)
    return r;
  size_t len = json_array_size (arr);
  rule->args = calloc (len ? len : 1, sizeof *rule->args);
  if (rule->args == NULL)
    return bento_err_make (err, ENOMEM, "%s", p);
  for (size_t i = 0; i < len; i++)
    {
      json_t *a;
      _cleanup_free_ char *ai = jpath_index (p, i);
      rule->n_args = i + 1;
      if (jelem_object (arr, i, p, &a, err) < 0 || parse_arg (a, ai, &rule->args[i], err) < 0)
        return -1;
    }
  return 0;
}

static int
parse_rule (json_t *e, const char *pi, struct bento_seccomp_rule *rule, bento_err *err)
{
  if (jget_strv (e, "names", pi, &rule->names, &rule->n_names, err) < 0
      || parse_action (e, "action", pi, true, &rule->action, err) < 0
      || parse_errno_ret (e, "errnoRet", pi, &rule->has_errno_ret, &rule->errno_ret, err) < 0
      || parse_args (e, pi, rule, err) < 0)
    return -1;
  if (rule->names == NULL || rule->n_names == 0)
    return bento_err_make (err, 0, "%s.names: must list at least one syscall", pi);
  return 0;
}

static int
parse_rules (json_t *sc, struct bento_seccomp *s, bento_err *err)
{
  json_t *arr;
  const char *p = "linux.seccomp.syscalls";
  int r = jget_array (sc, "syscalls", "linux.seccomp", &arr, err);
  if (r <= 0)
    return r;
  size_t len = json_array_size (arr);
  s->syscalls = calloc (len ? len : 1, sizeof *s->syscalls);
  if (s->syscalls == NULL)
    return bento_err_make (err, ENOMEM, "%s", p);
  for (size_t i = 0; i < len; i++)
    {
      json_t *e;
      _cleanup_free_ char *pi = jpath_index (p, i);
      s->n_syscalls = i + 1;
      if (jelem_object (arr, i, p, &e, err) < 0 || parse_rule (e, pi, &s->syscalls[i], err) < 0)
        return -1;
    }
  return 0;
}

static int
check_names (char **names, const char *what, bool (*known) (const char *), bento_err *err)
{
  for (size_t i = 0; names && names[i]; i++)
    if (!known (names[i]))
      return bento_err_make (err, 0, "linux.seccomp.%s[%zu]: unknown value `%s`", what, i, names[i]);
  return 0;
}

int
spec_parse_seccomp (json_t *lx, struct bento_linux *l, bento_err *err)
{
  json_t *sc;
  const char *p = "linux.seccomp";
  int r = jget_object (lx, "seccomp", "linux", false, &sc, err);
  if (r <= 0)
    return r;
  struct bento_seccomp *s = l->seccomp = calloc (1, sizeof *s);
  if (s == NULL)
    return bento_err_make (err, ENOMEM, "%s", p);
  if (parse_action (sc, "defaultAction", p, true, &s->default_action, err) < 0
      || parse_errno_ret (sc, "defaultErrnoRet", p, &s->has_default_errno_ret, &s->default_errno_ret, err) < 0
      || jget_strv (sc, "architectures", p, &s->architectures, &s->n_architectures, err) < 0
      || jget_strv (sc, "flags", p, &s->flags, &s->n_flags, err) < 0
      || jget_string (sc, "listenerPath", p, false, &s->listener_path, err) < 0
      || jget_string (sc, "listenerMetadata", p, false, &s->listener_metadata, err) < 0
      || check_names (s->architectures, "architectures", spec_seccomp_arch_known, err) < 0
      || check_names (s->flags, "flags", spec_seccomp_flag_known, err) < 0 || parse_rules (sc, s, err) < 0)
    return -1;
  return 0;
}
