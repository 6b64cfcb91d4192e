/* config.json -> struct bento_spec.  One short function per section of the
 * config; every error names the JSON path it rejects.  Unknown fields are
 * ignored, as the runtime spec requires. */
#include "spec/spec.h"
#include "shared/cleanup.h"
#include "spec/json.h"
#include "spec/names.h"
#include "shared/log.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/ioprio.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef SCHED_FLAG_RESET_ON_FORK
#define SCHED_FLAG_RESET_ON_FORK 0x01
#endif

/* jansson's own json_auto_t cleanup, spelled like ours. */
#define _cleanup_json_ json_auto_t

/* calloc of an array of N elements for the parse, with an error. */
static void *
alloc_array (size_t n, size_t size, bento_err *err)
{
  void *p = calloc (n ? n : 1, size);
  if (p == NULL)
    bento_err_make (err, ENOMEM, "parse config");
  return p;
}

/* ---- id mappings -------------------------------------------------------- */

static int
parse_idmaps (json_t *obj, const char *key, const char *path, struct bento_idmap **out, size_t *n, bento_err *err)
{
  json_t *arr;
  int r = jget_array (obj, key, path, &arr, err);
  if (r <= 0)
    return r;
  _cleanup_free_ char *p = jpath_key (path, key);
  size_t len = json_array_size (arr);
  struct bento_idmap *m = alloc_array (len, sizeof *m, err);
  if (m == NULL)
    return -1;
  for (size_t i = 0; i < len; i++)
    {
      json_t *e;
      _cleanup_free_ char *pi = jpath_index (p, i);
      if (jelem_object (arr, i, p, &e, err) < 0 || jget_uint32 (e, "containerID", pi, true, &m[i].container_id, err) < 0
          || jget_uint32 (e, "hostID", pi, true, &m[i].host_id, err) < 0
          || jget_uint32 (e, "size", pi, true, &m[i].size, err) < 0)
        {
          free (m);
          return -1;
        }
    }
  *out = m;
  *n = len;
  return 1;
}

/* ---- mounts ------------------------------------------------------------- */

static int
mount_parse_options (struct bento_mount *m, bento_err *err)
{
  char *data = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&data, &len);
  if (f == NULL)
    return bento_err_make (err, errno, "parse mount options");
  bool first = true;
  for (size_t i = 0; i < m->n_options; i++)
    {
      if (spec_mount_option (m->options[i], m))
        continue;
      fprintf (f, "%s%s", first ? "" : ",", m->options[i]);
      first = false;
    }
  if (fclose (f) != 0)
    {
      free (data);
      return bento_err_make (err, ENOMEM, "parse mount options");
    }
  if (first)
    free (data);
  else
    m->data = data;
  if (m->type && strcmp (m->type, "bind") == 0)
    m->bind = true;
  return 0;
}

static int
parse_mount (json_t *e, const char *path, struct bento_mount *m, bento_err *err)
{
  if (jget_string (e, "destination", path, true, &m->destination, err) < 0
      || jget_string (e, "type", path, false, &m->type, err) < 0
      || jget_string (e, "source", path, false, &m->source, err) < 0
      || jget_strv (e, "options", path, &m->options, &m->n_options, err) < 0
      || parse_idmaps (e, "uidMappings", path, &m->uid_mappings, &m->n_uid_mappings, err) < 0
      || parse_idmaps (e, "gidMappings", path, &m->gid_mappings, &m->n_gid_mappings, err) < 0)
    return -1;
  return mount_parse_options (m, err);
}

static int
parse_mounts (json_t *root, struct bento_spec *s, bento_err *err)
{
  json_t *arr;
  int r = jget_array (root, "mounts", "", &arr, err);
  if (r <= 0)
    return r;
  size_t len = json_array_size (arr);
  s->mounts = alloc_array (len, sizeof *s->mounts, err);
  if (s->mounts == NULL)
    return -1;
  for (size_t i = 0; i < len; i++)
    {
      json_t *e;
      _cleanup_free_ char *pi = jpath_index ("mounts", i);
      s->n_mounts = i + 1;
      if (jelem_object (arr, i, "mounts", &e, err) < 0 || parse_mount (e, pi, &s->mounts[i], err) < 0)
        return -1;
    }
  return 0;
}

