/* linux.seccomp -> a BPF program (libseccomp), loaded with seccomp(2).
 * See seccomp.h for why bento compiles in the parent and loads itself. */
#include "runtime/seccomp.h"
#include "shared/cleanup.h"
#include "shared/fdpass.h"
#include "shared/log.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif
#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

/* The action without its 16 bits of data (errno or trace message). */
#define ACTION_BASE(a) ((a) & 0xffff0000U)

/* The kernel's limit on a filter's length (BPF_MAXINSNS). */
#define MAX_INSNS 4096

/* Between loading the filter and execve the init sends the notify fd to
 * bento with sendmsg; a rule that sends these to the agent would hang the
 * init before the agent ever gets the fd (runc refuses `write` likewise). */
static const char *const notify_forbidden[] = { "sendmsg", "sendto", "write", NULL };

static void
ctx_releasep (scmp_filter_ctx *ctx)
{
  if (*ctx)
    seccomp_release (*ctx);
}

void
seccomp_filter_free (struct bento_seccomp_filter *f)
{
  if (f == NULL)
    return;
  free (f->insns);
  free (f);
}

DEFINE_CLEANUP_FUNC (struct bento_seccomp_filter *, seccomp_filter_free)

static const char *
action_name (uint32_t action)
{
  switch (ACTION_BASE (action))
    {
    case SCMP_ACT_KILL_PROCESS: return "SCMP_ACT_KILL_PROCESS";
    case SCMP_ACT_KILL_THREAD: return "SCMP_ACT_KILL_THREAD";
    case SCMP_ACT_TRAP: return "SCMP_ACT_TRAP";
    case SCMP_ACT_ERRNO (0): return "SCMP_ACT_ERRNO";
    case SCMP_ACT_TRACE (0): return "SCMP_ACT_TRACE";
    case SCMP_ACT_LOG: return "SCMP_ACT_LOG";
    case SCMP_ACT_ALLOW: return "SCMP_ACT_ALLOW";
    case SCMP_ACT_NOTIFY: return "SCMP_ACT_NOTIFY";
    default: return "unknown action";
    }
}

/* Fold errnoRet into ACTION: ERRNO and TRACE carry it (EPERM by default, as
 * runc and crun do); any other action with an errnoRet is an error, as the
 * runtime spec requires.  PATH names the JSON object for messages. */
static int
full_action (uint32_t action, bool has_errno, uint32_t errno_ret, const char *path, const char *key, uint32_t *out,
             bento_err *err)
{
  uint32_t base = ACTION_BASE (action);
  if (base != SCMP_ACT_ERRNO (0) && base != SCMP_ACT_TRACE (0))
    {
      if (has_errno)
        return bento_err_make (err, 0, "%s.%s: %s takes no errno", path, key, action_name (action));
      *out = action;
      return 0;
    }
  uint32_t data = has_errno ? errno_ret : EPERM;
  /* The kernel has 16 bits for it and caps an errno at 4095 (MAX_ERRNO). */
  if (data > 4095)
    return bento_err_make (err, 0, "%s.%s: %u is out of range [0, 4095]", path, key, data);
  *out = base | data;
  return 0;
}

/* "SCMP_ARCH_X86_64" -> libseccomp's token; 0 when this libseccomp does not
 * know the architecture. */
static uint32_t
arch_token (const char *name)
{
  char lower[32];
  const char *p = name;
  size_t i = 0;

  if (strncmp (p, "SCMP_ARCH_", 10) == 0)
    p += 10;
  for (; p[i] && i < sizeof lower - 1; i++)
    lower[i] = (char) tolower ((unsigned char) p[i]);
  lower[i] = '\0';
  return seccomp_arch_resolve_name (lower);
}

