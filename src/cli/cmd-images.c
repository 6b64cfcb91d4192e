/* bento images [-q] [--format json]: the store's images, a row per name. */
#include "cli/image-cli.h"
#include "cli/verbs.h"
#include "engine/reference.h"
#include "shared/cleanup.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

static int64_t
image_size (const struct image_record *r)
{
  int64_t n = 0;
  for (size_t i = 0; i < r->n_layers; i++)
    n += r->layers[i].unpacked;
  return n;
}

static void
print_row (const struct image_record *r, const char *name)
{
  char size[32], ago[48];
  _cleanup_free_ char *repo = NULL;
  const char *tag = "<none>";
  if (name)
    {
      /* split "domain/path:tag" at the tag's colon (after the last slash) */
      const char *slash = strrchr (name, '/');
      const char *colon = strrchr (slash ? slash : name, ':');
      repo = colon ? strndup (name, (size_t) (colon - name)) : strdup (name);
      tag = colon ? colon + 1 : "<none>";
    }
  image_cli_size (image_size (r), size, sizeof size);
  image_cli_ago (r->created, ago, sizeof ago);
  printf ("%-40s %-16s %-14.12s %-16s %s\n", repo ? repo : "<none>", tag, digest_hex (r->id), ago, size);
}

static int
print_json (const struct image_record *v, size_t n)
{
  json_t *arr = json_array ();
  for (size_t i = 0; arr && i < n; i++)
    {
      json_t *names = json_array ();
      for (char **p = v[i].names; names && p && *p; p++)
        json_array_append_new (names, json_string (*p));
      json_array_append_new (arr, json_pack ("{s:s, s:o, s:s?, s:s?, s:I, s:I}", "Id", v[i].id, "Names", names,
                                             "Digest", v[i].digest, "Created", v[i].created, "Size",
                                             (json_int_t) image_size (&v[i]), "Layers", (json_int_t) v[i].n_layers));
    }
  char *text = arr ? json_dumps (arr, JSON_INDENT (2)) : NULL;
  json_decref (arr);
  if (text == NULL)
    return BENTO_EXIT_FAILURE;
  printf ("%s\n", text);
  free (text);
  return 0;
}

int
cmd_images (struct bento_global *g, int argc, char **argv)
{
  static const struct option opts[] = {
    { "quiet", no_argument, NULL, 'q' },
    { "format", required_argument, NULL, 'f' },
    { NULL, 0, NULL, 0 },
  };
  bool quiet = false;
  const char *format = NULL;
  int c;
  while ((c = getopt_long (argc, argv, "+qf:", opts, NULL)) != -1)
    switch (c)
      {
      case 'q': quiet = true; break;
      case 'f': format = optarg; break;
      default: return image_cli_usage ("bento images [-q] [--format json]");
      }
  if (format && strcmp (format, "json") != 0 && strcmp (format, "table") != 0)
    {
      fprintf (stderr, "bento: images: unknown format `%s` (want json or table)\n", format);
      return BENTO_EXIT_FAILURE;
    }
  struct store *s = image_cli_store (g);
  if (s == NULL)
    return BENTO_EXIT_FAILURE;
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  struct image_record *v;
  size_t n;
  int r = store_list_images (s, &v, &n, &err);
  store_close (s);
  if (r < 0)
    return image_cli_fail (&err);
  if (format && strcmp (format, "json") == 0)
    r = print_json (v, n);
  else
    {
      if (!quiet)
        printf ("%-40s %-16s %-14s %-16s %s\n", "REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE");
      for (size_t i = 0; i < n; i++)
        {
          if (quiet)
            printf ("%.12s\n", digest_hex (v[i].id));
          else if (v[i].names[0] == NULL)
            print_row (&v[i], NULL);
          for (char **p = v[i].names; !quiet && *p; p++)
            print_row (&v[i], *p);
        }
    }
  image_records_free (v, n);
  return r;
}
