/* bento tag SOURCE TARGET...: more names for an image. */
#include "cli/image-cli.h"
#include "cli/verbs.h"
#include "engine/reference.h"
#include "shared/cleanup.h"

#include <getopt.h>
#include <stdio.h>

int
cmd_tag (struct bento_global *g, int argc, char **argv)
{
  static const struct option opts[] = { { NULL, 0, NULL, 0 } };
  if (getopt_long (argc, argv, "+", opts, NULL) != -1 || argc - optind < 2)
    return image_cli_usage ("bento tag SOURCE TARGET...");
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  struct store *s = image_cli_store (g);
  if (s == NULL)
    return BENTO_EXIT_FAILURE;
  struct image_record rec = { 0 };
  int r = store_find_image (s, argv[optind], &rec, &err);
  for (int i = optind + 1; r == 0 && i < argc; i++)
    {
      struct image_ref ref;
      if (ref_parse (argv[i], &ref, &err) < 0)
        r = -1;
      else
        {
          _cleanup_free_ char *name = ref_string (&ref);
          if (ref.digest)
            r = bento_err_make (&err, 0, "tag `%s`: a new name cannot carry a digest", argv[i]);
          else
            r = store_tag_image (s, rec.id, name, &err);
          ref_free (&ref);
        }
    }
  image_record_free (&rec);
  store_close (s);
  return r < 0 ? image_cli_fail (&err) : 0;
}
