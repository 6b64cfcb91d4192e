/* The command line: global options and the verb table.  Only cli/ touches
 * argv, prints for the user and picks exit codes. */
#ifndef BENTO_CLI_H
#define BENTO_CLI_H

#include <stdbool.h>

struct bento_global
{
  const char *root;       /* --root: state directory of the runtime */
  const char *log_path;   /* --log */
  const char *log_format; /* --log-format text|json */
  bool debug;             /* --debug */
  bool systemd_cgroup;    /* --systemd-cgroup (accepted; see cmd docs) */
  bool rootless_set;      /* --rootless given */
  const char *rootless;   /* --rootless true|false|auto */
  const char *storage_root; /* --storage-root: the image store (engine verbs) */
};

struct bento_verb
{
  const char *name;
  const char *summary;
  /* argv[0] is the verb; returns the process exit status */
  int (*run) (struct bento_global *g, int argc, char **argv);
};

/* Exit codes of bento's own failures, as docker/podman use them. */
enum
{
  BENTO_EXIT_FAILURE = 125,
  BENTO_EXIT_CANNOT_EXEC = 126,
  BENTO_EXIT_NOT_FOUND = 127,
};

#endif