static int
add_arches (scmp_filter_ctx ctx, const struct bento_seccomp *s, bento_err *err)
{
  for (size_t i = 0; i < s->n_architectures; i++)
    {
      uint32_t a = arch_token (s->architectures[i]);
      if (a == 0)
        {
          /* Not in the filter means "bad architecture": killed, never allowed. */
          log_debug ("seccomp: architecture `%s` unknown to libseccomp %u.%u, left out", s->architectures[i],
                     seccomp_version ()->major, seccomp_version ()->minor);
          continue;
        }
      int rc = seccomp_arch_add (ctx, a);
      if (rc < 0 && rc != -EEXIST)
        return bento_err_make (err, -rc, "linux.seccomp.architectures[%zu]: add `%s`", i, s->architectures[i]);
    }
  return 0;
}

static bool
same_index_twice (const struct bento_seccomp_rule *r)
{
  for (size_t i = 0; i < r->n_args; i++)
    for (size_t j = i + 1; j < r->n_args; j++)
      if (r->args[i].index == r->args[j].index)
        return true;
  return false;
}

/* All of a rule's comparisons in one libseccomp rule (they AND), except when
 * two compare the same argument: libseccomp cannot express that, and runc
 * and crun then add one rule per comparison (they OR).  Profiles rely on
 * it (docker's personality rules). */
static int
add_one_syscall (scmp_filter_ctx ctx, const struct bento_seccomp_rule *r, uint32_t action, int nr,
                 const struct scmp_arg_cmp *cmps, bool split)
{
  if (!split)
    return seccomp_rule_add_array (ctx, action, nr, (unsigned) r->n_args, r->n_args ? cmps : NULL);
  for (size_t k = 0; k < r->n_args; k++)
    {
      int rc = seccomp_rule_add_array (ctx, action, nr, 1, &cmps[k]);
      if (rc < 0)
        return rc;
    }
  return 0;
}

static int
check_notify_name (const char *name, const char *path, bento_err *err)
{
  for (size_t k = 0; notify_forbidden[k]; k++)
    if (strcmp (name, notify_forbidden[k]) == 0)
      return bento_err_make (err, 0, "%s: SCMP_ACT_NOTIFY cannot be used for `%s`: bento needs it to hand the "
                                     "notify fd over", path, name);
  return 0;
}

static int
add_rule (scmp_filter_ctx ctx, const struct bento_seccomp_rule *r, size_t i, uint32_t def, bool *notify,
          bento_err *err)
{
  char path[64];
  uint32_t action = 0;

  snprintf (path, sizeof path, "linux.seccomp.syscalls[%zu]", i);
  if (full_action (r->action, r->has_errno_ret, r->errno_ret, path, "errnoRet", &action, err) < 0)
    return -1;
  /* libseccomp refuses a rule that says what the default says; it changes
   * nothing, so skip it as runc does. */
  if (action == def)
    return 0;

  _cleanup_free_ struct scmp_arg_cmp *cmps = calloc (r->n_args ? r->n_args : 1, sizeof *cmps);
  if (cmps == NULL)
    return bento_err_make (err, ENOMEM, "%s", path);
  for (size_t k = 0; k < r->n_args; k++)
    cmps[k] = (struct scmp_arg_cmp) { .arg = r->args[k].index,
                                      .op = (enum scmp_compare) r->args[k].op,
                                      .datum_a = r->args[k].value,
                                      .datum_b = r->args[k].value_two };
  bool split = same_index_twice (r);

  for (size_t n = 0; n < r->n_names; n++)
    {
      const char *name = r->names[n];
      if (action == SCMP_ACT_NOTIFY && check_notify_name (name, path, err) < 0)
        return -1;
      int nr = seccomp_syscall_resolve_name (name);
      if (nr == __NR_SCMP_ERROR)
        {
          log_debug ("seccomp: unknown syscall `%s` ignored", name);
          continue;
        }
      int rc = add_one_syscall (ctx, r, action, nr, cmps, split);
      if (rc < 0)
        return bento_err_make (err, -rc, "%s: add a rule for `%s`", path, name);
      if (action == SCMP_ACT_NOTIFY)
        *notify = true;
    }
  return 0;
}

bool
seccomp_flags_supported (unsigned int flags)
{
  /* The kernel checks the flags before it reads the program: EFAULT for a
   * NULL program means the flags passed (libseccomp probes the same way). */
  long r = syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, NULL);
  return r < 0 && errno == EFAULT;
}

