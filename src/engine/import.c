#include "engine/import.h"
#include "shared/cleanup.h"
#include "spec/json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int
import_prepare (struct store *s, struct import *im, const char *manifest, size_t mlen, const char *content_type,
                bento_err *err)
{
  if (manifest_parse (manifest, mlen, content_type, &im->m, err) < 0)
    return -1;
  if (im->m.kind != MANIFEST_IMAGE)
    return bento_err_make (err, 0, "expected an image manifest, got an index");
  im->manifest = malloc (mlen + 1);
  if (im->manifest == NULL)
    return bento_err_make (err, ENOMEM, "manifest");
  memcpy (im->manifest, manifest, mlen);
  im->manifest[mlen] = '\0';
  im->manifest_len = mlen;
  digest_buffer ("sha256", manifest, mlen, im->manifest_digest);
  if (strcmp (im->m.config.media_type, MT_OCI_CONFIG) != 0 && strcmp (im->m.config.media_type, MT_DOCKER_CONFIG) != 0)
    return bento_err_make (err, 0, "unknown config media type `%s`", im->m.config.media_type);
  im->layers = calloc (im->m.n_layers + 1, sizeof *im->layers);
  if (im->layers == NULL)
    return bento_err_make (err, ENOMEM, "manifest");
  for (size_t i = 0; i < im->m.n_layers; i++)
    {
      enum layer_compression c;
      if (layer_media_type (im->m.layers[i].media_type, &c, err) < 0)
        return bento_err_wrap (err, "layers[%zu]", i);
    }
  (void) s;
  return 0;
}

int
import_set_config (struct import *im, const char *config, size_t len, bento_err *err)
{
  char got[DIGEST_MAX];
  if (digest_buffer (im->m.config.digest, config, len, got) < 0)
    return bento_err_make (err, ENOMEM, "config");
  if (strcmp (got, im->m.config.digest) != 0)
    return bento_err_make (err, 0, "config blob digest mismatch: want %s, got %s", im->m.config.digest, got);
  if ((int64_t) len != im->m.config.size)
    return bento_err_make (err, 0, "config blob size mismatch: want %lld, got %zu", (long long) im->m.config.size,
                           len);
  if (image_config_parse (config, len, &im->c, err) < 0)
    return -1;
  if (im->c.n_diff_ids != im->m.n_layers)
    return bento_err_make (err, 0, "the manifest has %zu layers but the config %zu diff-ids", im->m.n_layers,
                           im->c.n_diff_ids);
  im->config = malloc (len + 1);
  if (im->config == NULL)
    return bento_err_make (err, ENOMEM, "config");
  memcpy (im->config, config, len);
  im->config[len] = '\0';
  im->config_len = len;
  for (size_t i = 0; i < im->m.n_layers; i++)
    im->layers[i].job.diff_id = im->c.diff_ids[i];
  return 0;
}

static char *
now_rfc3339 (void)
{
  char buf[64];
  time_t t = time (NULL);
  struct tm tm;
  gmtime_r (&t, &tm);
  strftime (buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return strdup (buf);
}

/* The unpacked size of a layer another image already recorded. */
static int64_t
known_unpacked (struct image_record *v, size_t n, const char *diff_id)
{
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < v[i].n_layers; j++)
      if (strcmp (v[i].layers[j].diff_id, diff_id) == 0)
        return v[i].layers[j].unpacked;
  return 0;
}

static char *
dup_or_null (const char *s)
{
  return s ? strdup (s) : NULL;
}

