/* bento-init: a tiny PID 1 for `bento run --init`.
 *
 *   /run/bento-init -- COMMAND [ARG...]
 *
 * PID 1 of a pid namespace gets no default signal handling (SIGTERM to it
 * does nothing unless it installs a handler) and inherits every orphan.
 * This init runs COMMAND as its child, forwards the signals it gets to it,
 * reaps every zombie, and exits with COMMAND's status (128+signal).
 * Statically linked: it runs inside any image. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  if (argc < 3 || strcmp (argv[1], "--") != 0)
    {
      fprintf (stderr, "usage: bento-init -- COMMAND [ARG...]\n");
      return 125;
    }
  sigset_t all, old;
  sigfillset (&all);
  sigprocmask (SIG_BLOCK, &all, &old);
  pid_t child = fork ();
  if (child < 0)
    {
      perror ("bento-init: fork");
      return 125;
    }
  if (child == 0)
    {
      sigprocmask (SIG_SETMASK, &old, NULL);
      execvp (argv[2], argv + 2);
      fprintf (stderr, "bento-init: exec %s: %s\n", argv[2], strerror (errno));
      _exit (errno == ENOENT ? 127 : 126);
    }
  for (;;)
    {
      siginfo_t si;
      int sig = sigwaitinfo (&all, &si);
      if (sig < 0)
        continue;
      if (sig != SIGCHLD)
        {
          kill (child, sig);
          continue;
        }
      int status;
      pid_t p;
      while ((p = waitpid (-1, &status, WNOHANG)) > 0)
        if (p == child)
          return WIFSIGNALED (status) ? 128 + WTERMSIG (status) : WEXITSTATUS (status);
    }
}
