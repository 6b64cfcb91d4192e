#include "cli/common.h"
#include "runtime/state.h"
#include "shared/cleanup.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *
cli_state_root (const struct bento_global *g)
{
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  char *root = NULL;
  if (g->root)
    root = strdup (g->root);
  else if (state_root_default (&root, &err) < 0)
    {
      cli_fail (&err, 1);
      return NULL;
    }
  return root;
}

int
cli_fail (bento_err *err, int exit_code)
{
  bento_err_report (err, "bento");
  return exit_code;
}

const char *
cli_one_id (int argc, char **argv, const char *verb)
{
  if (optind >= argc)
    {
      fprintf (stderr, "bento %s: missing container id (usage: bento %s [OPTIONS] ID)\n", verb, verb);
      return NULL;
    }
  if (optind + 1 < argc)
    {
      fprintf (stderr, "bento %s: unexpected argument `%s`\n", verb, argv[optind + 1]);
      return NULL;
    }
  return argv[optind];
}

static const struct
{
  const char *name;
  int sig;
} signals[] = {
  { "HUP", SIGHUP },   { "INT", SIGINT },     { "QUIT", SIGQUIT }, { "ILL", SIGILL },     { "TRAP", SIGTRAP },
  { "ABRT", SIGABRT }, { "IOT", SIGIOT },     { "BUS", SIGBUS },   { "FPE", SIGFPE },     { "KILL", SIGKILL },
  { "USR1", SIGUSR1 }, { "SEGV", SIGSEGV },   { "USR2", SIGUSR2 }, { "PIPE", SIGPIPE },   { "ALRM", SIGALRM },
  { "TERM", SIGTERM }, { "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT }, { "STOP", SIGSTOP },
  { "TSTP", SIGTSTP }, { "TTIN", SIGTTIN },   { "TTOU", SIGTTOU }, { "URG", SIGURG },     { "XCPU", SIGXCPU },
  { "XFSZ", SIGXFSZ }, { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF }, { "WINCH", SIGWINCH }, { "IO", SIGIO },
  { "POLL", SIGPOLL }, { "PWR", SIGPWR },     { "SYS", SIGSYS },
};

int
cli_parse_signal (const char *s)
{
  char *end;
  long n = strtol (s, &end, 10);
  if (*s && *end == '\0')
    return n > 0 && n < NSIG ? (int) n : -1;
  if (strncmp (s, "SIG", 3) == 0)
    s += 3;
  for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
    if (strcmp (signals[i].name, s) == 0)
      return signals[i].sig;
  /* RTMIN+N / RTMAX-N, as `kill -l` names them */
  if (strncmp (s, "RTMIN", 5) == 0)
    {
      long k = s[5] == '+' ? strtol (s + 6, &end, 10) : 0;
      return (s[5] == '\0' || (s[5] == '+' && *end == '\0')) && SIGRTMIN + k <= SIGRTMAX ? (int) (SIGRTMIN + k) : -1;
    }
  if (strncmp (s, "RTMAX", 5) == 0)
    {
      long k = s[5] == '-' ? strtol (s + 6, &end, 10) : 0;
      return (s[5] == '\0' || (s[5] == '-' && *end == '\0')) && SIGRTMAX - k >= SIGRTMIN ? (int) (SIGRTMAX - k) : -1;
    }
  return -1;
}
