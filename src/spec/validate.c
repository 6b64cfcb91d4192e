/* spec_validate: what the JSON schema cannot say.  A table of checks, each
 * naming the JSON path it rejects; the first failure is reported. */
#include "shared/cleanup.h"
#include "spec/spec.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

typedef int (*spec_check) (const struct bento_spec *s, bento_err *err);

static bool
is_absolute (const char *p)
{
  return p && p[0] == '/';
}

static bool
has_dotdot (const char *p)
{
  /* a ".." path component */
  for (const char *c = p; (c = strstr (c, "..")) != NULL; c += 2)
    if ((c == p || c[-1] == '/') && (c[2] == '\0' || c[2] == '/'))
      return true;
  return false;
}

static int
check_root (const struct bento_spec *s, bento_err *err)
{
  if (s->root_path[0] == '\0')
    return bento_err_make (err, 0, "root.path: must not be empty");
  return 0;
}

static int
check_process (const struct bento_spec *s, bento_err *err)
{
  const struct bento_process *p = s->process;
  if (p == NULL)
    return 0;
  if (p->n_args == 0)
    return bento_err_make (err, 0, "process.args: must not be empty");
  if (!is_absolute (p->cwd))
    return bento_err_make (err, 0, "process.cwd: `%s` is not an absolute path", p->cwd);
  for (size_t i = 0; i < p->n_env; i++)
    if (strchr (p->env[i], '=') == NULL || p->env[i][0] == '=')
      return bento_err_make (err, 0, "process.env[%zu]: `%s` is not KEY=value", i, p->env[i]);
  for (size_t i = 0; i < p->n_rlimits; i++)
    {
      if (p->rlimits[i].soft > p->rlimits[i].hard)
        return bento_err_make (err, 0, "process.rlimits[%zu]: soft limit above the hard limit", i);
      for (size_t j = 0; j < i; j++)
        if (p->rlimits[j].resource == p->rlimits[i].resource)
          return bento_err_make (err, 0, "process.rlimits[%zu].type: listed twice", i);
    }
  return 0;
}

static int
check_mounts (const struct bento_spec *s, bento_err *err)
{
  for (size_t i = 0; i < s->n_mounts; i++)
    {
      const struct bento_mount *m = &s->mounts[i];
      if (m->destination[0] == '\0')
        return bento_err_make (err, 0, "mounts[%zu].destination: must not be empty", i);
      /* Relative destinations are allowed (runc resolves them inside the
       * rootfs), but never one that climbs out of it. */
      if (has_dotdot (m->destination))
        return bento_err_make (err, 0, "mounts[%zu].destination: `%s` must not contain `..`", i, m->destination);
      if (m->bind && (m->source == NULL || m->source[0] == '\0'))
        return bento_err_make (err, 0, "mounts[%zu].source: a bind mount needs a source", i);
      if (!m->bind && m->type == NULL)
        return bento_err_make (err, 0, "mounts[%zu].type: required unless the mount is a bind mount", i);
    }
  return 0;
}

static int
check_hooks (const struct bento_spec *s, bento_err *err)
{
  for (int k = 0; k < BENTO_HOOK__COUNT; k++)
    for (size_t i = 0; i < s->n_hooks[k]; i++)
      if (!is_absolute (s->hooks[k][i].path))
        return bento_err_make (err, 0, "hooks.%s[%zu].path: `%s` is not an absolute path", spec_hook_name (k), i,
                               s->hooks[k][i].path);
  return 0;
}

static bool
ns_new (const struct bento_linux *l, enum bento_ns_type t)
{
  return l && l->namespaces[t].present && l->namespaces[t].path == NULL;
}

static int
check_namespaces (const struct bento_spec *s, bento_err *err)
{
  const struct bento_linux *l = s->linux_;
  if (l == NULL)
    return 0;
  for (int t = 0; t < BENTO_NS__COUNT; t++)
    if (l->namespaces[t].path && !is_absolute (l->namespaces[t].path))
      return bento_err_make (err, 0, "linux.namespaces: %s path `%s` is not absolute", spec_ns_name (t),
                             l->namespaces[t].path);
  return 0;
}

