/* The `linux` object of config.json: namespaces, id maps, devices,
 * resources, seccomp, sysctl, masked/readonly paths, personality, time
 * offsets. */
#include "shared/cleanup.h"
#include "spec/json.h"
#include "spec/names.h"
#include "spec/spec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>

int spec_parse_linux (json_t *root, struct bento_spec *s, bento_err *err);
int spec_parse_resources (json_t *lx, struct bento_linux *l, bento_err *err);
int spec_parse_seccomp (json_t *lx, struct bento_linux *l, bento_err *err);

static void *
alloc_array (size_t n, size_t size, bento_err *err)
{
  void *p = calloc (n ? n : 1, size);
  if (p == NULL)
    bento_err_make (err, ENOMEM, "parse config");
  return p;
}

static int
parse_namespaces (json_t *lx, struct bento_linux *l, bento_err *err)
{
  json_t *arr;
  int r = jget_array (lx, "namespaces", "linux", &arr, err);
  if (r <= 0)
    return r;
  for (size_t i = 0; i < json_array_size (arr); i++)
    {
      json_t *e;
      _cleanup_free_ char *type = NULL;
      _cleanup_free_ char *path = NULL;
      _cleanup_free_ char *pi = jpath_index ("linux.namespaces", i);
      if (jelem_object (arr, i, "linux.namespaces", &e, err) < 0 || jget_string (e, "type", pi, true, &type, err) < 0
          || jget_string (e, "path", pi, false, &path, err) < 0)
        return -1;
      int t = spec_ns_from_name (type);
      if (t < 0)
        return bento_err_make (err, 0, "%s.type: unknown namespace type `%s`", pi, type);
      if (l->namespaces[t].present)
        return bento_err_make (err, 0, "%s.type: namespace `%s` listed twice", pi, type);
      l->namespaces[t].present = true;
      l->namespaces[t].path = TAKE_PTR (path);
    }
  return 0;
}

static int
parse_idmaps (json_t *obj, const char *key, struct bento_idmap **out, size_t *n, bento_err *err)
{
  json_t *arr;
  int r = jget_array (obj, key, "linux", &arr, err);
  if (r <= 0)
    return r;
  _cleanup_free_ char *p = jpath_key ("linux", key);
  size_t len = json_array_size (arr);
  struct bento_idmap *m = alloc_array (len, sizeof *m, err);
  if (m == NULL)
    return -1;
  *out = m;
  for (size_t i = 0; i < len; i++)
    {
      json_t *e;
      _cleanup_free_ char *pi = jpath_index (p, i);
      if (jelem_object (arr, i, p, &e, err) < 0 || jget_uint32 (e, "containerID", pi, true, &m[i].container_id, err) < 0
          || jget_uint32 (e, "hostID", pi, true, &m[i].host_id, err) < 0
          || jget_uint32 (e, "size", pi, true, &m[i].size, err) < 0)
        return -1;
      *n = i + 1;
    }
  return 0;
}

static int
parse_device (json_t *e, const char *pi, struct bento_device *d, bento_err *err)
{
  _cleanup_free_ char *type = NULL;
  uint32_t mode = 0, uid = 0, gid = 0;
  int r;
  if (jget_string (e, "path", pi, true, &d->path, err) < 0 || jget_string (e, "type", pi, true, &type, err) < 0
      || jget_int64 (e, "major", pi, false, &d->major, err) < 0 || jget_int64 (e, "minor", pi, false, &d->minor, err) < 0)
    return -1;
  if (strlen (type) != 1 || strchr ("cbup", type[0]) == NULL)
    return bento_err_make (err, 0, "%s.type: unknown device type `%s` (want c, b, u or p)", pi, type);
  d->type = type[0];
  if ((r = jget_uint32 (e, "fileMode", pi, false, &mode, err)) < 0)
    return -1;
  d->has_file_mode = r > 0;
  d->file_mode = (mode_t) mode;
  if ((r = jget_uint32 (e, "uid", pi, false, &uid, err)) < 0)
    return -1;
  d->has_uid = r > 0;
  d->uid = uid;
  if ((r = jget_uint32 (e, "gid", pi, false, &gid, err)) < 0)
    return -1;
  d->has_gid = r > 0;
  d->gid = gid;
  return 0;
}

static int
parse_devices (json_t *lx, struct bento_linux *l, bento_err *err)
{
  json_t *arr;
  int r = jget_array (lx, "devices", "linux", &arr, err);
  if (r <= 0)
    return r;
  size_t len = json_array_size (arr);
  l->devices = alloc_array (len, sizeof *l->devices, err);
  if (l->devices == NULL)
    return -1;
  for (size_t i = 0; i < len; i++)
    {
      json_t *e;
      _cleanup_free_ char *pi = jpath_index ("linux.devices", i);
      l->n_devices = i + 1;
      if (jelem_object (arr, i, "linux.devices", &e, err) < 0 || parse_device (e, pi, &l->devices[i], err) < 0)
        return -1;
    }
  return 0;
}

