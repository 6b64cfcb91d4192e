/* bento load [-q] [-i] FILE|DIR|-: docker-archive, oci-archive, OCI layout. */
#include "cli/image-cli.h"
#include "cli/verbs.h"
#include "engine/load.h"
#include "shared/cleanup.h"

#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

int
cmd_load (struct bento_global *g, int argc, char **argv)
{
  static const struct option opts[] = {
    { "input", required_argument, NULL, 'i' },
    { "quiet", no_argument, NULL, 'q' },
    { NULL, 0, NULL, 0 },
  };
  const char *input = NULL;
  bool quiet = false;
  int c;
  while ((c = getopt_long (argc, argv, "+i:q", opts, NULL)) != -1)
    switch (c)
      {
      case 'i': input = optarg; break;
      case 'q': quiet = true; break;
      default: return image_cli_usage ("bento load [-q] [-i] FILE|DIR|-");
      }
  if (input == NULL && optind < argc)
    input = argv[optind++];
  if (input == NULL)
    {
      if (isatty (0))
        return image_cli_usage ("bento load [-q] [-i] FILE|DIR|- (no archive given and stdin is a terminal)");
      input = "-";
    }
  if (optind < argc)
    return image_cli_usage ("bento load [-q] [-i] FILE|DIR|-");
  struct store *s = image_cli_store (g);
  if (s == NULL)
    return BENTO_EXIT_FAILURE;
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  _cleanup_strv_ char **loaded = NULL;
  int r = image_load (s, input, &loaded, &err);
  store_close (s);
  if (r < 0)
    return image_cli_fail (&err);
  for (char **p = loaded; p && *p; p++)
    printf (quiet ? "%s\n" : "Loaded image: %s\n", *p);
  return 0;
}