/* ---- process ------------------------------------------------------------ */

static int
parse_user (json_t *proc, struct bento_user *u, bento_err *err)
{
  json_t *user;
  int r = jget_object (proc, "user", "process", false, &user, err);
  if (r <= 0)
    return r;
  uint32_t uid = 0, gid = 0, umask = 0;
  if (jget_uint32 (user, "uid", "process.user", true, &uid, err) < 0
      || jget_uint32 (user, "gid", "process.user", true, &gid, err) < 0)
    return -1;
  r = jget_uint32 (user, "umask", "process.user", false, &umask, err);
  if (r < 0)
    return -1;
  u->uid = uid;
  u->gid = gid;
  if (jget_string (user, "username", "process.user", false, &u->name, err) < 0)
    return -1;
  u->has_umask = r > 0;
  u->umask = (mode_t) (umask & 07777);

  json_t *gids;
  r = jget_array (user, "additionalGids", "process.user", &gids, err);
  if (r <= 0)
    return r;
  size_t len = json_array_size (gids);
  u->additional_gids = alloc_array (len, sizeof (gid_t), err);
  if (u->additional_gids == NULL)
    return -1;
  for (size_t i = 0; i < len; i++)
    {
      json_t *g = json_array_get (gids, i);
      if (!json_is_integer (g) || json_integer_value (g) < 0 || json_integer_value (g) > UINT32_MAX)
        return bento_err_make (err, 0, "process.user.additionalGids[%zu]: expected a gid (0 to 4294967295)", i);
      u->additional_gids[i] = (gid_t) json_integer_value (g);
    }
  u->n_additional_gids = len;
  return 0;
}

static int
parse_cap_set (json_t *caps, const char *key, uint64_t *set, bento_err *err)
{
  _cleanup_strv_ char **names = NULL;
  size_t n = 0;
  int r = jget_strv (caps, key, "process.capabilities", &names, &n, err);
  if (r <= 0)
    return r;
  for (size_t i = 0; i < n; i++)
    {
      int cap = spec_cap_from_name (names[i]);
      /* runc ignores capabilities it does not know, with a warning: a config
       * written for a newer kernel still runs. */
      if (cap < 0)
        {
          bento_log (BENTO_LOG_WARN, "process.capabilities.%s: ignoring unknown capability `%s`", key, names[i]);
          continue;
        }
      *set |= UINT64_C (1) << cap;
    }
  return 0;
}

static int
parse_capabilities (json_t *proc, struct bento_process *p, bento_err *err)
{
  json_t *caps;
  int r = jget_object (proc, "capabilities", "process", false, &caps, err);
  if (r <= 0)
    return r;
  p->capabilities = calloc (1, sizeof *p->capabilities);
  if (p->capabilities == NULL)
    return bento_err_make (err, ENOMEM, "process.capabilities");
  struct bento_caps *c = p->capabilities;
  if (parse_cap_set (caps, "bounding", &c->bounding, err) < 0 || parse_cap_set (caps, "effective", &c->effective, err) < 0
      || parse_cap_set (caps, "inheritable", &c->inheritable, err) < 0
      || parse_cap_set (caps, "permitted", &c->permitted, err) < 0
      || parse_cap_set (caps, "ambient", &c->ambient, err) < 0)
    return -1;
  return 0;
}

