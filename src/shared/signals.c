#include "shared/signals.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

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
signal_from_name (const char *s)
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
