#include "shared/cleanup.h"
#include "shared/log.h"
#include "spec/names.h"
#include "spec/spec.h"
#include "tap.h"

#include <seccomp.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/resource.h>

#ifndef DATA_DIR
#error DATA_DIR must point at tests/data
#endif

DEFINE_CLEANUP_FUNC (struct bento_spec *, spec_free)
#define _cleanup_spec_ _cleanup_ (spec_freep)

/* Parse TEXT; return the error message (static buffer) or NULL on success. */
static const char *
parse_error (const char *text)
{
  static char msg[512];
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  _cleanup_spec_ struct bento_spec *s = NULL;
  if (spec_parse (text, strlen (text), &s, &err) == 0)
    {
      if (spec_validate (s, &err) == 0)
        return NULL;
    }
  snprintf (msg, sizeof msg, "%s", err.msg);
  return msg;
}

#define MIN_HEAD "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"}"

static void
test_examples (void)
{
  const char *good[] = { "minimal.json", "minimal-for-start.json", "spec-example.json", "linux-rdma.json",
                         "linux-netdevice.json" };
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
    {
      char path[512];
      _cleanup_err_ bento_err err = BENTO_ERR_INIT;
      _cleanup_spec_ struct bento_spec *s = NULL;
      snprintf (path, sizeof path, "%s/config/good/%s", DATA_DIR, good[i]);
      int r = spec_load (path, &s, &err);
      ok (r == 0, "good example %s parses%s%s", good[i], err.msg ? ": " : "", err.msg ? err.msg : "");
    }
  {
    char path[512];
    _cleanup_err_ bento_err err = BENTO_ERR_INIT;
    _cleanup_spec_ struct bento_spec *s = NULL;
    snprintf (path, sizeof path, "%s/config/bad/invalid-json.json", DATA_DIR);
    spec_load (path, &s, &err);
    ok (err.msg && strstr (err.msg, "invalid-json.json`: line 1 column 2:"), "malformed JSON names file, line and column: %s",
        err.msg);
    bento_err_clear (&err);
    snprintf (path, sizeof path, "%s/config/bad/linux-rdma.json", DATA_DIR);
    spec_load (path, &s, &err);
    ok (err.msg && strstr (err.msg, "linux.resources.rdma.mlx5_1.hcaHandles: expected an integer, got string"),
        "bad rdma names the path: %s", err.msg);
    bento_err_clear (&err);
    snprintf (path, sizeof path, "%s/config/bad/linux-hugepage.json", DATA_DIR);
    spec_load (path, &s, &err);
    ok (err.msg && strstr (err.msg, "linux.resources.hugepageLimits[0].pageSize: `64kB` is not a page size"),
        "bad hugepage size names the path: %s", err.msg);
  }
  {
    _cleanup_err_ bento_err err = BENTO_ERR_INIT;
    _cleanup_spec_ struct bento_spec *s = NULL;
    spec_load ("/nonexistent/config.json", &s, &err);
    is_str (err.msg, "open `/nonexistent/config.json`: No such file or directory", "a missing file is named");
  }
}

static void
test_spec_example_fields (void)
{
  char path[512];
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  _cleanup_spec_ struct bento_spec *s = NULL;
  snprintf (path, sizeof path, "%s/config/good/spec-example.json", DATA_DIR);
  if (spec_load (path, &s, &err) < 0)
    {
      ok (0, "spec-example.json parses: %s", err.msg);
      return;
    }
  is_str (s->root_path, "rootfs", "root.path");
  ok (s->root_readonly, "root.readonly");
  is_str (s->process->args[0], "sh", "process.args[0]");
  ok (s->process->args[s->process->n_args] == NULL, "args vector is NULL-terminated");
  is_int (s->process->user.uid, 1, "process.user.uid");
  is_int (s->process->user.n_additional_gids, 2, "additionalGids");
  ok (s->process->capabilities && s->process->capabilities->bounding == ((1ull << 29) | (1ull << 5) | (1ull << 10)),
      "bounding: CAP_AUDIT_WRITE, CAP_KILL, CAP_NET_BIND_SERVICE");
  ok (s->process->n_rlimits == 2 && s->process->rlimits[1].resource == RLIMIT_NOFILE && s->process->rlimits[1].hard == 1024,
      "rlimits[1] is RLIMIT_NOFILE 1024");
  is_str (s->hostname, "slartibartfast", "hostname");
  ok (s->linux_ && s->linux_->namespaces[BENTO_NS_PID].present, "pid namespace listed");
  ok (s->linux_->resources && s->linux_->resources->memory && s->linux_->resources->memory->has_limit
          && s->linux_->resources->memory->limit == 536870912,
      "memory.limit");
  ok (s->linux_->resources->has_pids_limit && s->linux_->resources->pids_limit == 32771, "pids.limit");
  ok (s->linux_->seccomp && s->linux_->seccomp->default_action == SCMP_ACT_ALLOW, "seccomp default action");
  ok (s->n_hooks[BENTO_HOOK_PRESTART] == 2 && s->hooks[BENTO_HOOK_PRESTART][0].n_args == 3
          && !s->hooks[BENTO_HOOK_PRESTART][1].has_timeout,
      "prestart hooks with args, no timeout");
  ok (s->n_hooks[BENTO_HOOK_POSTSTART] == 1 && s->n_hooks[BENTO_HOOK_POSTSTOP] == 1, "poststart and poststop hooks");
  ok (s->linux_->rootfs_propagation == (MS_SLAVE), "rootfsPropagation slave");
  ok (s->n_mounts > 0 && s->mounts[0].type && strcmp (s->mounts[0].destination, "/proc") == 0, "mounts[0] is /proc");
}

