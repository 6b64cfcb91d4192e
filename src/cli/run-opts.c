/* `bento run|create [OPTIONS] IMAGE [CMD [ARG...]]`: docker's and podman's
 * options, parsed into struct run_opts. */
#include "cli/engine-cli.h"
#include "shared/cleanup.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

/* KEY=VALUE, or KEY alone: taken from our environment (docker's rule). */
static int
add_env (struct run_opts *o, const char *kv)
{
  if (strchr (kv, '='))
    return strv_add (&o->env, kv);
  const char *v = getenv (kv);
  if (v == NULL)
    return 0;
  _cleanup_free_ char *full = NULL;
  if (asprintf (&full, "%s=%s", kv, v) < 0)
    return -1;
  return strv_add (&o->env, full);
}

static int
add_env_file (struct run_opts *o, const char *path)
{
  _cleanup_fclose_ FILE *f = fopen (path, "re");
  if (f == NULL)
    {
      fprintf (stderr, "bento: --env-file `%s`: %s\n", path, strerror (errno));
      return -1;
    }
  _cleanup_free_ char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  while ((n = getline (&line, &cap, f)) > 0)
    {
      if (line[n - 1] == '\n')
        line[--n] = '\0';
      if (n == 0 || line[0] == '#')
        continue;
      if (add_env (o, line) < 0)
        return -1;
    }
  return 0;
}

static int
security_opt (struct run_opts *o, const char *v)
{
  if (strcmp (v, "no-new-privileges") == 0 || strcmp (v, "no-new-privileges=true") == 0)
    o->no_new_privs = true;
  else if (strncmp (v, "seccomp=", 8) == 0)
    o->seccomp = v + 8;
  else if (strncmp (v, "label=", 6) == 0 || strncmp (v, "apparmor=", 9) == 0)
    ; /* no SELinux or AppArmor here to configure */
  else
    {
      fprintf (stderr, "bento: --security-opt `%s`: want seccomp=FILE|unconfined or no-new-privileges\n", v);
      return -1;
    }
  return 0;
}

