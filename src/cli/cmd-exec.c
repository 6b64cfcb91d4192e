/* bento exec [OPTIONS] ID COMMAND [ARG...]
 * bento exec [OPTIONS] --process FILE ID
 * runc's flags; the process is the container's own (env, user, caps,
 * rlimits...) with COMMAND and the flags applied, or FILE as given. */
#include "cli/common.h"
#include "cli/verbs.h"
#include "runtime/exec.h"
#include "runtime/state.h"
#include "shared/cleanup.h"
#include "spec/names.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_LIST 256

struct exec_cli
{
  const char *process_file, *console_socket, *pid_file, *cwd, *user, *apparmor, *label;
  const char *env[MAX_LIST], *caps[MAX_LIST], *gids[MAX_LIST], *cgroups[MAX_LIST];
  size_t n_env, n_caps, n_gids, n_cgroups;
  bool tty, detach, no_new_privs, ignore_paused, interactive;
  int preserve_fds;
};

static int
add (const char **list, size_t *n, const char *v)
{
  if (*n >= MAX_LIST)
    {
      fprintf (stderr, "bento exec: too many values for one flag\n");
      return -1;
    }
  list[(*n)++] = v;
  return 0;
}

static int
parse_flags (int argc, char **argv, struct exec_cli *o)
{
  enum { O_CONSOLE = 256, O_CWD, O_PID, O_LABEL, O_APPARMOR, O_NNP, O_PRESERVE, O_CGROUP, O_IGNORE_PAUSED };
  static const struct option opts[] = {
    { "console-socket", required_argument, NULL, O_CONSOLE }, { "cwd", required_argument, NULL, O_CWD },
    { "env", required_argument, NULL, 'e' },                  { "tty", no_argument, NULL, 't' },
    { "user", required_argument, NULL, 'u' },                 { "additional-gids", required_argument, NULL, 'g' },
    { "process", required_argument, NULL, 'p' },              { "detach", no_argument, NULL, 'd' },
    { "pid-file", required_argument, NULL, O_PID },           { "process-label", required_argument, NULL, O_LABEL },
    { "apparmor", required_argument, NULL, O_APPARMOR },      { "no-new-privs", no_argument, NULL, O_NNP },
    { "cap", required_argument, NULL, 'c' },                  { "preserve-fds", required_argument, NULL, O_PRESERVE },
    { "cgroup", required_argument, NULL, O_CGROUP },          { "ignore-paused", no_argument, NULL, O_IGNORE_PAUSED },
    { "interactive", no_argument, NULL, 'i' },                { "workdir", required_argument, NULL, 'w' },
    { NULL, 0, NULL, 0 },
  };
  int ch;
  char *end;
  while ((ch = getopt_long_only (argc, argv, "+e:tu:g:p:dc:iw:", opts, NULL)) != -1)
    {
      int r = 0;
      switch (ch)
        {
        case O_CONSOLE: o->console_socket = optarg; break;
        case O_CWD: case 'w': o->cwd = optarg; break;
        case 'i': o->interactive = true; break; /* stdin always goes through */
        case 'e': r = add (o->env, &o->n_env, optarg); break;
        case 't': o->tty = true; break;
        case 'u': o->user = optarg; break;
        case 'g': r = add (o->gids, &o->n_gids, optarg); break;
        case 'p': o->process_file = optarg; break;
        case 'd': o->detach = true; break;
        case O_PID: o->pid_file = optarg; break;
        case O_LABEL: o->label = optarg; break;
        case O_APPARMOR: o->apparmor = optarg; break;
        case O_NNP: o->no_new_privs = true; break;
        case 'c': r = add (o->caps, &o->n_caps, optarg); break;
        case O_CGROUP: r = add (o->cgroups, &o->n_cgroups, optarg); break;
        case O_IGNORE_PAUSED: o->ignore_paused = true; break;
        case O_PRESERVE:
          o->preserve_fds = (int) strtol (optarg, &end, 10);
          if (*end || o->preserve_fds < 0)
            {
              fprintf (stderr, "bento exec: --preserve-fds: `%s` is not a number\n", optarg);
              return -1;
            }
          break;
        default:
          fprintf (stderr, "bento exec: see `bento --help`\n");
          return -1;
        }
      if (r < 0)
        return -1;
    }
  return 0;
}