static struct bento_mount
mount_with (const char *const *opts)
{
  struct bento_mount m = { 0 };
  for (; *opts; opts++)
    spec_mount_option (*opts, &m);
  return m;
}

static void
test_mount_options (void)
{
  struct bento_mount m = mount_with ((const char *[]){ "nosuid", "noexec", "nodev", "ro", NULL });
  ok (m.flags == (MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY), "nosuid,noexec,nodev,ro set their flags");
  m = mount_with ((const char *[]){ "ro", "rw", NULL });
  ok (!(m.flags & MS_RDONLY) && (m.clear_flags & MS_RDONLY), "rw after ro clears MS_RDONLY");
  m = mount_with ((const char *[]){ "rbind", "rslave", NULL });
  ok (m.bind && m.recursive && m.propagation == (MS_SLAVE | MS_REC), "rbind,rslave");
  m = mount_with ((const char *[]){ "bind", "private", NULL });
  ok (m.bind && !m.recursive && m.propagation == MS_PRIVATE, "bind,private");
  ok (spec_mount_option ("mode=755", &m) == 0, "mode=755 is filesystem data");

  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  _cleanup_spec_ struct bento_spec *s = NULL;
  const char *text = MIN_HEAD ",\"mounts\":[{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
                              "\"options\":[\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\"]}]}";
  ok (spec_parse (text, strlen (text), &s, &err) == 0, "a tmpfs mount parses");
  if (s)
    {
      is_str (s->mounts[0].data, "mode=755,size=65536k", "unknown options become comma-joined data");
      ok (s->mounts[0].flags == (MS_NOSUID | MS_STRICTATIME), "known options become flags");
    }
}

static void
test_errors (void)
{
  is_str (parse_error ("{\"ociVersion\": 1}"), "ociVersion: expected a string, got integer", "wrong type at the top");
  is_str (parse_error ("{\"ociVersion\":\"1.0.2\"}"), "root: required", "missing root");
  is_str (parse_error ("[]"), "expected a JSON object at the top, got array", "not an object");
  is_str (parse_error ("{\"ociVersion\":\"1\",\n\"root\":{\"path\":\"r\"},,}"), "line 2 column 21: string or '}' expected near ','",
          "malformed JSON gives line and column");
  is_str (parse_error (MIN_HEAD ",\"process\":{\"cwd\":\"/\",\"args\":[\"sh\",3]}}"),
          "process.args[1]: expected a string, got integer", "array element type names its index");
  is_str (parse_error (MIN_HEAD ",\"process\":{\"args\":[\"sh\"]}}"), "process.cwd: required", "missing cwd");
  is_str (parse_error (MIN_HEAD ",\"process\":{\"cwd\":\"/\",\"args\":[]}}"), "process.args: must not be empty",
          "empty args");
  is_str (parse_error (MIN_HEAD ",\"process\":{\"cwd\":\"tmp\",\"args\":[\"sh\"]}}"),
          "process.cwd: `tmp` is not an absolute path", "relative cwd");
  is_str (parse_error (MIN_HEAD ",\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"rlimits\":[{\"type\":\"RLIMIT_FOO\",\"soft\":1,\"hard\":1}]}}"),
          "process.rlimits[0].type: unknown rlimit `RLIMIT_FOO`", "unknown rlimit");
  is_str (parse_error (MIN_HEAD ",\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"user\":{\"uid\":-1,\"gid\":0}}}"),
          "process.user.uid: -1 is out of range [0, 4294967295]", "negative uid");
  is_str (parse_error (MIN_HEAD ",\"mounts\":[{\"destination\":\"/../etc\",\"type\":\"tmpfs\"}]}"),
          "mounts[0].destination: `/../etc` must not contain `..`", "mount destination with ..");
  is_str (parse_error (MIN_HEAD ",\"mounts\":[{\"type\":\"tmpfs\"}]}"), "mounts[0].destination: required",
          "mount without destination");
  is_str (parse_error (MIN_HEAD ",\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"pid\"}]}}"),
          "linux.namespaces[1].type: namespace `pid` listed twice", "duplicate namespace");
  is_str (parse_error (MIN_HEAD ",\"linux\":{\"namespaces\":[{\"type\":\"pidx\"}]}}"),
          "linux.namespaces[0].type: unknown namespace type `pidx`", "unknown namespace type");
  is_str (parse_error (MIN_HEAD ",\"hostname\":\"h\",\"linux\":{\"namespaces\":[{\"type\":\"pid\"}]}}"),
          "hostname: needs a new uts namespace in linux.namespaces", "hostname without uts namespace");
  is_str (parse_error (MIN_HEAD ",\"linux\":{\"namespaces\":[{\"type\":\"user\"}],\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":10}],"
                                "\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":10},{\"containerID\":5,\"hostID\":2000,\"size\":1}]}}"),
          "linux.gidMappings[1]: container ids overlap entry 0", "overlapping gid mappings");
  is_str (parse_error (MIN_HEAD ",\"linux\":{\"namespaces\":[{\"type\":\"user\"}]}}"),
          "linux.uidMappings: a new user namespace needs uid and gid mappings", "user namespace without mappings");
  is_str (parse_error (MIN_HEAD ",\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_NOPE\"}}}"),
          "linux.seccomp.defaultAction: unknown action `SCMP_ACT_NOPE`", "unknown seccomp action");
  is_str (parse_error (MIN_HEAD ",\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],"
                                "\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":7,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}}}"),
          "linux.seccomp.syscalls[0].args[0].index: 7 is out of range [0, 5]", "seccomp arg index");
  is_str (parse_error (MIN_HEAD ",\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_Z80\"]}}}"),
          "linux.seccomp.architectures[0]: unknown value `SCMP_ARCH_Z80`", "unknown seccomp arch");
  is_str (parse_error (MIN_HEAD ",\"linux\":{\"maskedPaths\":[\"proc/kcore\"]}}"),
          "linux.maskedPaths[0]: `proc/kcore` must be an absolute path without `..`", "relative masked path");
  is_str (parse_error (MIN_HEAD ",\"linux\":{\"devices\":[{\"path\":\"/dev/x\",\"type\":\"q\"}]}}"),
          "linux.devices[0].type: unknown device type `q` (want c, b, u or p)", "bad device type");
  is_str (parse_error (MIN_HEAD ",\"ociVersion\":\"1.0.2\"}"), "line 1 column 59: duplicate object key near '\"ociVersion\"'",
          "duplicate keys are refused");
  ok (parse_error (MIN_HEAD ",\"someFutureField\":{\"x\":1}}") == NULL, "unknown fields are ignored");
}

