#include <errno.h>
/* bento inspect IMAGE...: a JSON array, one object per image, with the
 * config's run settings, the layers and where the image came from. */
#include "cli/image-cli.h"
#include "cli/verbs.h"
#include "engine/ctr.h"
#include "engine/manifest.h"
#include "shared/cleanup.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>

static json_t *
strv_json (char **v)
{
  json_t *a = json_array ();
  for (; a && v && *v; v++)
    json_array_append_new (a, json_string (*v));
  return a;
}

static json_t *
inspect_one (struct store *s, const char *query, bento_err *err)
{
  struct image_record r = { 0 };
  _cleanup_free_ char *config = NULL;
  size_t len;
  json_t *out = NULL;
  if (store_find_image (s, query, &r, err) < 0 || store_read_blob (s, r.id, CONFIG_MAX_SIZE, &config, &len, err) < 0)
    goto done;
  json_error_t jerr;
  json_t *cfg = json_loadb (config, len, 0, &jerr);
  if (cfg == NULL)
    {
      bento_err_make (err, 0, "config of %s: %s", r.id, jerr.text);
      goto done;
    }
  json_t *layers = json_array (), *diff_ids = json_array ();
  json_int_t size = 0;
  for (size_t i = 0; i < r.n_layers; i++)
    {
      struct layer_record *l = &r.layers[i];
      size += l->unpacked;
      json_array_append_new (diff_ids, json_string (l->diff_id));
      json_array_append_new (layers, json_pack ("{s:s, s:s, s:s?, s:I, s:I}", "Digest", l->digest, "DiffID",
                                                l->diff_id, "MediaType", l->media_type, "Size", (json_int_t) l->size,
                                                "UnpackedSize", (json_int_t) l->unpacked));
    }
  json_t *run = json_object_get (cfg, "config");
  out = json_pack ("{s:s, s:s?, s:s?, s:o, s:s?, s:s?, s:s?, s:s?, s:s?, s:O?, s:{s:s, s:o}, s:o, s:I}", "Id", r.id,
                   "Digest", r.digest, "ManifestMediaType", r.manifest_media_type, "RepoTags", strv_json (r.names),
                   "Created", r.created, "Added", r.added, "Os", r.os, "Architecture", r.architecture, "Variant",
                   r.variant, "Config", run ? run : json_object_get (cfg, "no-config"), "RootFS", "Type", "layers",
                   "Layers", diff_ids, "Layers", layers, "Size", size);
  json_decref (cfg);
  if (out == NULL)
    bento_err_make (err, 0, "inspect %s: cannot build JSON", r.id);
done:
  image_record_free (&r);
  return out;
}

int
cmd_inspect (struct bento_global *g, int argc, char **argv)
{
  static const struct option opts[] = { { NULL, 0, NULL, 0 } };
  if (getopt_long (argc, argv, "+", opts, NULL) != -1 || optind >= argc)
    return image_cli_usage ("bento inspect CONTAINER|IMAGE...");
  struct store *s = image_cli_store (g);
  if (s == NULL)
    return BENTO_EXIT_FAILURE;
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  json_t *arr = json_array ();
  int status = 0;
  for (int i = optind; i < argc && status == 0; i++)
    {
      /* a container first (its name or id), then an image */
      struct ctr c;
      json_t *o = NULL;
      if (ctr_find (s, argv[i], &c, &err) == 0)
        o = json_deep_copy (c.rec);
      else if (err.errnum == ENOENT)
        {
          bento_err_clear (&err);
          o = inspect_one (s, argv[i], &err);
        }
      ctr_close (&c);
      if (o == NULL)
        status = image_cli_fail (&err);
      else
        json_array_append_new (arr, o);
    }
  store_close (s);
  if (status == 0)
    {
      char *text = json_dumps (arr, JSON_INDENT (4));
      printf ("%s\n", text ? text : "[]");
      free (text);
    }
  json_decref (arr);
  return status;
}
