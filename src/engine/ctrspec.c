/* The OCI config of an engine container: podman's defaults (capabilities,
 * masked and read-only paths, mounts, namespaces) with the image's config
 * and the command line's options applied. */
#include "engine/engine.h"
#include "engine/seccomp-default.h"
#include "shared/cleanup.h"
#include "spec/names.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

/* podman's default capability set. */
static const char *const default_caps[] = {
  "CAP_CHOWN",  "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",       "CAP_NET_BIND_SERVICE",
  "CAP_SETFCAP", "CAP_SETGID",      "CAP_SETPCAP", "CAP_SETUID", "CAP_SYS_CHROOT", NULL,
};

static const char *const masked_paths[] = {
  "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
  "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/fs/selinux", "/sys/dev/block", NULL,
};

static const char *const readonly_paths[] = {
  "/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

static json_t *
strings (const char *const *v)
{
  json_t *a = json_array ();
  for (; v && *v; v++)
    json_array_append_new (a, json_string (*v));
  return a;
}

static json_t *
mount_obj (const char *dest, const char *type, const char *src, const char *const *opts)
{
  return json_pack ("{s:s, s:s, s:s, s:o}", "destination", dest, "type", type, "source", src, "options",
                    strings (opts));
}

static bool
rootless (const struct engine *e)
{
  return e->store->rootless;
}

/* ---- process ------------------------------------------------------------- */

static int
build_args (const struct run_opts *o, const struct image_config *ic, json_t *args, bento_err *err)
{
  if (o->init)
    {
      /* bento-init as PID 1: it forwards signals and reaps zombies */
      json_array_append_new (args, json_string ("/run/bento-init"));
      json_array_append_new (args, json_string ("--"));
    }
  if (o->has_entrypoint)
    {
      if (o->entrypoint[0])
        json_array_append_new (args, json_string (o->entrypoint));
    }
  else
    for (char **a = ic->entrypoint; a && *a; a++)
      json_array_append_new (args, json_string (*a));
  /* the image's Cmd goes with its Entrypoint only; --entrypoint drops it */
  char **cmd = o->cmd.n ? o->cmd.v : o->has_entrypoint ? NULL : ic->cmd;
  for (char **a = cmd; a && *a; a++)
    json_array_append_new (args, json_string (*a));
  if (json_array_size (args) == (o->init ? 2 : 0))
    return bento_err_make (err, 0, "no command specified: the image has no Entrypoint or Cmd");
  return 0;
}

static void
env_set (json_t *env, const char *kv)
{
  size_t klen = strcspn (kv, "=");
  size_t i;
  json_t *v;
  json_array_foreach (env, i, v)
  {
    const char *s = json_string_value (v);
    if (strncmp (s, kv, klen) == 0 && s[klen] == '=')
      {
        json_array_set_new (env, i, json_string (kv));
        return;
      }
  }
  json_array_append_new (env, json_string (kv));
}

static json_t *
build_env (const struct run_opts *o, const struct image_config *ic, const char *hostname)
{
  json_t *env = json_array ();
  env_set (env, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  for (char **e = ic->env; e && *e; e++)
    env_set (env, *e);
  char buf[300];
  snprintf (buf, sizeof buf, "HOSTNAME=%s", hostname);
  env_set (env, buf);
  env_set (env, "container=bento");
  if (o->tty)
    env_set (env, "TERM=xterm");
  for (size_t i = 0; i < o->env.n; i++)
    env_set (env, o->env.v[i]);
  return env;
}

/* The container's capabilities as a set: the defaults (all with
 * --privileged), then --cap-drop and --cap-add as docker applies them. */
static int
cap_set (const struct run_opts *o, uint64_t *out, bento_err *err)
{
  uint64_t set = 0;
  if (o->privileged)
    set = ~UINT64_C (0);
  else
    for (const char *const *c = default_caps; *c; c++)
      set |= UINT64_C (1) << spec_cap_from_name (*c);
  /* docker's order: --cap-add ALL first, then the drops, then the adds */
  for (size_t i = 0; i < o->cap_add.n; i++)
    if (strcasecmp (o->cap_add.v[i], "ALL") == 0)
      set = ~UINT64_C (0);
  for (int pass = 0; pass < 2; pass++)
    {
      const struct strv *l = pass == 0 ? &o->cap_drop : &o->cap_add;
      for (size_t i = 0; i < l->n; i++)
        {
          char name[64];
          const char *n = l->v[i];
          if (strcasecmp (n, "ALL") == 0)
            {
              if (pass == 0)
                set = 0;
              continue;
            }
          snprintf (name, sizeof name, "%s%s", strncasecmp (n, "CAP_", 4) == 0 ? "" : "CAP_", n);
          for (char *p = name; *p; p++)
            *p = (char) (*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
          int cap = spec_cap_from_name (name);
          if (cap < 0)
            return bento_err_make (err, 0, "--cap-%s: unknown capability `%s`", pass == 0 ? "drop" : "add", n);
          if (pass == 0)
            set &= ~(UINT64_C (1) << cap);
          else
            set |= UINT64_C (1) << cap;
        }
    }
  *out = set;
  return 0;
}

static int
build_caps (const struct run_opts *o, json_t **out, bento_err *err)
{
  uint64_t set;
  if (cap_set (o, &set, err) < 0)
    return -1;
  json_t *names = json_array ();
  for (int cap = 0; cap < spec_cap_count (); cap++)
    if (set & (UINT64_C (1) << cap))
      json_array_append_new (names, json_string (spec_cap_name (cap)));
  *out = json_pack ("{s:O, s:O, s:O, s:[]}", "bounding", names, "effective", names, "permitted", names,
                    "inheritable");
  json_decref (names);
  return 0;
}

static int
parse_ulimit (const char *s, json_t *rlimits, bento_err *err)
{
  char name[64];
  unsigned long long soft, hard;
  int n = 0;
  if (sscanf (s, "%63[a-z]=%llu:%llu%n", name, &soft, &hard, &n) == 3 && s[n] == '\0')
    ;
  else if (sscanf (s, "%63[a-z]=%llu%n", name, &soft, &n) == 2 && s[n] == '\0')
    hard = soft;
  else
    return bento_err_make (err, 0, "--ulimit `%s`: want NAME=SOFT[:HARD]", s);
  char rl[80];
  snprintf (rl, sizeof rl, "RLIMIT_%s", name);
  for (char *p = rl; *p; p++)
    *p = (char) (*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
  if (spec_rlimit_from_name (rl) < 0)
    return bento_err_make (err, 0, "--ulimit `%s`: unknown limit `%s`", s, name);
  if (soft > hard)
    return bento_err_make (err, 0, "--ulimit `%s`: soft limit above the hard limit", s);
  json_array_append_new (rlimits, json_pack ("{s:s, s:I, s:I}", "type", rl, "soft", (json_int_t) soft, "hard",
                                             (json_int_t) hard));
  return 0;
}

static int
build_process (struct engine *e, const struct run_opts *o, const struct image_config *ic, const char *hostname,
               json_t **out, bento_err *err)
{
  json_t *args = json_array (), *caps = NULL, *rlimits = json_array ();
  if (build_args (o, ic, args, err) < 0 || build_caps (o, &caps, err) < 0)
    goto fail;
  for (size_t i = 0; i < o->ulimits.n; i++)
    if (parse_ulimit (o->ulimits.v[i], rlimits, err) < 0)
      goto fail;
  char keep[32];
  snprintf (keep, sizeof keep, "%u:%u", (unsigned) getuid (), (unsigned) getgid ());
  /* keep-id: you, as yourself (podman's default user for it) */
  const char *user = o->user                                  ? o->user
                     : o->userns && !strcmp (o->userns, "keep-id") ? keep
                     : ic->user && ic->user[0]                   ? ic->user
                                                                 : "0:0";
  *out = json_pack ("{s:b, s:o, s:o, s:s, s:{s:i, s:i, s:s}, s:o, s:b, s:o}", "terminal", o->tty, "args", args,
                    "env", build_env (o, ic, hostname), "cwd",
                    o->workdir ? o->workdir : ic->working_dir && ic->working_dir[0] ? ic->working_dir : "/", "user",
                    "uid", 0, "gid", 0, "username", user, "capabilities", caps, "noNewPrivileges", o->no_new_privs,
                    "rlimits", rlimits);
  return *out ? 0 : bento_err_make (err, ENOMEM, "process");
fail:
  json_decref (args);
  json_decref (caps);
  json_decref (rlimits);
  return -1;
}

/* ---- mounts -------------------------------------------------------------- */

static void
add_base_mounts (struct engine *e, const struct run_opts *o, json_t *m)
{
  static const char *const proc_o[] = { "nosuid", "noexec", "nodev", NULL };
  static const char *const dev_o[] = { "nosuid", "strictatime", "mode=755", "size=65536k", NULL };
  static const char *const pts_root[] = { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL };
  static const char *const pts_user[] = { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", NULL };
  static const char *const shm_o[] = { "nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL };
  static const char *const mq_o[] = { "nosuid", "noexec", "nodev", NULL };
  static const char *const sys_o[] = { "nosuid", "noexec", "nodev", "ro", NULL };
  static const char *const sys_bind[] = { "rbind", "nosuid", "noexec", "nodev", "ro", NULL };
  static const char *const cg_o[] = { "nosuid", "noexec", "nodev", "relatime", "ro", NULL };
  bool host_net = o->network && strcmp (o->network, "host") == 0;
  json_array_append_new (m, mount_obj ("/proc", "proc", "proc", proc_o));
  json_array_append_new (m, mount_obj ("/dev", "tmpfs", "tmpfs", dev_o));
  /* gid 5 (tty) is mapped rootless too: the store maps subordinate ids */
  json_array_append_new (m, mount_obj ("/dev/pts", "devpts", "devpts",
                                       rootless (e) && e->store->single_id ? pts_user : pts_root));
  json_array_append_new (m, mount_obj ("/dev/shm", "tmpfs", "shm", shm_o));
  json_array_append_new (m, mount_obj ("/dev/mqueue", "mqueue", "mqueue", mq_o));
  /* sysfs needs a network namespace of our own user namespace */
  if (host_net && rootless (e))
    json_array_append_new (m, mount_obj ("/sys", "none", "/sys", sys_bind));
  else
    json_array_append_new (m, mount_obj ("/sys", "sysfs", "sysfs", sys_o));
  json_array_append_new (m, mount_obj ("/sys/fs/cgroup", "cgroup", "cgroup", cg_o));
}

static void
add_etc_mounts (const struct ctr *c, json_t *m)
{
  static const char *const o[] = { "rbind", "rprivate", NULL };
  const char *files[] = { "hostname", "hosts", "resolv.conf" };
  for (size_t i = 0; i < 3; i++)
    {
      char src[4200], dst[64];
      snprintf (src, sizeof src, "%s/%s", c->dir, files[i]);
      snprintf (dst, sizeof dst, "/etc/%s", files[i]);
      json_array_append_new (m, mount_obj (dst, "bind", src, o));
    }
}

static int
volume_source (struct engine *e, const char *name, char **out, bento_err *err)
{
  if (name[0] == '/')
    return (*out = strdup (name)) ? 0 : bento_err_make (err, ENOMEM, "-v");
  if (name[strspn (name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")] != '\0' || name[0] == '.')
    return bento_err_make (err, 0, "-v: `%s` is neither an absolute path nor a volume name", name);
  /* a named volume: made on first use, as docker does */
  if (asprintf (out, "%s/volumes/%s/_data", e->store->root, name) < 0)
    return bento_err_make (err, ENOMEM, "-v");
  char *vol = NULL;
  if (asprintf (&vol, "%s/volumes", e->store->root) >= 0)
    {
      mkdir (vol, 0700);
      free (vol);
    }
  if (asprintf (&vol, "%s/volumes/%s", e->store->root, name) >= 0)
    {
      mkdir (vol, 0700);
      free (vol);
    }
  if (mkdir (*out, 0755) < 0 && errno != EEXIST)
    return bento_err_make (err, errno, "create volume `%s`", name);
  return 0;
}

static int
add_volume (struct engine *e, const char *spec, json_t *m, bento_err *err)
{
  _cleanup_free_ char *copy = strdup (spec);
  if (copy == NULL)
    return bento_err_make (err, ENOMEM, "-v");
  char *src = copy, *dst = strchr (copy, ':'), *opts = NULL;
  if (dst == NULL)
    return bento_err_make (err, 0, "-v `%s`: want SRC:DST[:OPTIONS]", spec);
  *dst++ = '\0';
  if ((opts = strchr (dst, ':')) != NULL)
    *opts++ = '\0';
  if (src[0] == '\0' || dst[0] != '/')
    return bento_err_make (err, 0, "-v `%s`: want SRC:DST[:OPTIONS] with an absolute DST", spec);
  _cleanup_free_ char *source = NULL;
  if (volume_source (e, src, &source, err) < 0)
    return -1;
  if (access (source, F_OK) < 0)
    return bento_err_make (err, errno, "-v `%s`: source `%s`", spec, source);
  json_t *o = json_array ();
  json_array_append_new (o, json_string ("rbind"));
  char *save = NULL;
  for (char *t = opts ? strtok_r (opts, ",", &save) : NULL; t; t = strtok_r (NULL, ",", &save))
    {
      if (strcmp (t, "z") == 0 || strcmp (t, "Z") == 0)
        continue; /* SELinux relabelling: nothing to do without SELinux */
      if (strcmp (t, "ro") && strcmp (t, "rw") && strcmp (t, "shared") && strcmp (t, "slave") && strcmp (t, "private")
          && strcmp (t, "rshared") && strcmp (t, "rslave") && strcmp (t, "rprivate") && strcmp (t, "nosuid")
          && strcmp (t, "nodev") && strcmp (t, "noexec") && strcmp (t, "exec") && strcmp (t, "suid") && strcmp (t, "dev"))
        {
          json_decref (o);
          return bento_err_make (err, 0, "-v `%s`: unknown option `%s`", spec, t);
        }
      json_array_append_new (o, json_string (t));
    }
  json_array_append_new (m, json_pack ("{s:s, s:s, s:s, s:o}", "destination", dst, "type", "bind", "source", source,
                                       "options", o));
  return 0;
}

static int
add_tmpfs (const char *spec, json_t *m, bento_err *err)
{
  _cleanup_free_ char *copy = strdup (spec);
  if (copy == NULL)
    return bento_err_make (err, ENOMEM, "--tmpfs");
  char *opts = strchr (copy, ':');
  if (opts)
    *opts++ = '\0';
  if (copy[0] != '/')
    return bento_err_make (err, 0, "--tmpfs `%s`: want an absolute path", spec);
  json_t *o = json_array ();
  json_array_append_new (o, json_string ("nosuid"));
  json_array_append_new (o, json_string ("nodev"));
  char *save = NULL;
  for (char *t = opts ? strtok_r (opts, ",", &save) : NULL; t; t = strtok_r (NULL, ",", &save))
    json_array_append_new (o, json_string (t));
  json_array_append_new (m, json_pack ("{s:s, s:s, s:s, s:o}", "destination", copy, "type", "tmpfs", "source", "tmpfs",
                                       "options", o));
  return 0;
}

/* --mount type=bind|volume|tmpfs,source=..,target=..[,readonly] */
static int
add_mount_flag (struct engine *e, const char *spec, json_t *m, bento_err *err)
{
  _cleanup_free_ char *copy = strdup (spec);
  const char *type = "volume", *src = NULL, *dst = NULL;
  bool ro = false;
  char *save = NULL;
  for (char *t = copy ? strtok_r (copy, ",", &save) : NULL; t; t = strtok_r (NULL, ",", &save))
    {
      char *v = strchr (t, '=');
      if (v)
        *v++ = '\0';
      if (strcmp (t, "type") == 0 && v)
        type = v;
      else if ((strcmp (t, "source") == 0 || strcmp (t, "src") == 0) && v)
        src = v;
      else if ((strcmp (t, "target") == 0 || strcmp (t, "destination") == 0 || strcmp (t, "dst") == 0) && v)
        dst = v;
      else if (strcmp (t, "readonly") == 0 || strcmp (t, "ro") == 0)
        ro = v == NULL || strcmp (v, "true") == 0;
      else
        return bento_err_make (err, 0, "--mount `%s`: unknown key `%s`", spec, t);
    }
  if (dst == NULL)
    return bento_err_make (err, 0, "--mount `%s`: target= is required", spec);
  char buf[4200];
  if (strcmp (type, "tmpfs") == 0)
    {
      snprintf (buf, sizeof buf, "%s%s", dst, ro ? ":ro" : "");
      return add_tmpfs (buf, m, err);
    }
  if (strcmp (type, "bind") != 0 && strcmp (type, "volume") != 0)
    return bento_err_make (err, 0, "--mount `%s`: unknown type `%s`", spec, type);
  if (src == NULL)
    return bento_err_make (err, 0, "--mount `%s`: source= is required", spec);
  if (strcmp (type, "bind") == 0 && src[0] != '/')
    return bento_err_make (err, 0, "--mount `%s`: a bind source must be an absolute path", spec);
  snprintf (buf, sizeof buf, "%s:%s%s", src, dst, ro ? ":ro" : "");
  return add_volume (e, buf, m, err);
}

static int
build_mounts (struct engine *e, const struct run_opts *o, const struct ctr *c, json_t **out, bento_err *err)
{
  json_t *m = json_array ();
  add_base_mounts (e, o, m);
  add_etc_mounts (c, m);
  if (o->init)
    {
      static const char *const ro[] = { "bind", "ro", "nosuid", "nodev", NULL };
      if (e->init_path == NULL || access (e->init_path, X_OK) < 0)
        {
          json_decref (m);
          return bento_err_make (err, 0, "--init: bento-init was not found next to bento");
        }
      json_array_append_new (m, mount_obj ("/run/bento-init", "bind", e->init_path, ro));
    }
  for (size_t i = 0; i < o->volumes.n; i++)
    if (add_volume (e, o->volumes.v[i], m, err) < 0)
      goto fail;
  for (size_t i = 0; i < o->tmpfs.n; i++)
    if (add_tmpfs (o->tmpfs.v[i], m, err) < 0)
      goto fail;
  for (size_t i = 0; i < o->mounts.n; i++)
    if (add_mount_flag (e, o->mounts.v[i], m, err) < 0)
      goto fail;
  *out = m;
  return 0;
fail:
  json_decref (m);
  return -1;
}

/* ---- linux --------------------------------------------------------------- */

static json_t *
id_maps (const struct bento_idmap *m, size_t n)
{
  json_t *a = json_array ();
  for (size_t i = 0; i < n; i++)
    json_array_append_new (a, json_pack ("{s:I, s:I, s:I}", "containerID", (json_int_t) m[i].container_id, "hostID",
                                         (json_int_t) m[i].host_id, "size", (json_int_t) m[i].size));
  return a;
}

static int
parse_size (const char *s, int64_t *out)
{
  char *end;
  double v = strtod (s, &end);
  int64_t mult = 1;
  switch (*end)
    {
    case 'b': case 'B': end++; break;
    case 'k': case 'K': mult = 1024; end++; break;
    case 'm': case 'M': mult = 1024 * 1024; end++; break;
    case 'g': case 'G': mult = 1024LL * 1024 * 1024; end++; break;
    default: break;
    }
  if (end == s || *end != '\0' || v < 0)
    return -1;
  *out = (int64_t) (v * (double) mult);
  return 0;
}

static int
build_resources (const struct run_opts *o, json_t *lx, bento_err *err)
{
  json_t *res = json_object ();
  int64_t v;
  if (o->memory || o->memory_swap)
    {
      json_t *mem = json_object ();
      if (o->memory && (parse_size (o->memory, &v) < 0 || v <= 0))
        return json_decref (mem), json_decref (res), bento_err_make (err, 0, "--memory `%s`: not a size", o->memory);
      if (o->memory)
        json_object_set_new (mem, "limit", json_integer (v));
      if (o->memory_swap)
        {
          if (strcmp (o->memory_swap, "-1") == 0)
            v = -1;
          else if (parse_size (o->memory_swap, &v) < 0)
            return json_decref (mem), json_decref (res),
                   bento_err_make (err, 0, "--memory-swap `%s`: not a size", o->memory_swap);
          json_object_set_new (mem, "swap", json_integer (v));
        }
      json_object_set_new (res, "memory", mem);
    }
  if (o->cpus || o->cpu_shares)
    {
      json_t *cpu = json_object ();
      char *end;
      if (o->cpus)
        {
          double c = strtod (o->cpus, &end);
          if (*end || c <= 0)
            return json_decref (cpu), json_decref (res), bento_err_make (err, 0, "--cpus `%s`: not a number", o->cpus);
          json_object_set_new (cpu, "period", json_integer (100000));
          json_object_set_new (cpu, "quota", json_integer ((json_int_t) (c * 100000)));
        }
      if (o->cpu_shares)
        {
          long s = strtol (o->cpu_shares, &end, 10);
          if (*end || s <= 0)
            return json_decref (cpu), json_decref (res),
                   bento_err_make (err, 0, "--cpu-shares `%s`: not a number", o->cpu_shares);
          json_object_set_new (cpu, "shares", json_integer (s));
        }
      json_object_set_new (res, "cpu", cpu);
    }
  if (o->pids_limit)
    {
      char *end;
      long p = strtol (o->pids_limit, &end, 10);
      if (*end || p == 0 || p < -1)
        return json_decref (res), bento_err_make (err, 0, "--pids-limit `%s`: not a number", o->pids_limit);
      json_object_set_new (res, "pids", json_pack ("{s:I}", "limit", (json_int_t) p));
    }
  if (json_object_size (res))
    json_object_set_new (lx, "resources", res);
  else
    json_decref (res);
  return 0;
}

static json_t *
build_namespaces (struct engine *e, const struct run_opts *o)
{
  json_t *ns = json_array ();
  const char *types[] = { "pid", "ipc", "uts", "mount", "cgroup" };
  for (size_t i = 0; i < 5; i++)
    json_array_append_new (ns, json_pack ("{s:s}", "type", types[i]));
  if (!(o->network && strcmp (o->network, "host") == 0))
    json_array_append_new (ns, json_pack ("{s:s}", "type", "network"));
  /* rootless: a user namespace with the store's maps (root inside is the
   * user, 1..65536 its subordinate ids); as root, the host's (--userns host) */
  if (rootless (e) || (o->userns && strcmp (o->userns, "auto") == 0))
    json_array_append_new (ns, json_pack ("{s:s}", "type", "user"));
  return ns;
}

/* --security-opt seccomp=: podman's default profile for the container's
 * capabilities (none with --privileged, as podman), `unconfined`, or a
 * file holding an OCI linux.seccomp object. */
static int
build_seccomp (const struct run_opts *o, json_t *lx, bento_err *err)
{
  const char *opt = o->seccomp;
  if (opt && strcmp (opt, "unconfined") == 0)
    return 0;
  if (opt)
    {
      json_error_t jerr;
      json_t *file = json_load_file (opt, 0, &jerr);
      if (file == NULL)
        return bento_err_make (err, 0, "--security-opt seccomp=%s: line %d column %d: %s", opt, jerr.line,
                               jerr.column, jerr.text);
      /* docker's and podman's profile files add conditions (archMap,
       * includes, excludes) an OCI runtime would silently drop: refuse. */
      if (!json_is_object (file) || json_object_get (file, "archMap") || json_object_get (file, "archmap"))
        {
          json_decref (file);
          return bento_err_make (err, 0, "--security-opt seccomp=%s: want an OCI linux.seccomp object (docker's "
                                         "archMap/includes format is not supported)", opt);
        }
      json_object_set_new (lx, "seccomp", file);
      return 0;
    }
  if (o->privileged)
    return 0;
  uint64_t caps;
  struct bento_seccomp *s = NULL;
  if (cap_set (o, &caps, err) < 0 || seccomp_default_profile (caps, &s, err) < 0)
    return -1;
  json_t *j = seccomp_profile_json (s);
  spec_seccomp_free (s);
  if (j == NULL)
    return bento_err_make (err, ENOMEM, "default seccomp profile");
  json_object_set_new (lx, "seccomp", j);
  return 0;
}

/* --userns keep-id: your uid and gid are themselves inside; root and the
 * other ids are your subordinate ones (shared/idmap.c, idmap_keep_id). */
static int
keep_id_maps (struct engine *e, json_t *lx, bento_err *err)
{
  _cleanup_free_ struct bento_idmap *u = NULL, *g = NULL;
  size_t nu = 0, ng = 0;
  if (e->store->single_id)
    return bento_err_make (err, 0, "--userns keep-id: needs subordinate ids (/etc/subuid, /etc/subgid) for this user");
  if (idmap_keep_id (e->store->uids, e->store->n_uids, getuid (), &u, &nu, err) < 0
      || idmap_keep_id (e->store->gids, e->store->n_gids, getgid (), &g, &ng, err) < 0)
    return -1;
  json_object_set_new (lx, "uidMappings", id_maps (u, nu));
  json_object_set_new (lx, "gidMappings", id_maps (g, ng));
  return 0;
}

static int
build_linux (struct engine *e, const struct run_opts *o, const struct ctr *c, json_t **out, bento_err *err)
{
  json_t *lx = json_pack ("{s:o}", "namespaces", build_namespaces (e, o));
  if (o->userns && strcmp (o->userns, "auto") == 0)
    {
      /* the range engine_create picked (userns-auto.c) */
      json_object_set_new (lx, "uidMappings", json_pack ("[{s:i, s:I, s:i}]", "containerID", 0, "hostID",
                                                         ctr_int (c, "usernsUidBase"), "size", 65536));
      json_object_set_new (lx, "gidMappings", json_pack ("[{s:i, s:I, s:i}]", "containerID", 0, "hostID",
                                                         ctr_int (c, "usernsGidBase"), "size", 65536));
    }
  else if (rootless (e) && o->userns && strcmp (o->userns, "keep-id") == 0)
    {
      if (keep_id_maps (e, lx, err) < 0)
        {
          json_decref (lx);
          return -1;
        }
    }
  else if (rootless (e))
    {
      json_object_set_new (lx, "uidMappings", id_maps (e->store->uids, e->store->n_uids));
      json_object_set_new (lx, "gidMappings", id_maps (e->store->gids, e->store->n_gids));
    }
  if (!o->privileged)
    {
      json_object_set_new (lx, "maskedPaths", strings (masked_paths));
      json_object_set_new (lx, "readonlyPaths", strings (readonly_paths));
    }
  if (build_resources (o, lx, err) < 0 || build_seccomp (o, lx, err) < 0)
    {
      json_decref (lx);
      return -1;
    }
  *out = lx;
  return 0;
}

char *
engine_spec_json (struct engine *e, const struct run_opts *o, const struct image_config *ic, const struct ctr *c,
                  bento_err *err)
{
  const char *hostname = ctr_str (c, "hostname");
  _cleanup_free_ char *merged = NULL;
  json_t *process = NULL, *mounts = NULL, *lx = NULL;
  if (asprintf (&merged, "%s/merged", c->dir) < 0)
    return bento_err_make (err, ENOMEM, "config"), NULL;
  if (build_process (e, o, ic, hostname, &process, err) < 0 || build_mounts (e, o, c, &mounts, err) < 0
      || build_linux (e, o, c, &lx, err) < 0)
    {
      json_decref (process);
      json_decref (mounts);
      return NULL;
    }
  json_t *annotations = json_object ();
  for (size_t i = 0; i < o->labels.n; i++)
    {
      _cleanup_free_ char *kv = strdup (o->labels.v[i]);
      char *eq = kv ? strchr (kv, '=') : NULL;
      if (eq)
        *eq++ = '\0';
      if (kv)
        json_object_set_new (annotations, kv, json_string (eq ? eq : ""));
    }
  json_auto_t *spec = json_pack ("{s:s, s:o, s:{s:s, s:b}, s:s, s:o, s:o, s:o}", "ociVersion", "1.2.0", "process",
                                 process, "root", "path", merged, "readonly", o->read_only, "hostname", hostname,
                                 "mounts", mounts, "linux", lx, "annotations", annotations);
  char *text = spec ? json_dumps (spec, JSON_INDENT (2) | JSON_PRESERVE_ORDER) : NULL;
  if (text == NULL)
    bento_err_make (err, ENOMEM, "generate the container's config");
  return text;
}
