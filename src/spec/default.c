/* `bento spec`: the default config.json, the same as `runc spec` (a busybox
 * style `sh` with a terminal, rootfs/ read-only, runc's mounts, masks and
 * capabilities), and with --rootless what `runc spec --rootless` makes of
 * it: a user namespace mapping the caller's uid/gid to 0, no network
 * namespace (sysfs needs one: /sys is bound from the host instead), no
 * gid=5 on devpts (gid 5 is not mapped), no device cgroup rule. */
#include "spec/spec.h"

#include <jansson.h>
#include <stdlib.h>
#include <unistd.h>

static json_t *
strv (const char *const *v)
{
  json_t *a = json_array ();
  for (; *v; v++)
    json_array_append_new (a, json_string (*v));
  return a;
}

static json_t *
mount (const char *dest, const char *type, const char *src, const char *const *opts)
{
  json_t *m = json_pack ("{s:s, s:s, s:s}", "destination", dest, "type", type, "source", src);
  if (opts)
    json_object_set_new (m, "options", strv (opts));
  return m;
}

static json_t *
default_process (void)
{
  static const char *const caps[] = { "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL };
  static const char *const env[] = { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm",
                                     NULL };
  return json_pack ("{s:b, s:{s:i, s:i}, s:[s], s:o, s:s, s:{s:o, s:o, s:o, s:o}, s:[{s:s, s:i, s:i}], s:b}",
                    "terminal", 1, "user", "uid", 0, "gid", 0, "args", "sh", "env", strv (env), "cwd", "/",
                    "capabilities", "bounding", strv (caps), "effective", strv (caps), "permitted", strv (caps),
                    "ambient", strv (caps), "rlimits", "type", "RLIMIT_NOFILE", "hard", 1024, "soft", 1024,
                    "noNewPrivileges", 1);
}

static json_t *
default_mounts (bool rootless)
{
  static const char *const dev[] = { "nosuid", "strictatime", "mode=755", "size=65536k", NULL };
  static const char *const pts[] = { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL };
  static const char *const pts_rootless[] = { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", NULL };
  static const char *const shm[] = { "nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL };
  static const char *const mq[] = { "nosuid", "noexec", "nodev", NULL };
  static const char *const sys[] = { "nosuid", "noexec", "nodev", "ro", NULL };
  static const char *const sys_bind[] = { "rbind", "nosuid", "noexec", "nodev", "ro", NULL };
  static const char *const cg[] = { "nosuid", "noexec", "nodev", "relatime", "ro", NULL };
  json_t *m = json_array ();
  json_array_append_new (m, mount ("/proc", "proc", "proc", NULL));
  json_array_append_new (m, mount ("/dev", "tmpfs", "tmpfs", dev));
  json_array_append_new (m, mount ("/dev/pts", "devpts", "devpts", rootless ? pts_rootless : pts));
  json_array_append_new (m, mount ("/dev/shm", "tmpfs", "shm", shm));
  json_array_append_new (m, mount ("/dev/mqueue", "mqueue", "mqueue", mq));
  json_array_append_new (m, rootless ? mount ("/sys", "none", "/sys", sys_bind) : mount ("/sys", "sysfs", "sysfs", sys));
  json_array_append_new (m, mount ("/sys/fs/cgroup", "cgroup", "cgroup", cg));
  return m;
}

static json_t *
default_linux (bool rootless)
{
  static const char *const masked[] = { "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
                                        "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                                        "/proc/sched_debug", "/sys/firmware", "/proc/scsi", NULL };
  static const char *const ro[] = { "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL };
  json_t *l = json_object ();
  if (rootless)
    {
      json_object_set_new (l, "uidMappings",
                           json_pack ("[{s:i, s:I, s:i}]", "containerID", 0, "hostID", (json_int_t) getuid (), "size", 1));
      json_object_set_new (l, "gidMappings",
                           json_pack ("[{s:i, s:I, s:i}]", "containerID", 0, "hostID", (json_int_t) getgid (), "size", 1));
    }
  else
    json_object_set_new (l, "resources", json_pack ("{s:[{s:b, s:s}]}", "devices", "allow", 0, "access", "rwm"));
  json_t *ns = json_array ();
  const char *types[] = { "pid", "network", "ipc", "uts", "mount", "cgroup", NULL };
  for (const char **t = types; *t; t++)
    if (!(rootless && (*t)[0] == 'n'))
      json_array_append_new (ns, json_pack ("{s:s}", "type", *t));
  if (rootless)
    json_array_append_new (ns, json_pack ("{s:s}", "type", "user"));
  json_object_set_new (l, "namespaces", ns);
  json_object_set_new (l, "maskedPaths", strv (masked));
  json_object_set_new (l, "readonlyPaths", strv (ro));
  return l;
}

/* ociVersion 1.0.2: what runc 1.1 writes, and what crun 1.8 accepts. */
char *
spec_default_json (bool rootless)
{
  json_auto_t *s = json_pack ("{s:s, s:o, s:{s:s, s:b}, s:s, s:o, s:o}", "ociVersion", "1.0.2", "process",
                              default_process (), "root", "path", "rootfs", "readonly", 1, "hostname", "bento",
                              "mounts", default_mounts (rootless), "linux", default_linux (rootless));
  return s ? json_dumps (s, JSON_INDENT (8) | JSON_PRESERVE_ORDER) : NULL;
}