static int
parse_rlimits (json_t *proc, struct bento_process *p, bento_err *err)
{
  json_t *arr;
  int r = jget_array (proc, "rlimits", "process", &arr, err);
  if (r <= 0)
    return r;
  size_t len = json_array_size (arr);
  p->rlimits = alloc_array (len, sizeof *p->rlimits, err);
  if (p->rlimits == NULL)
    return -1;
  for (size_t i = 0; i < len; i++)
    {
      json_t *e;
      _cleanup_free_ char *type = NULL;
      _cleanup_free_ char *pi = jpath_index ("process.rlimits", i);
      if (jelem_object (arr, i, "process.rlimits", &e, err) < 0 || jget_string (e, "type", pi, true, &type, err) < 0
          || jget_uint64 (e, "soft", pi, true, &p->rlimits[i].soft, err) < 0
          || jget_uint64 (e, "hard", pi, true, &p->rlimits[i].hard, err) < 0)
        return -1;
      p->rlimits[i].resource = spec_rlimit_from_name (type);
      if (p->rlimits[i].resource < 0)
        return bento_err_make (err, 0, "%s.type: unknown rlimit `%s`", pi, type);
      p->n_rlimits = i + 1;
    }
  return 0;
}

static int
parse_io_priority (json_t *proc, struct bento_process *p, bento_err *err)
{
  json_t *io;
  int r = jget_object (proc, "ioPriority", "process", false, &io, err);
  if (r <= 0)
    return r;
  _cleanup_free_ char *cls = NULL;
  int64_t prio = 0;
  if (jget_string (io, "class", "process.ioPriority", true, &cls, err) < 0
      || jget_range (io, "priority", "process.ioPriority", false, 0, 7, &prio, err) < 0)
    return -1;
  if (strcmp (cls, "IOPRIO_CLASS_RT") == 0)
    p->io_priority_class = IOPRIO_CLASS_RT;
  else if (strcmp (cls, "IOPRIO_CLASS_BE") == 0)
    p->io_priority_class = IOPRIO_CLASS_BE;
  else if (strcmp (cls, "IOPRIO_CLASS_IDLE") == 0)
    p->io_priority_class = IOPRIO_CLASS_IDLE;
  else
    return bento_err_make (err, 0, "process.ioPriority.class: unknown class `%s`", cls);
  p->has_io_priority = true;
  p->io_priority = (int) prio;
  return 0;
}

static int
sched_policy_from_name (const char *name)
{
  static const struct
  {
    const char *name;
    int policy;
  } policies[] = {
    { "SCHED_OTHER", SCHED_OTHER }, { "SCHED_FIFO", SCHED_FIFO }, { "SCHED_RR", SCHED_RR },
    { "SCHED_BATCH", SCHED_BATCH }, { "SCHED_ISO", 4 },           { "SCHED_IDLE", SCHED_IDLE },
    { "SCHED_DEADLINE", 6 },
  };
  for (size_t i = 0; i < sizeof policies / sizeof policies[0]; i++)
    if (strcmp (policies[i].name, name) == 0)
      return policies[i].policy;
  return -1;
}