int
run_opts_parse (int argc, char **argv, bool run, struct run_opts *o)
{
  enum
  {
    O_NAME = 256, O_RM, O_ENTRYPOINT, O_HOSTNAME, O_ENV_FILE, O_TMPFS, O_READ_ONLY, O_MOUNT, O_MEMORY, O_MEMORY_SWAP,
    O_CPUS, O_CPU_SHARES, O_PIDS, O_ULIMIT, O_CAP_ADD, O_CAP_DROP, O_PRIV, O_SECOPT, O_USERNS, O_INIT, O_NETWORK,
    O_DNS, O_DNS_SEARCH, O_ADD_HOST, O_LABEL, O_LOG_DRIVER, O_RESTART, O_STOP_SIGNAL, O_STOP_TIMEOUT, O_PULL,
    O_IP, O_MAC,
  };
  static const struct option opts[] = {
    { "name", required_argument, NULL, O_NAME },          { "rm", no_argument, NULL, O_RM },
    { "detach", no_argument, NULL, 'd' },                 { "interactive", no_argument, NULL, 'i' },
    { "tty", no_argument, NULL, 't' },                    { "env", required_argument, NULL, 'e' },
    { "env-file", required_argument, NULL, O_ENV_FILE },  { "workdir", required_argument, NULL, 'w' },
    { "user", required_argument, NULL, 'u' },             { "entrypoint", required_argument, NULL, O_ENTRYPOINT },
    { "hostname", required_argument, NULL, 'h' },         { "volume", required_argument, NULL, 'v' },
    { "tmpfs", required_argument, NULL, O_TMPFS },        { "read-only", no_argument, NULL, O_READ_ONLY },
    { "mount", required_argument, NULL, O_MOUNT },        { "memory", required_argument, NULL, 'm' },
    { "memory-swap", required_argument, NULL, O_MEMORY_SWAP }, { "cpus", required_argument, NULL, O_CPUS },
    { "cpu-shares", required_argument, NULL, O_CPU_SHARES }, { "pids-limit", required_argument, NULL, O_PIDS },
    { "ulimit", required_argument, NULL, O_ULIMIT },      { "cap-add", required_argument, NULL, O_CAP_ADD },
    { "cap-drop", required_argument, NULL, O_CAP_DROP },  { "privileged", no_argument, NULL, O_PRIV },
    { "security-opt", required_argument, NULL, O_SECOPT }, { "userns", required_argument, NULL, O_USERNS },
    { "init", no_argument, NULL, O_INIT },                { "network", required_argument, NULL, O_NETWORK },
    { "net", required_argument, NULL, O_NETWORK },        { "dns", required_argument, NULL, O_DNS },
    { "dns-search", required_argument, NULL, O_DNS_SEARCH }, { "add-host", required_argument, NULL, O_ADD_HOST },
    { "label", required_argument, NULL, O_LABEL },        { "log-driver", required_argument, NULL, O_LOG_DRIVER },
    { "restart", required_argument, NULL, O_RESTART },    { "stop-signal", required_argument, NULL, O_STOP_SIGNAL },
    { "stop-timeout", required_argument, NULL, O_STOP_TIMEOUT }, { "pull", required_argument, NULL, O_PULL },
    { "ip", required_argument, NULL, O_IP },              { "mac-address", required_argument, NULL, O_MAC },
    { "publish", required_argument, NULL, 'p' },          { "publish-all", no_argument, NULL, 'P' },
    { NULL, 0, NULL, 0 },
  };
  const char *verb = run ? "run" : "create";
  int ch, r = 0;
  char *end;
  run_opts_init (o);
  optind = 0;
  /* '+': options end at IMAGE; what follows is the container's command */
  while ((ch = getopt_long (argc, argv, "+dite:w:u:h:v:m:l:p:P", opts, NULL)) != -1)
    {
      switch (ch)
        {
        case O_NAME: o->name = optarg; break;
        case O_RM: o->rm = true; break;
        case 'd': o->detach = true; break;
        case 'i': o->interactive = true; break;
        case 't': o->tty = true; break;
        case 'e': r = add_env (o, optarg); break;
        case O_ENV_FILE: r = add_env_file (o, optarg); break;
        case 'w': o->workdir = optarg; break;
        case 'u': o->user = optarg; break;
        case O_ENTRYPOINT: o->has_entrypoint = true; o->entrypoint = optarg; break;
        case 'h': o->hostname = optarg; break;
        case 'v': r = strv_add (&o->volumes, optarg); break;
        case O_TMPFS: r = strv_add (&o->tmpfs, optarg); break;
        case O_READ_ONLY: o->read_only = true; break;
        case O_MOUNT: r = strv_add (&o->mounts, optarg); break;
        case 'm': o->memory = optarg; break;
        case O_MEMORY_SWAP: o->memory_swap = optarg; break;
        case O_CPUS: o->cpus = optarg; break;
        case O_CPU_SHARES: o->cpu_shares = optarg; break;
        case O_PIDS: o->pids_limit = optarg; break;
        case O_ULIMIT: r = strv_add (&o->ulimits, optarg); break;
        case O_CAP_ADD: r = strv_add (&o->cap_add, optarg); break;
        case O_CAP_DROP: r = strv_add (&o->cap_drop, optarg); break;
        case O_PRIV: o->privileged = true; break;
        case O_SECOPT: r = security_opt (o, optarg); break;
        case O_USERNS: o->userns = optarg; break;
        case O_INIT: o->init = true; break;
        case O_NETWORK: o->network = optarg; break;
        case O_IP: o->ip = optarg; break;
        case O_MAC: o->mac_address = optarg; break;
        case O_DNS: r = strv_add (&o->dns, optarg); break;
        case O_DNS_SEARCH: r = strv_add (&o->dns_search, optarg); break;
        case O_ADD_HOST: r = strv_add (&o->add_hosts, optarg); break;
        case O_LABEL: case 'l': r = strv_add (&o->labels, optarg); break;
        case O_LOG_DRIVER: o->log_driver = optarg; break;
        case O_RESTART: o->restart = optarg; break;
        case O_STOP_SIGNAL: o->stop_signal = optarg; break;
        case O_STOP_TIMEOUT:
          o->stop_timeout = (int) strtol (optarg, &end, 10);
          if (*end || o->stop_timeout < 0)
            {
              fprintf (stderr, "bento %s: --stop-timeout `%s`: not a number of seconds\n", verb, optarg);
              return ENGINE_EXIT_FAILED;
            }
          break;
        case O_PULL: o->pull = optarg; break;
        case 'p': r = strv_add (&o->publish, optarg); break;
        case 'P': o->publish_all = true; break;
        default:
          fprintf (stderr, "bento %s: see `bento --help`\n", verb);
          return ENGINE_EXIT_FAILED;
        }
      if (r < 0)
        return ENGINE_EXIT_FAILED;
    }
  if (optind >= argc)
    {
      fprintf (stderr, "bento %s: missing image (usage: bento %s [OPTIONS] IMAGE [COMMAND [ARG...]])\n", verb, verb);
      return ENGINE_EXIT_FAILED;
    }
  o->image = argv[optind];
  for (int i = optind + 1; i < argc; i++)
    if (strv_add (&o->cmd, argv[i]) < 0)
      return ENGINE_EXIT_FAILED;
  if (o->pull && strcmp (o->pull, "always") && strcmp (o->pull, "missing") && strcmp (o->pull, "never"))
    {
      fprintf (stderr, "bento %s: --pull `%s`: want always, missing or never\n", verb, o->pull);
      return ENGINE_EXIT_FAILED;
    }
  return -1;
}
