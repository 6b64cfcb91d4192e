/* bento: the verb table and global options.  Each verb lives in its own
 * cmd-<verb>.c and is listed in `verbs` below. */
#include "config.h"
#include "cli/cli.h"
#include "cli/verbs.h"
#include "cli/common.h"
#include "shared/log.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Engine verbs live in bento-engine; the lean runtime binary hands them on
 * (cli_to_engine) and keeps only their name and summary for --help. */
#ifdef BENTO_WITH_ENGINE
#define ENGINE(fn) fn
#else
#define ENGINE(fn) NULL
#endif

static const struct bento_verb verbs[] = {
  { "container", "container prune|ls|rm|stop|start|logs|inspect", ENGINE (cmd_container) },
  { "create", "create a container: from IMAGE (engine) or a bundle (runtime)", cmd_create },
  { "delete", "delete a runtime container", cmd_delete },
  { "events", "a container's stats and OOM events, as JSON", cmd_events },
  { "exec", "run a new process in a running container", cmd_exec },
  { "features", "what this runtime supports, as JSON", cmd_features },
  { "image", "manage images: ls, rm, prune, tag, inspect, load, save, mount", ENGINE (cmd_image) },
  { "images", "list images in the store", ENGINE (cmd_images) },
  { "inspect", "show a container's record or an image's config as JSON", ENGINE (cmd_inspect) },
  { "kill", "send a signal to a container", cmd_kill },
  { "list", "list runtime containers", cmd_list },
  { "load", "load images from a docker-archive, oci-archive or OCI layout", ENGINE (cmd_load) },
  { "login", "log in to a registry", ENGINE (cmd_login) },
  { "logout", "forget a registry's credentials", ENGINE (cmd_logout) },
  { "logs", "show a container's output", ENGINE (cmd_logs) },
  { "monitor-exit", NULL, ENGINE (cmd_monitor_exit) },
  { "network", "bridge networks (root): create, ls, rm, inspect, prune", ENGINE (cmd_network) },
  { "pause", "freeze every process of a container", cmd_pause },
  { "port", "list a container's published ports", ENGINE (cmd_port) },
  { "ps", "list containers (engine), or the processes of one (runtime)", cmd_ps },
  { "pull", "pull an image from a registry", ENGINE (cmd_pull) },
  { "resume", "thaw a paused container", cmd_resume },
  { "restart", "restart containers", ENGINE (cmd_restart) },
  { "rm", "remove containers", ENGINE (cmd_rm) },
  { "rmi", "remove images", ENGINE (cmd_rmi) },
  { "run", "run IMAGE [CMD] (engine), or a bundle (runtime)", cmd_run },
  { "save", "write images to an oci-archive", ENGINE (cmd_save) },
  { "spec", "write a default config.json (runc's; --rootless)", cmd_spec },
  { "start", "start containers", cmd_start },
  { "state", "show a runtime container's state as JSON", cmd_state },
  { "stop", "stop containers", ENGINE (cmd_stop) },
  { "tag", "give an image another name", ENGINE (cmd_tag) },
  { "top", "a container's processes: host pid and container pid", ENGINE (cmd_top) },
  { "unshare", "run a command in the image store's user namespace", ENGINE (cmd_unshare) },
  { "update", "change a container's resource limits", cmd_update },
  { "volume", "named volumes: create, ls, rm, inspect, prune", ENGINE (cmd_volume) },
  { "wait", "wait for containers to stop; print their exit codes", ENGINE (cmd_wait) },
  { NULL, NULL, NULL },
};

