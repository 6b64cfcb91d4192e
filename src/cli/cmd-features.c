/* bento features: what this runtime understands, as JSON per the runtime
 * spec's features.md and features-linux.md.  Truthful: a feature is listed
 * as enabled only when bento applies it (what it cannot apply yet, it
 * refuses in a config instead of ignoring). */
#include "config.h"
#include "cli/verbs.h"
#include "shared/cleanup.h"
#include "spec/names.h"

#include <jansson.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>

/* What the runtime applies today; flip these with the code that does it. */
#define FEATURE_SECCOMP true
#define FEATURE_CGROUP_V1 true
#define FEATURE_CGROUP_V2 true

static json_t *
names (const char *const *v)
{
  json_t *a = json_array ();
  for (; v && *v; v++)
    json_array_append_new (a, json_string (*v));
  return a;
}

static json_t *
capabilities (void)
{
  json_t *a = json_array ();
  for (int cap = 0; cap < spec_cap_count (); cap++)
    json_array_append_new (a, json_string (spec_cap_name (cap)));
  return a;
}

static json_t *
linux_features (void)
{
  static const char *const ns[] = { "cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts", NULL };
  json_t *sec = json_pack ("{s:b}", "enabled", FEATURE_SECCOMP);
  json_object_set_new (sec, "actions", names (spec_seccomp_action_names ()));
  json_object_set_new (sec, "operators", names (spec_seccomp_op_names ()));
  json_object_set_new (sec, "archs", names (spec_seccomp_arch_names ()));
  json_object_set_new (sec, "knownFlags", names (spec_seccomp_flag_names ()));
  json_object_set_new (sec, "supportedFlags", FEATURE_SECCOMP ? names (spec_seccomp_flag_names ()) : json_array ());
  return json_pack ("{s:o, s:o, s:{s:b, s:b, s:b, s:b, s:b}, s:o, s:{s:b}, s:{s:b}, s:{s:b}, s:{s:{s:b}}}",
                    "namespaces", names (ns), "capabilities", capabilities (), "cgroup", "v1", FEATURE_CGROUP_V1,
                    "v2", FEATURE_CGROUP_V2, "systemd", 0, "systemdUser", 0, "rdma", 0, "seccomp", sec, "apparmor",
                    "enabled", 0, "selinux", "enabled", 0, "intelRdt", "enabled", 0, "mountExtensions", "idmap",
                    "enabled", 0);
}

int
cmd_features (struct bento_global *g, int argc, char **argv)
{
  static const char *const hooks[] = { "prestart",  "createRuntime", "createContainer",
                                       "startContainer", "poststart", "poststop", NULL };
  const struct scmp_version *v = seccomp_version ();
  char libseccomp[32];
  snprintf (libseccomp, sizeof libseccomp, "%u.%u.%u", v ? v->major : 0, v ? v->minor : 0, v ? v->micro : 0);
  json_auto_t *f = json_pack ("{s:s, s:s, s:o, s:o, s:o, s:{s:s, s:s}}", "ociVersionMin", "1.0.0", "ociVersionMax",
                              "1.2.0", "hooks", names (hooks), "mountOptions", names (spec_mount_option_names ()),
                              "linux", linux_features (), "annotations", "org.bento.version", BENTO_VERSION,
                              "io.github.seccomp.libseccomp.version", libseccomp);
  _cleanup_free_ char *text = f ? json_dumps (f, JSON_INDENT (4) | JSON_PRESERVE_ORDER) : NULL;
  if (text == NULL)
    return 1;
  printf ("%s\n", text);
  return 0;
}
