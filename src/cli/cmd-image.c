/* bento image SUBCOMMAND: the image verbs under one name, as podman has them. */
#include "cli/image-cli.h"
#include "cli/verbs.h"

#include <stdio.h>
#include <string.h>

static const struct bento_verb image_verbs[] = {
  { "inspect", "show images as JSON", cmd_inspect },
  { "list", "list images", cmd_images },
  { "load", "load images from an archive or layout", cmd_load },
  { "ls", "list images", cmd_images },
  { "mount", "mount an image's root filesystem at a directory", cmd_image_mount },
  { "prune", "remove images no name or container uses (-a: no container)", cmd_image_prune },
  { "rm", "remove images", cmd_rmi },
  { "save", "write images to an oci-archive", cmd_save },
  { "pull", "pull an image from a registry", cmd_pull },
  { "tag", "name an image", cmd_tag },
  { "umount", "unmount what image mount mounted", cmd_image_umount },
  { NULL, NULL, NULL },
};

int
cmd_image (struct bento_global *g, int argc, char **argv)
{
  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      FILE *out = argc < 2 ? stderr : stdout;
      fprintf (out, "Usage: bento image COMMAND [ARG...]\n\nCommands:\n");
      for (const struct bento_verb *v = image_verbs; v->name; v++)
        fprintf (out, "  %-10s %s\n", v->name, v->summary);
      return argc < 2 ? BENTO_EXIT_FAILURE : 0;
    }
  for (const struct bento_verb *v = image_verbs; v->name; v++)
    if (strcmp (v->name, argv[1]) == 0)
      return v->run (g, argc - 1, argv + 1);
  fprintf (stderr, "bento: image: unknown command `%s` (see `bento image --help`)\n", argv[1]);
  return BENTO_EXIT_FAILURE;
}