static const struct
{
  const char *name;
  unsigned int flag;
} flag_table[] = {
  { "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC },
  { "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
  { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
  { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV },
};

/* The config's flags, minus those this kernel lacks (each with a debug
 * line).  A notify filter gets NEW_LISTENER; TSYNC then needs TSYNC_ESRCH
 * (the kernel refuses TSYNC with a listener otherwise); WAIT_KILLABLE_RECV
 * means nothing without a listener and the kernel refuses it alone. */
static int
filter_flags (const struct bento_seccomp *s, bool notify, unsigned int *out, bento_err *err)
{
  unsigned int base = notify ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0;
  unsigned int flags = 0;

  for (size_t i = 0; i < s->n_flags; i++)
    {
      size_t k = 0;
      while (k < sizeof flag_table / sizeof flag_table[0] && strcmp (flag_table[k].name, s->flags[i]) != 0)
        k++;
      if (k == sizeof flag_table / sizeof flag_table[0])
        return bento_err_make (err, 0, "linux.seccomp.flags[%zu]: unknown flag `%s`", i, s->flags[i]);
      unsigned int f = flag_table[k].flag;
      if (f == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV && !notify)
        {
          log_debug ("seccomp: %s ignored: no rule uses SCMP_ACT_NOTIFY", s->flags[i]);
          continue;
        }
      if (f == SECCOMP_FILTER_FLAG_TSYNC && notify)
        f |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
      if (!seccomp_flags_supported (base | f))
        {
          log_debug ("seccomp: the kernel does not support %s, ignored", s->flags[i]);
          continue;
        }
      flags |= f;
    }
  *out = base | flags;
  return 0;
}

/* libseccomp 2.5 exports to an fd only: a memfd, read back. */
static int
export_bpf (scmp_filter_ctx ctx, struct bento_seccomp_filter *f, bento_err *err)
{
  _cleanup_close_ int fd = memfd_create ("bento-seccomp", MFD_CLOEXEC);
  if (fd < 0)
    return bento_err_make (err, errno, "memfd_create");
  int rc = seccomp_export_bpf (ctx, fd);
  if (rc < 0)
    return bento_err_make (err, -rc, "export the seccomp filter");
  off_t size = lseek (fd, 0, SEEK_END);
  if (size < 0)
    return bento_err_make (err, errno, "seek the seccomp filter");
  if (size == 0 || size % (off_t) sizeof (struct sock_filter) != 0)
    return bento_err_make (err, 0, "libseccomp exported a filter of %lld bytes", (long long) size);
  size_t n = (size_t) size / sizeof (struct sock_filter);
  if (n > MAX_INSNS)
    return bento_err_make (err, 0, "the seccomp filter has %zu instructions, more than the kernel's %d", n,
                           MAX_INSNS);
  f->insns = malloc ((size_t) size);
  if (f->insns == NULL)
    return bento_err_make (err, ENOMEM, "seccomp filter");
  ssize_t got = pread (fd, f->insns, (size_t) size, 0);
  if (got != size)
    return bento_err_make (err, got < 0 ? errno : EIO, "read the seccomp filter back");
  f->len = (unsigned short) n;
  return 0;
}

static int
build_ctx (const struct bento_seccomp *s, scmp_filter_ctx ctx, uint32_t def, bool *notify, bento_err *err)
{
  if (add_arches (ctx, s, err) < 0)
    return -1;
  /* A binary tree of syscalls for long profiles (runc's threshold): the
   * default profile is ~400 names, a linear scan per syscall otherwise. */
  if (s->n_syscalls > 32 && seccomp_attr_set (ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2) < 0)
    log_debug ("seccomp: binary tree optimization not available");
  for (size_t i = 0; i < s->n_syscalls; i++)
    if (add_rule (ctx, &s->syscalls[i], i, def, notify, err) < 0)
      return -1;
  return 0;
}

int
seccomp_filter_build (const struct bento_seccomp *s, struct bento_seccomp_filter **out, bento_err *err)
{
  uint32_t def = 0;
  bool notify = false;

  *out = NULL;
  if (full_action (s->default_action, s->has_default_errno_ret, s->default_errno_ret, "linux.seccomp",
                   "defaultErrnoRet", &def, err)
      < 0)
    return -1;
  /* Every syscall, the init's own sendmsg of the fd included, would wait
   * for an agent that has no fd yet. */
  if (def == SCMP_ACT_NOTIFY)
    return bento_err_make (err, 0, "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action");

  _cleanup_ (ctx_releasep) scmp_filter_ctx ctx = seccomp_init (def);
  if (ctx == NULL)
    return bento_err_make (err, 0, "linux.seccomp.defaultAction: libseccomp refuses %s", action_name (def));
  _cleanup_ (seccomp_filter_freep) struct bento_seccomp_filter *f = calloc (1, sizeof *f);
  if (f == NULL)
    return bento_err_make (err, ENOMEM, "seccomp filter");
  if (build_ctx (s, ctx, def, &notify, err) < 0)
    return -1;
  if (notify && s->listener_path == NULL)
    return bento_err_make (err, 0, "linux.seccomp: SCMP_ACT_NOTIFY needs a listenerPath to send the notify fd to");
  f->notify = notify;
  if (filter_flags (s, notify, &f->flags, err) < 0 || export_bpf (ctx, f, err) < 0)
    return -1;
  *out = TAKE_PTR (f);
  return 0;
}

int
seccomp_filter_load (const struct bento_seccomp_filter *f, int *notify_fd, bento_err *err)
{
  struct sock_fprog prog = { .len = f->len, .filter = f->insns };

  *notify_fd = -1;
  long r = syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, f->flags, &prog);
  if (r < 0)
    {
      if (errno == EACCES)
        return bento_err_make (err, errno, "load the seccomp filter (it needs noNewPrivileges or CAP_SYS_ADMIN)");
      return bento_err_make (err, errno, "load the seccomp filter");
    }
  if (f->notify)
    *notify_fd = (int) r;
  return 0;
}

char *
seccomp_listener_message (pid_t pid, const char *metadata, const char *state_json, bento_err *err)
{
  json_error_t jerr;
  json_t *state = json_loads (state_json, 0, &jerr);
  if (state == NULL)
    {
      bento_err_make (err, 0, "container state for the seccomp agent: %s", jerr.text);
      return NULL;
    }
  const char *version = json_string_value (json_object_get (state, "ociVersion"));
  json_t *msg = json_pack ("{s:s, s:[s], s:I, s:o}", "ociVersion", version ? version : "1.2.0", "fds", "seccompFd",
                           "pid", (json_int_t) pid, "state", state);
  if (msg && metadata && json_object_set_new (msg, "metadata", json_string (metadata)) < 0)
    {
      json_decref (msg);
      msg = NULL;
    }
  char *text = msg ? json_dumps (msg, JSON_COMPACT) : NULL;
  json_decref (msg);
  if (text == NULL)
    bento_err_make (err, ENOMEM, "container state for the seccomp agent");
  return text;
}

static int
send_all (int sock, int notify_fd, const char *msg, bento_err *err)
{
  size_t len = strlen (msg), done = 0;
  while (done < len)
    {
      struct iovec iov = { .iov_base = (char *) msg + done, .iov_len = len - done };
      /* The fd goes with the first sendmsg only (runtime spec). */
      ssize_t r = fdpass_send (sock, &iov, 1, done == 0 ? notify_fd : -1);
      if (r < 0)
        return bento_err_make (err, errno, "send");
      done += (size_t) r;
    }
  return 0;
}

int
seccomp_listener_send (const char *path, int notify_fd, const char *msg, bento_err *err)
{
  _cleanup_close_ int sock = unix_connect (path);
  if (sock < 0)
    return bento_err_make (err, errno, "connect to the seccomp listener `%s`", path);
  if (send_all (sock, notify_fd, msg, err) < 0)
    return bento_err_wrap (err, "seccomp listener `%s`", path);
  return 0;
}
