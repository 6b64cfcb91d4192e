/* bento ps [-a] [--format json]: the engine's containers.
 * bento ps ID: the processes of a runtime container (runc's `ps`), which
 * needs the cgroup manager. */
#include "cli/common.h"
#include "cli/verbs.h"

#include <stdio.h>
#include <string.h>

int
cmd_ps (struct bento_global *g, int argc, char **argv)
{
  const char *first = NULL;
  for (int i = 1; i < argc && first == NULL; i++)
    {
      if (strcmp (argv[i], "-f") == 0 || strcmp (argv[i], "--format") == 0)
        i++; /* its value */
      else if (argv[i][0] != '-')
        first = argv[i];
    }
  if (first == NULL)
    return cli_to_engine ("ps", g, argc, argv);
  fprintf (stderr, "bento ps %s: listing a runtime container's processes needs the cgroup manager (not yet available)\n",
           first);
  return 1;
}