static void
usage (FILE *out)
{
  fprintf (out,
           "Usage: bento [GLOBAL OPTIONS] COMMAND [ARG...]\n"
           "\n"
           "A rootless-first container runtime and engine.\n"
           "\n"
           "Commands:\n");
  for (const struct bento_verb *v = verbs; v->name; v++)
    if (v->summary) /* internal verbs have none */
      fprintf (out, "  %-10s %s\n", v->name, v->summary);
  fprintf (out,
           "\n"
           "Global options:\n"
           "  --root DIR           state directory (default /run/bento as root,\n"
           "                       $XDG_RUNTIME_DIR/bento rootless)\n"
           "  --log FILE           write log records to FILE\n"
           "  --log-format FORMAT  text or json\n"
           "  --storage-root DIR   image store (default /var/lib/bento as root,\n"
           "                       $XDG_DATA_HOME/bento rootless)\n"
           "  --debug              log debug messages\n"
           "  --systemd-cgroup     accepted for runc compatibility\n"
           "  -h, --help           show this help\n"
           "  -v, --version        show the version\n");
}

static const struct bento_verb *
find_verb (const char *name)
{
  for (const struct bento_verb *v = verbs; v->name; v++)
    if (strcmp (v->name, name) == 0)
      return v;
  return NULL;
}

int
main (int argc, char **argv)
{
  struct bento_global g = { 0 };
  cli_main_argv = argv;
  enum { OPT_ROOT = 256, OPT_LOG, OPT_LOG_FORMAT, OPT_DEBUG, OPT_SYSTEMD_CGROUP, OPT_ROOTLESS, OPT_STORAGE_ROOT };
  static const struct option opts[] = {
    { "root", required_argument, NULL, OPT_ROOT },
    { "log", required_argument, NULL, OPT_LOG },
    { "log-format", required_argument, NULL, OPT_LOG_FORMAT },
    { "debug", no_argument, NULL, OPT_DEBUG },
    { "systemd-cgroup", no_argument, NULL, OPT_SYSTEMD_CGROUP },
    { "rootless", required_argument, NULL, OPT_ROOTLESS },
    { "storage-root", required_argument, NULL, OPT_STORAGE_ROOT },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'v' },
    { NULL, 0, NULL, 0 },
  };
  int c;

  /* '+': stop at the verb; its options are its own. */
  while ((c = getopt_long (argc, argv, "+hv", opts, NULL)) != -1)
    {
      switch (c)
        {
        case OPT_ROOT: g.root = optarg; break;
        case OPT_LOG: g.log_path = optarg; break;
        case OPT_LOG_FORMAT: g.log_format = optarg; break;
        case OPT_DEBUG: g.debug = true; break;
        case OPT_SYSTEMD_CGROUP: g.systemd_cgroup = true; break;
        case OPT_ROOTLESS: g.rootless = optarg; g.rootless_set = true; break;
        case OPT_STORAGE_ROOT: g.storage_root = optarg; break;
        case 'h': usage (stdout); return 0;
        case 'v':
          printf ("bento version %s\n", BENTO_VERSION);
          printf ("spec: 1.2.0\n");
          return 0;
        default:
          fprintf (stderr, "bento: try `bento --help`\n");
          return 1;
        }
    }

  enum bento_log_format fmt = BENTO_LOG_TEXT;
  if (g.log_format && strcmp (g.log_format, "json") == 0)
    fmt = BENTO_LOG_JSON;
  else if (g.log_format && strcmp (g.log_format, "text") != 0)
    {
      fprintf (stderr, "bento: --log-format: unknown format `%s` (want text or json)\n", g.log_format);
      return 1;
    }
  if (bento_log_init (g.log_path, fmt, g.debug ? BENTO_LOG_DEBUG : BENTO_LOG_WARN) < 0)
    {
      fprintf (stderr, "bento: open log file `%s`: %s\n", g.log_path, strerror (errno));
      return 1;
    }

  if (optind >= argc)
    {
      usage (stderr);
      return 1;
    }
  const struct bento_verb *v = find_verb (argv[optind]);
  if (v == NULL)
    {
      fprintf (stderr, "bento: unknown command `%s` (see `bento --help`)\n", argv[optind]);
      return 1;
    }
  int vi = optind;
  optind = 0; /* let the verb run getopt afresh on its own argv */
  if (v->run == NULL)
    return cli_to_engine (v->name, &g, argc - vi, argv + vi);
  return v->run (&g, argc - vi, argv + vi);
}