static int
parse_sched_flags (json_t *sched, struct bento_process *p, bento_err *err)
{
  static const struct
  {
    const char *name;
    uint64_t flag;
  } flags[] = {
    { "SCHED_FLAG_RESET_ON_FORK", 0x01 }, { "SCHED_FLAG_RECLAIM", 0x02 },     { "SCHED_FLAG_DL_OVERRUN", 0x04 },
    { "SCHED_FLAG_KEEP_POLICY", 0x08 },   { "SCHED_FLAG_KEEP_PARAMS", 0x10 }, { "SCHED_FLAG_UTIL_CLAMP_MIN", 0x20 },
    { "SCHED_FLAG_UTIL_CLAMP_MAX", 0x40 },
  };
  _cleanup_strv_ char **names = NULL;
  size_t n = 0;
  if (jget_strv (sched, "flags", "process.scheduler", &names, &n, err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++)
    {
      size_t k;
      for (k = 0; k < sizeof flags / sizeof flags[0]; k++)
        if (strcmp (flags[k].name, names[i]) == 0)
          break;
      if (k == sizeof flags / sizeof flags[0])
        return bento_err_make (err, 0, "process.scheduler.flags[%zu]: unknown flag `%s`", i, names[i]);
      p->sched_flags |= flags[k].flag;
    }
  return 0;
}

static int
parse_scheduler (json_t *proc, struct bento_process *p, bento_err *err)
{
  json_t *sched;
  int r = jget_object (proc, "scheduler", "process", false, &sched, err);
  if (r <= 0)
    return r;
  _cleanup_free_ char *policy = NULL;
  int64_t nice = 0, prio = 0;
  const char *path = "process.scheduler";
  if (jget_string (sched, "policy", path, true, &policy, err) < 0
      || jget_range (sched, "nice", path, false, -20, 19, &nice, err) < 0
      || jget_range (sched, "priority", path, false, 0, 99, &prio, err) < 0
      || jget_uint64 (sched, "runtime", path, false, &p->sched_runtime, err) < 0
      || jget_uint64 (sched, "deadline", path, false, &p->sched_deadline, err) < 0
      || jget_uint64 (sched, "period", path, false, &p->sched_period, err) < 0 || parse_sched_flags (sched, p, err) < 0)
    return -1;
  p->sched_policy = sched_policy_from_name (policy);
  if (p->sched_policy < 0)
    return bento_err_make (err, 0, "process.scheduler.policy: unknown policy `%s`", policy);
  p->has_scheduler = true;
  p->sched_nice = (int) nice;
  p->sched_priority = (int) prio;
  return 0;
}

static int
parse_console_size (json_t *proc, struct bento_process *p, bento_err *err)
{
  json_t *cs;
  int r = jget_object (proc, "consoleSize", "process", false, &cs, err);
  if (r <= 0)
    return r;
  uint32_t h = 0, w = 0;
  if (jget_uint32 (cs, "height", "process.consoleSize", true, &h, err) < 0
      || jget_uint32 (cs, "width", "process.consoleSize", true, &w, err) < 0)
    return -1;
  p->has_console_size = true;
  p->console_height = h;
  p->console_width = w;
  return 0;
}

static int
parse_process_scalars (json_t *proc, struct bento_process *p, bento_err *err)
{
  int64_t oom = 0;
  int r;
  if (jget_bool (proc, "terminal", "process", &p->terminal, err) < 0
      || jget_string (proc, "cwd", "process", true, &p->cwd, err) < 0
      || jget_strv (proc, "env", "process", &p->env, &p->n_env, err) < 0
      || jget_strv (proc, "args", "process", &p->args, &p->n_args, err) < 0
      || jget_bool (proc, "noNewPrivileges", "process", &p->no_new_privileges, err) < 0
      || jget_string (proc, "apparmorProfile", "process", false, &p->apparmor_profile, err) < 0
      || jget_string (proc, "selinuxLabel", "process", false, &p->selinux_label, err) < 0)
    return -1;
  r = jget_range (proc, "oomScoreAdj", "process", false, -1000, 1000, &oom, err);
  if (r < 0)
    return -1;
  p->has_oom_score_adj = r > 0;
  p->oom_score_adj = (int) oom;
  return 0;
}

static int
parse_process (json_t *root, struct bento_spec *s, bento_err *err)
{
  json_t *proc;
  int r = jget_object (root, "process", "", false, &proc, err);
  if (r <= 0)
    return r;
  s->process = calloc (1, sizeof *s->process);
  if (s->process == NULL)
    return bento_err_make (err, ENOMEM, "process");
  struct bento_process *p = s->process;
  if (parse_process_scalars (proc, p, err) < 0 || parse_console_size (proc, p, err) < 0
      || parse_user (proc, &p->user, err) < 0 || parse_capabilities (proc, p, err) < 0
      || parse_rlimits (proc, p, err) < 0 || parse_io_priority (proc, p, err) < 0 || parse_scheduler (proc, p, err) < 0)
    return -1;
  return 0;
}

/* ---- hooks and annotations ---------------------------------------------- */

static int
parse_hook_list (json_t *hooks, enum bento_hook_kind kind, struct bento_spec *s, bento_err *err)
{
  json_t *arr;
  _cleanup_free_ char *path = jpath_key ("hooks", spec_hook_name (kind));
  int r = jget_array (hooks, spec_hook_name (kind), "hooks", &arr, err);
  if (r <= 0)
    return r;
  size_t len = json_array_size (arr);
  s->hooks[kind] = alloc_array (len, sizeof (struct bento_hook), err);
  if (s->hooks[kind] == NULL)
    return -1;
  for (size_t i = 0; i < len; i++)
    {
      json_t *e;
      struct bento_hook *h = &s->hooks[kind][i];
      _cleanup_free_ char *pi = jpath_index (path, i);
      int64_t timeout = 0;
      s->n_hooks[kind] = i + 1;
      if (jelem_object (arr, i, path, &e, err) < 0 || jget_string (e, "path", pi, true, &h->path, err) < 0
          || jget_strv (e, "args", pi, &h->args, &h->n_args, err) < 0
          || jget_strv (e, "env", pi, &h->env, &h->n_env, err) < 0)
        return -1;
      r = jget_range (e, "timeout", pi, false, 1, INT32_MAX, &timeout, err);
      if (r < 0)
        return -1;
      h->has_timeout = r > 0;
      h->timeout = (int) timeout;
    }
  return 0;
}

static int
parse_hooks (json_t *root, struct bento_spec *s, bento_err *err)
{
  json_t *hooks;
  int r = jget_object (root, "hooks", "", false, &hooks, err);
  if (r <= 0)
    return r;
  for (int k = 0; k < BENTO_HOOK__COUNT; k++)
    if (parse_hook_list (hooks, (enum bento_hook_kind) k, s, err) < 0)
      return -1;
  return 0;
}

/* An object of string values: annotations, sysctl, resources.unified. */
static int
parse_string_map (json_t *obj, const char *key, const char *path, struct bento_kv **out, size_t *n, bento_err *err)
{
  json_t *map;
  int r = jget_object (obj, key, path, false, &map, err);
  if (r <= 0)
    return r;
  _cleanup_free_ char *p = jpath_key (path, key);
  size_t len = json_object_size (map), i = 0;
  struct bento_kv *kv = alloc_array (len, sizeof *kv, err);
  if (kv == NULL)
    return -1;
  *out = kv;
  const char *k;
  json_t *v;
  json_object_foreach (map, k, v)
    {
      if (!json_is_string (v))
        return bento_err_make (err, 0, "%s.%s: expected a string, got %s", p, k, jtype_name (v));
      kv[i].key = strdup (k);
      kv[i].value = strdup (json_string_value (v));
      *n = ++i;
      if (kv[i - 1].key == NULL || kv[i - 1].value == NULL)
        return bento_err_make (err, ENOMEM, "%s", p);
    }
  return 0;
}

/* ---- the top level ------------------------------------------------------ */

static int
parse_root (json_t *root, struct bento_spec *s, bento_err *err)
{
  json_t *r;
  if (jget_string (root, "ociVersion", "", true, &s->oci_version, err) < 0
      || jget_object (root, "root", "", true, &r, err) < 0
      || jget_string (r, "path", "root", true, &s->root_path, err) < 0
      || jget_bool (r, "readonly", "root", &s->root_readonly, err) < 0
      || jget_string (root, "hostname", "", false, &s->hostname, err) < 0
      || jget_string (root, "domainname", "", false, &s->domainname, err) < 0)
    return -1;
  return 0;
}

int spec_parse_linux (json_t *root, struct bento_spec *s, bento_err *err);

static int
parse_document (json_t *root, struct bento_spec *s, bento_err *err)
{
  if (!json_is_object (root))
    return bento_err_make (err, 0, "expected a JSON object at the top, got %s", jtype_name (root));
  if (parse_root (root, s, err) < 0 || parse_mounts (root, s, err) < 0 || parse_process (root, s, err) < 0
      || parse_hooks (root, s, err) < 0
      || parse_string_map (root, "annotations", "", &s->annotations, &s->n_annotations, err) < 0
      || spec_parse_linux (root, s, err) < 0)
    return -1;
  return 0;
}

int
spec_parse (const char *json_text, size_t len, struct bento_spec **out, bento_err *err)
{
  json_error_t jerr;
  *out = NULL;
  /* Duplicate keys are refused: which one wins is not defined by JSON. */
  _cleanup_json_ *root = json_loadb (json_text, len, JSON_REJECT_DUPLICATES, &jerr);
  if (root == NULL)
    return bento_err_make (err, 0, "line %d column %d: %s", jerr.line, jerr.column, jerr.text);
  struct bento_spec *s = calloc (1, sizeof *s);
  if (s == NULL)
    return bento_err_make (err, ENOMEM, "parse config");
  if (parse_document (root, s, err) < 0)
    {
      spec_free (s);
      return -1;
    }
  *out = s;
  return 0;
}

int
spec_parse_process (const char *text, size_t len, struct bento_process **out, bento_err *err)
{
  json_error_t jerr;
  *out = NULL;
  _cleanup_json_ *proc = json_loadb (text, len, JSON_REJECT_DUPLICATES, &jerr);
  if (proc == NULL)
    return bento_err_make (err, 0, "line %d column %d: %s", jerr.line, jerr.column, jerr.text);
  if (!json_is_object (proc))
    return bento_err_make (err, 0, "expected a JSON object, got %s", jtype_name (proc));
  /* Parse it as the `process` of a config, so errors name process.* paths. */
  _cleanup_json_ *wrap = json_pack ("{s:O}", "process", proc);
  struct bento_spec tmp = { 0 };
  if (wrap == NULL || parse_process (wrap, &tmp, err) < 0)
    {
      spec_process_free (tmp.process);
      return wrap ? -1 : bento_err_make (err, ENOMEM, "parse process");
    }
  *out = tmp.process;
  return 0;
}

int spec_parse_resources (json_t *lx, struct bento_linux *l, bento_err *err);

int
spec_parse_resources_json (const char *text, size_t len, struct bento_resources **out, bento_err *err)
{
  json_error_t jerr;
  *out = NULL;
  _cleanup_json_ *res = json_loadb (text, len, JSON_REJECT_DUPLICATES, &jerr);
  if (res == NULL)
    return bento_err_make (err, 0, "line %d column %d: %s", jerr.line, jerr.column, jerr.text);
  if (!json_is_object (res))
    return bento_err_make (err, 0, "expected a JSON object, got %s", jtype_name (res));
  _cleanup_json_ *lx = json_pack ("{s:O}", "resources", res);
  struct bento_linux tmp = { 0 };
  if (lx == NULL || spec_parse_resources (lx, &tmp, err) < 0)
    {
      spec_resources_free (tmp.resources);
      return lx ? -1 : bento_err_make (err, ENOMEM, "parse resources");
    }
  *out = tmp.resources;
  return 0;
}

/* Configs are small; 16 MiB is far past any real one and stops a hostile
 * bundle from making us read a huge file into memory. */
#define SPEC_MAX_SIZE (16 << 20)

int
spec_load (const char *path, struct bento_spec **out, bento_err *err)
{
  _cleanup_close_ int fd = open (path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0)
    return bento_err_make (err, errno, "open `%s`", path);
  if (fstat (fd, &st) < 0)
    return bento_err_make (err, errno, "stat `%s`", path);
  if (!S_ISREG (st.st_mode))
    return bento_err_make (err, 0, "`%s` is not a regular file", path);
  if (st.st_size > SPEC_MAX_SIZE)
    return bento_err_make (err, 0, "`%s` is larger than %d MiB", path, SPEC_MAX_SIZE >> 20);
  _cleanup_free_ char *buf = malloc ((size_t) st.st_size + 1);
  if (buf == NULL)
    return bento_err_make (err, ENOMEM, "read `%s`", path);
  size_t got = 0;
  while (got < (size_t) st.st_size)
    {
      ssize_t r = read (fd, buf + got, (size_t) st.st_size - got);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return bento_err_make (err, errno, "read `%s`", path);
      if (r == 0)
        break;
      got += (size_t) r;
    }
  if (spec_parse (buf, got, out, err) < 0)
    return bento_err_wrap (err, "parse `%s`", path);
  return 0;
}