static int
build_record (struct store *s, struct import *im, struct image_record *r, bento_err *err)
{
  struct image_record *v = NULL;
  size_t n = 0;
  if (store_list_images (s, &v, &n, err) < 0)
    return -1;
  memset (r, 0, sizeof *r);
  r->id = strdup (im->m.config.digest);
  r->digest = strdup (im->manifest_digest);
  r->manifest_media_type = strdup (im->m.media_type);
  r->created = dup_or_null (im->c.created);
  r->added = now_rfc3339 ();
  r->os = dup_or_null (im->c.os);
  r->architecture = dup_or_null (im->c.architecture);
  r->variant = dup_or_null (im->c.variant);
  r->names = calloc (1, sizeof *r->names);
  r->layers = calloc (im->m.n_layers + 1, sizeof *r->layers);
  r->n_layers = im->m.n_layers;
  bool oom = !r->id || !r->digest || !r->manifest_media_type || !r->added || !r->names || !r->layers;
  for (size_t i = 0; !oom && i < im->m.n_layers; i++)
    {
      struct layer_record *l = &r->layers[i];
      l->digest = strdup (im->m.layers[i].digest);
      l->diff_id = strdup (im->c.diff_ids[i]);
      l->media_type = strdup (im->m.layers[i].media_type);
      l->size = im->m.layers[i].size;
      l->unpacked = im->layers[i].need_unpack ? (int64_t) im->layers[i].job.res.bytes
                                              : known_unpacked (v, n, im->c.diff_ids[i]);
      oom = !l->digest || !l->diff_id || !l->media_type;
    }
  image_records_free (v, n);
  if (oom)
    return bento_err_make (err, ENOMEM, "image record");
  if (im->names)
    {
      strv_free (r->names);
      size_t k = 0;
      while (im->names[k])
        k++;
      r->names = calloc (k + 1, sizeof *r->names);
      for (size_t i = 0; r->names && i < k; i++)
        if ((r->names[i] = strdup (im->names[i])) == NULL)
          return bento_err_make (err, ENOMEM, "image record");
      if (r->names == NULL)
        return bento_err_make (err, ENOMEM, "image record");
    }
  return 0;
}

int
import_commit (struct store *s, struct import *im, char id[DIGEST_MAX], bento_err *err)
{
  /* What is renamed into place below is on disk first: a power cut must
   * not leave a blob or a layer that looks whole with its data lost.  One
   * syncfs for all the temp files of this import (the layer workers wrote
   * them); the small blobs are synced as they are written. */
  if (syncfs (s->dirfd) < 0)
    return bento_err_make (err, errno, "commit image: sync the store");
  /* blobs first, then layers, then the record that makes them reachable */
  if (store_put_blob (s, im->config, im->config_len, im->m.config.digest, NULL, err) < 0
      || store_put_blob (s, im->manifest, im->manifest_len, im->manifest_digest, NULL, err) < 0)
    return bento_err_wrap (err, "commit image");
  for (size_t i = 0; i < im->m.n_layers; i++)
    {
      struct import_layer *l = &im->layers[i];
      if (l->blob_tmp)
        {
          if (store_commit_blob (s, l->blob_tmp, im->m.layers[i].digest, err) < 0)
            return bento_err_wrap (err, "commit image");
          free (l->blob_tmp);
          l->blob_tmp = NULL;
        }
      if (l->need_unpack && l->done && layer_job_commit (s, &l->job, err) < 0)
        return bento_err_wrap (err, "commit image");
    }
  struct image_record r;
  int ret = build_record (s, im, &r, err);
  if (ret == 0)
    ret = store_add_image (s, &r, err);
  image_record_free (&r);
  if (ret < 0)
    return bento_err_wrap (err, "commit image");
  snprintf (id, DIGEST_MAX, "%s", im->m.config.digest);
  return 0;
}

void
import_abort (struct store *s, struct import *im)
{
  for (size_t i = 0; im->layers && i < im->m.n_layers; i++)
    {
      struct import_layer *l = &im->layers[i];
      if (l->blob_tmp)
        unlinkat (s->dirfd, l->blob_tmp, 0);
      free (l->blob_tmp);
      l->blob_tmp = NULL;
      layer_job_abort (s, &l->job);
    }
}

void
import_free (struct import *im)
{
  for (size_t i = 0; im->layers && i < im->m.n_layers; i++)
    {
      free (im->layers[i].blob_tmp);
      free (im->layers[i].job.tmp_rel);
    }
  free (im->layers);
  free (im->manifest);
  free (im->config);
  manifest_free (&im->m);
  image_config_free (&im->c);
  strv_free (im->names);
  memset (im, 0, sizeof *im);
}