static int
parse_propagation (json_t *lx, struct bento_linux *l, bento_err *err)
{
  static const struct
  {
    const char *name;
    unsigned long flags;
  } props[] = {
    { "private", MS_PRIVATE },       { "rprivate", MS_PRIVATE | MS_REC }, { "shared", MS_SHARED },
    { "rshared", MS_SHARED | MS_REC }, { "slave", MS_SLAVE },             { "rslave", MS_SLAVE | MS_REC },
    { "unbindable", MS_UNBINDABLE }, { "runbindable", MS_UNBINDABLE | MS_REC },
  };
  _cleanup_free_ char *prop = NULL;
  int r = jget_string (lx, "rootfsPropagation", "linux", false, &prop, err);
  if (r <= 0)
    return r;
  for (size_t i = 0; i < sizeof props / sizeof props[0]; i++)
    if (strcmp (props[i].name, prop) == 0)
      {
        l->rootfs_propagation = props[i].flags;
        return 0;
      }
  return bento_err_make (err, 0, "linux.rootfsPropagation: unknown propagation `%s`", prop);
}

static int
parse_personality (json_t *lx, struct bento_linux *l, bento_err *err)
{
  json_t *p;
  int r = jget_object (lx, "personality", "linux", false, &p, err);
  if (r <= 0)
    return r;
  _cleanup_free_ char *domain = NULL;
  _cleanup_strv_ char **flags = NULL;
  if (jget_string (p, "domain", "linux.personality", true, &domain, err) < 0
      || jget_strv (p, "flags", "linux.personality", &flags, NULL, err) < 0)
    return -1;
  if (strcmp (domain, "LINUX") == 0)
    l->personality = PER_LINUX;
  else if (strcmp (domain, "LINUX32") == 0)
    l->personality = PER_LINUX32;
  else
    return bento_err_make (err, 0, "linux.personality.domain: unknown domain `%s` (want LINUX or LINUX32)", domain);
  /* The spec defines no flag names yet; runc and crun refuse any. */
  if (flags && flags[0])
    return bento_err_make (err, 0, "linux.personality.flags: unknown flag `%s`", flags[0]);
  l->has_personality = true;
  return 0;
}

static int
parse_time_offset (json_t *to, const char *key, int64_t *secs, uint32_t *nsecs, bento_err *err)
{
  json_t *o;
  _cleanup_free_ char *p = jpath_key ("linux.timeOffsets", key);
  int r = jget_object (to, key, "linux.timeOffsets", false, &o, err);
  if (r <= 0)
    return r;
  if (jget_int64 (o, "secs", p, false, secs, err) < 0 || jget_uint32 (o, "nanosecs", p, false, nsecs, err) < 0)
    return -1;
  if (*nsecs >= 1000000000u)
    return bento_err_make (err, 0, "%s.nanosecs: must be below 1000000000", p);
  return 0;
}

static int
parse_time_offsets (json_t *lx, struct bento_linux *l, bento_err *err)
{
  json_t *to;
  int r = jget_object (lx, "timeOffsets", "linux", false, &to, err);
  if (r <= 0)
    return r;
  l->has_time_offsets = true;
  if (parse_time_offset (to, "monotonic", &l->monotonic_secs, &l->monotonic_nsecs, err) < 0
      || parse_time_offset (to, "boottime", &l->boottime_secs, &l->boottime_nsecs, err) < 0)
    return -1;
  return 0;
}

static int
parse_sysctl (json_t *lx, struct bento_linux *l, bento_err *err)
{
  json_t *map;
  int r = jget_object (lx, "sysctl", "linux", false, &map, err);
  if (r <= 0)
    return r;
  size_t len = json_object_size (map), i = 0;
  l->sysctl = alloc_array (len, sizeof *l->sysctl, err);
  if (l->sysctl == NULL)
    return -1;
  const char *k;
  json_t *v;
  json_object_foreach (map, k, v)
    {
      if (!json_is_string (v))
        return bento_err_make (err, 0, "linux.sysctl.%s: expected a string, got %s", k, jtype_name (v));
      l->sysctl[i].key = strdup (k);
      l->sysctl[i].value = strdup (json_string_value (v));
      l->n_sysctl = ++i;
      if (l->sysctl[i - 1].key == NULL || l->sysctl[i - 1].value == NULL)
        return bento_err_make (err, ENOMEM, "linux.sysctl");
    }
  return 0;
}

int
spec_parse_linux (json_t *root, struct bento_spec *s, bento_err *err)
{
  json_t *lx;
  int r = jget_object (root, "linux", "", false, &lx, err);
  if (r <= 0)
    return r;
  s->linux_ = calloc (1, sizeof *s->linux_);
  if (s->linux_ == NULL)
    return bento_err_make (err, ENOMEM, "linux");
  struct bento_linux *l = s->linux_;
  if (parse_namespaces (lx, l, err) < 0 || parse_idmaps (lx, "uidMappings", &l->uid_mappings, &l->n_uid_mappings, err) < 0
      || parse_idmaps (lx, "gidMappings", &l->gid_mappings, &l->n_gid_mappings, err) < 0
      || parse_devices (lx, l, err) < 0 || jget_string (lx, "cgroupsPath", "linux", false, &l->cgroups_path, err) < 0
      || spec_parse_resources (lx, l, err) < 0 || parse_propagation (lx, l, err) < 0
      || spec_parse_seccomp (lx, l, err) < 0 || parse_sysctl (lx, l, err) < 0
      || jget_strv (lx, "maskedPaths", "linux", &l->masked_paths, &l->n_masked_paths, err) < 0
      || jget_strv (lx, "readonlyPaths", "linux", &l->readonly_paths, &l->n_readonly_paths, err) < 0
      || jget_string (lx, "mountLabel", "linux", false, &l->mount_label, err) < 0
      || parse_personality (lx, l, err) < 0 || parse_time_offsets (lx, l, err) < 0)
    return -1;
  return 0;
}