static int
check_uts (const struct bento_spec *s, bento_err *err)
{
  /* Setting the host's own hostname is never what a config means. */
  if (s->hostname && s->hostname[0] && !ns_new (s->linux_, BENTO_NS_UTS))
    return bento_err_make (err, 0, "hostname: needs a new uts namespace in linux.namespaces");
  if (s->domainname && s->domainname[0] && !ns_new (s->linux_, BENTO_NS_UTS))
    return bento_err_make (err, 0, "domainname: needs a new uts namespace in linux.namespaces");
  return 0;
}

static int
check_idmaps (const struct bento_spec *s, bento_err *err)
{
  const struct bento_linux *l = s->linux_;
  if (l == NULL)
    return 0;
  bool userns = l->namespaces[BENTO_NS_USER].present;
  if ((l->n_uid_mappings || l->n_gid_mappings) && !userns)
    return bento_err_make (err, 0, "linux.uidMappings: id mappings need a user namespace in linux.namespaces");
  if (ns_new (l, BENTO_NS_USER) && (l->n_uid_mappings == 0 || l->n_gid_mappings == 0))
    return bento_err_make (err, 0, "linux.%s: a new user namespace needs uid and gid mappings",
                           l->n_uid_mappings == 0 ? "uidMappings" : "gidMappings");
  if (idmap_check ("linux.uidMappings", l->uid_mappings, l->n_uid_mappings, err) < 0
      || idmap_check ("linux.gidMappings", l->gid_mappings, l->n_gid_mappings, err) < 0)
    return -1;
  return 0;
}

static int
check_paths (const char *what, char **paths, size_t n, bento_err *err)
{
  for (size_t i = 0; i < n; i++)
    if (!is_absolute (paths[i]) || has_dotdot (paths[i]))
      return bento_err_make (err, 0, "linux.%s[%zu]: `%s` must be an absolute path without `..`", what, i, paths[i]);
  return 0;
}

static int
check_linux_paths (const struct bento_spec *s, bento_err *err)
{
  const struct bento_linux *l = s->linux_;
  if (l == NULL)
    return 0;
  if (check_paths ("maskedPaths", l->masked_paths, l->n_masked_paths, err) < 0
      || check_paths ("readonlyPaths", l->readonly_paths, l->n_readonly_paths, err) < 0)
    return -1;
  if (l->cgroups_path && has_dotdot (l->cgroups_path))
    return bento_err_make (err, 0, "linux.cgroupsPath: `%s` must not contain `..`", l->cgroups_path);
  return 0;
}

static int
check_devices (const struct bento_spec *s, bento_err *err)
{
  const struct bento_linux *l = s->linux_;
  for (size_t i = 0; l && i < l->n_devices; i++)
    {
      const struct bento_device *d = &l->devices[i];
      if (!is_absolute (d->path) || has_dotdot (d->path))
        return bento_err_make (err, 0, "linux.devices[%zu].path: `%s` must be an absolute path without `..`", i,
                               d->path);
      if (d->type != 'p' && (d->major < 0 || d->minor < 0))
        return bento_err_make (err, 0, "linux.devices[%zu]: a `%c` device needs major and minor numbers", i, d->type);
    }
  return 0;
}

static int
check_sysctl (const struct bento_spec *s, bento_err *err)
{
  const struct bento_linux *l = s->linux_;
  for (size_t i = 0; l && i < l->n_sysctl; i++)
    {
      const char *k = l->sysctl[i].key;
      if (k[0] == '\0' || k[0] == '.' || k[0] == '/' || strstr (k, "..") || k[strspn (k, "abcdefghijklmnopqrstuvwxyz"
                                                                                        "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                                                        "0123456789._-/")]
                                                                      != '\0')
        return bento_err_make (err, 0, "linux.sysctl: `%s` is not a sysctl name", k);
    }
  return 0;
}

static const spec_check checks[] = {
  check_root,       check_process, check_mounts,      check_hooks,   check_namespaces,
  check_uts,        check_idmaps,  check_linux_paths, check_devices, check_sysctl,
};

int
spec_validate (const struct bento_spec *spec, bento_err *err)
{
  for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++)
    if (checks[i](spec, err) < 0)
      return -1;
  return 0;
}