static int
load_process_file (const char *path, struct bento_process **out, bento_err *err)
{
  _cleanup_close_ int fd = open (path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat (fd, &st) < 0)
    return bento_err_make (err, errno, "--process `%s`", path);
  if (st.st_size > (1 << 20))
    return bento_err_make (err, EFBIG, "--process `%s`", path);
  _cleanup_free_ char *buf = malloc ((size_t) st.st_size + 1);
  ssize_t n = buf ? read (fd, buf, (size_t) st.st_size) : -1;
  if (n < 0)
    return bento_err_make (err, errno ? errno : ENOMEM, "--process `%s`", path);
  if (spec_parse_process (buf, (size_t) n, out, err) < 0)
    return bento_err_wrap (err, "--process `%s`", path);
  if ((*out)->n_args == 0)
    return bento_err_make (err, 0, "--process `%s`: process.args: must not be empty", path);
  return 0;
}

/* Replace a NULL-terminated string vector. */
static int
set_strv (char ***v, size_t *n, char **src, size_t count)
{
  char **nv = calloc (count + 1, sizeof *nv);
  if (nv == NULL)
    return -1;
  for (size_t i = 0; i < count; i++)
    if ((nv[i] = strdup (src[i])) == NULL)
      return -1;
  for (size_t i = 0; *v && (*v)[i]; i++)
    free ((*v)[i]);
  free (*v);
  *v = nv;
  *n = count;
  return 0;
}

/* KEY=VALUE replaces KEY if present, else is appended. */
static int
set_env (struct bento_process *p, const char *kv)
{
  size_t klen = strcspn (kv, "=");
  for (size_t i = 0; i < p->n_env; i++)
    if (strncmp (p->env[i], kv, klen) == 0 && p->env[i][klen] == '=')
      {
        char *d = strdup (kv);
        if (d == NULL)
          return -1;
        free (p->env[i]);
        p->env[i] = d;
        return 0;
      }
  char **nv = realloc (p->env, (p->n_env + 2) * sizeof *nv);
  if (nv == NULL)
    return -1;
  p->env = nv;
  if ((p->env[p->n_env] = strdup (kv)) == NULL)
    return -1;
  p->env[++p->n_env] = NULL;
  return 0;
}

static int
parse_id (const char *s, uint32_t *out)
{
  char *end;
  errno = 0;
  unsigned long v = strtoul (s, &end, 10);
  if (errno || *s == '\0' || *end || v > UINT32_MAX)
    return -1;
  *out = (uint32_t) v;
  return 0;
}

static int
apply_user (struct bento_process *p, const struct exec_cli *o, bento_err *err)
{
  if (o->user)
    {
      _cleanup_free_ char *u = strdup (o->user);
      char *colon = u ? strchr (u, ':') : NULL;
      uint32_t uid, gid;
      if (colon)
        *colon = '\0';
      if (u == NULL)
        return bento_err_make (err, ENOMEM, "--user");
      if (parse_id (u, &uid) < 0 || (colon && parse_id (colon + 1, &gid) < 0))
        {
          /* names: resolved in the container's /etc/passwd and /etc/group */
          free (p->user.name);
          if ((p->user.name = strdup (o->user)) == NULL)
            return bento_err_make (err, ENOMEM, "--user");
          return 0;
        }
      p->user.uid = uid;
      if (colon)
        p->user.gid = gid;
    }
  if (o->n_gids)
    {
      gid_t *g = calloc (o->n_gids, sizeof *g);
      if (g == NULL)
        return bento_err_make (err, ENOMEM, "--additional-gids");
      for (size_t i = 0; i < o->n_gids; i++)
        {
          uint32_t v;
          if (parse_id (o->gids[i], &v) < 0)
            {
              free (g);
              return bento_err_make (err, 0, "--additional-gids `%s`: not a number", o->gids[i]);
            }
          g[i] = v;
        }
      free (p->user.additional_gids);
      p->user.additional_gids = g;
      p->user.n_additional_gids = o->n_gids;
    }
  return 0;
}

/* --cap: into bounding, effective and permitted; ambient only when the
 * spec already has inheritable ones (ambient needs them), as runc does. */