static void
test_seccomp_values (void)
{
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  _cleanup_spec_ struct bento_spec *s = NULL;
  const char *text = MIN_HEAD ",\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,"
                              "\"syscalls\":[{\"names\":[\"mkdir\",\"rmdir\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1,"
                              "\"args\":[{\"index\":1,\"value\":448,\"valueTwo\":511,\"op\":\"SCMP_CMP_MASKED_EQ\"}]}]}}}";
  ok (spec_parse (text, strlen (text), &s, &err) == 0, "a seccomp config parses");
  if (s == NULL)
    return;
  struct bento_seccomp *sc = s->linux_->seccomp;
  ok (sc->default_action == SCMP_ACT_ERRNO (0) && sc->has_default_errno_ret && sc->default_errno_ret == 38,
      "defaultAction ERRNO keeps defaultErrnoRet apart");
  ok (sc->n_syscalls == 1 && sc->syscalls[0].n_names == 2, "names");
  ok (sc->syscalls[0].has_errno_ret && sc->syscalls[0].errno_ret == 1, "errnoRet");
  ok (sc->syscalls[0].args[0].op == SCMP_CMP_MASKED_EQ && sc->syscalls[0].args[0].value_two == 511, "masked eq arg");
}

static void
test_names (void)
{
  is_int (spec_cap_from_name ("CAP_SYS_ADMIN"), 21, "CAP_SYS_ADMIN is 21");
  is_int (spec_cap_from_name ("CAP_CHECKPOINT_RESTORE"), 40, "CAP_CHECKPOINT_RESTORE is 40");
  is_int (spec_cap_from_name ("CAP_NOPE"), -1, "unknown cap");
  is_str (spec_cap_name (0), "CAP_CHOWN", "cap 0 is CAP_CHOWN");
  is_int (spec_rlimit_from_name ("RLIMIT_NOFILE"), RLIMIT_NOFILE, "RLIMIT_NOFILE");
  is_int (spec_ns_from_name ("network"), BENTO_NS_NET, "network namespace");
  is_str (spec_ns_name (BENTO_NS_MNT), "mount", "mount namespace name");
  is_str (spec_hook_name (BENTO_HOOK_CREATE_RUNTIME), "createRuntime", "hook name");

  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  _cleanup_spec_ struct bento_spec *s = NULL;
  const char *text = MIN_HEAD ",\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"capabilities\":{\"bounding\":[\"CAP_KILL\",\"CAP_FUTURE\"]}}}";
  ok (spec_parse (text, strlen (text), &s, &err) == 0, "an unknown capability is ignored, as runc does");
  ok (s && s->process->capabilities->bounding == (1ull << 5), "... and the known ones kept");
}

int
main (void)
{
  bento_log_init (NULL, 0, BENTO_LOG_ERROR);
  test_examples ();
  test_spec_example_fields ();
  test_mount_options ();
  test_errors ();
  test_seccomp_values ();
  test_names ();
  return tap_done ();
}
