/* bento save [-o FILE] [--format oci-archive] IMAGE...: an oci-archive. */
#include "cli/image-cli.h"
#include "cli/verbs.h"
#include "engine/save.h"
#include "shared/cleanup.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
cmd_save (struct bento_global *g, int argc, char **argv)
{
  static const struct option opts[] = {
    { "output", required_argument, NULL, 'o' },
    { "format", required_argument, NULL, 'f' },
    { NULL, 0, NULL, 0 },
  };
  const char *usage = "bento save [-o FILE] [--format oci-archive] IMAGE...";
  const char *out = NULL;
  int c;
  while ((c = getopt_long (argc, argv, "+o:", opts, NULL)) != -1)
    switch (c)
      {
      case 'o': out = optarg; break;
      case 'f':
        if (strcmp (optarg, "oci-archive") != 0)
          {
            fprintf (stderr, "bento: save: unknown format `%s` (bento writes oci-archive)\n", optarg);
            return BENTO_EXIT_FAILURE;
          }
        break;
      default: return image_cli_usage (usage);
      }
  if (optind >= argc)
    return image_cli_usage (usage);
  if (out == NULL && isatty (1))
    {
      fprintf (stderr, "bento: save: refusing to write an archive to a terminal (use -o FILE)\n");
      return BENTO_EXIT_FAILURE;
    }
  struct store *s = image_cli_store (g);
  if (s == NULL)
    return BENTO_EXIT_FAILURE;
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  int r = image_save (s, argv + optind, (size_t) (argc - optind), out ? out : "-", &err);
  store_close (s);
  return r < 0 ? image_cli_fail (&err) : 0;
}