static int
apply_caps (struct bento_process *p, const struct exec_cli *o, bento_err *err)
{
  if (o->n_caps && p->capabilities == NULL && (p->capabilities = calloc (1, sizeof *p->capabilities)) == NULL)
    return bento_err_make (err, ENOMEM, "--cap");
  for (size_t i = 0; i < o->n_caps; i++)
    {
      int cap = spec_cap_from_name (o->caps[i]);
      if (cap < 0)
        return bento_err_make (err, 0, "--cap: unknown capability `%s`", o->caps[i]);
      uint64_t bit = UINT64_C (1) << cap;
      struct bento_caps *c = p->capabilities;
      c->bounding |= bit;
      c->effective |= bit;
      c->permitted |= bit;
      if (c->inheritable)
        c->ambient |= bit;
    }
  return 0;
}

static int
build_process (int rootfd, const char *id, int argc, char **argv, const struct exec_cli *o, struct bento_process **out,
               bento_err *err)
{
  if (o->process_file)
    return load_process_file (o->process_file, out, err);
  if (argc == 0)
    return bento_err_make (err, 0, "exec: missing command (usage: bento exec [OPTIONS] ID COMMAND [ARG...])");
  if (exec_base_process (rootfd, id, out, err) < 0)
    return -1;
  struct bento_process *p = *out;
  p->terminal = o->tty;
  p->has_console_size = false;
  if (set_strv (&p->args, &p->n_args, argv, (size_t) argc) < 0)
    return bento_err_make (err, ENOMEM, "exec");
  for (size_t i = 0; i < o->n_env; i++)
    {
      if (strchr (o->env[i], '=') == NULL)
        return bento_err_make (err, 0, "--env `%s`: want KEY=VALUE", o->env[i]);
      if (set_env (p, o->env[i]) < 0)
        return bento_err_make (err, ENOMEM, "--env");
    }
  if (o->cwd)
    {
      free (p->cwd);
      if ((p->cwd = strdup (o->cwd)) == NULL)
        return bento_err_make (err, ENOMEM, "--cwd");
    }
  if (o->no_new_privs)
    p->no_new_privileges = true;
  return apply_user (p, o, err) < 0 || apply_caps (p, o, err) < 0 ? -1 : 0;
}

/* --apparmor and --process-label override the process's (applied in the
 * new process when the host has the module, else ignored with a debug line). */
static int
apply_lsm (const struct exec_cli *o, struct bento_process *p, bento_err *err)
{
  if (o->apparmor)
    {
      free (p->apparmor_profile);
      if ((p->apparmor_profile = strdup (o->apparmor)) == NULL)
        return bento_err_make (err, ENOMEM, "--apparmor");
    }
  if (o->label)
    {
      free (p->selinux_label);
      if ((p->selinux_label = strdup (o->label)) == NULL)
        return bento_err_make (err, ENOMEM, "--process-label");
    }
  return 0;
}

int
cmd_exec (struct bento_global *g, int argc, char **argv)
{
  struct exec_cli o = { 0 };
  if (parse_flags (argc, argv, &o) < 0)
    return 1;
  if (optind >= argc)
    {
      fprintf (stderr, "bento exec: missing container id (usage: bento exec [OPTIONS] ID COMMAND [ARG...])\n");
      return 1;
    }
  const char *id = argv[optind];
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  /* not a runtime container: an engine container's name or id prefix */
  _cleanup_free_ char *engine_id = NULL;
  if (!cli_runtime_has (g, id))
    {
#ifdef BENTO_WITH_ENGINE
      engine_id = cli_engine_resolve (g, id);
      if (engine_id)
        id = engine_id;
#else
      return cli_to_engine ("exec", g, argc, argv);
#endif
    }
  _cleanup_free_ char *root = cli_state_root (g);
  _cleanup_close_ int rootfd = -1;
  struct bento_process *p = NULL;
  int status = 1;
  if (root == NULL)
    return 1;
  if (state_root_open (root, false, &rootfd, &err) < 0
      || build_process (rootfd, id, argc - optind - 1, argv + optind + 1, &o, &p, &err) < 0
      || apply_lsm (&o, p, &err) < 0)
    status = cli_fail (&err, 1);
  else
    {
      struct exec_request r = { .id = id, .process = p, .console_socket = o.console_socket, .pid_file = o.pid_file,
                                .detach = o.detach, .ignore_paused = o.ignore_paused, .preserve_fds = o.preserve_fds,
                                .cgroups = o.cgroups, .n_cgroups = o.n_cgroups };
      if (container_exec (rootfd, &r, &status, &err) < 0)
        status = cli_fail (&err, 1);
    }
  spec_process_free (p);
  return status;
}
