/* What pull and load share: an image assembled from a manifest, its
 * config and its layers, checked, then committed to the store in one go
 * (blobs, layer dirs, record) only once every part is verified. */
#ifndef BENTO_ENGINE_IMPORT_H
#define BENTO_ENGINE_IMPORT_H

#include "engine/image-config.h"
#include "engine/layer.h"
#include "engine/manifest.h"
#include "engine/store.h"

struct import_layer
{
  struct layer_job job;
  char *blob_tmp;     /* staged blob (tmp/...), or NULL when already in blobs/ */
  bool need_unpack;   /* layers/<diff-id> missing */
  bool started, done;
};

struct import
{
  char *manifest;
  size_t manifest_len;
  char manifest_digest[DIGEST_MAX];
  struct manifest m;
  char *config;
  size_t config_len;
  struct image_config c;
  struct import_layer *layers; /* m.n_layers of them */
  char **names;                /* NULL-terminated, may be NULL */
};

/* Parse and cross-check manifest bytes and config bytes (config digest and
 * size, one diff-id per layer, known layer media types). */
int import_prepare (struct store *s, struct import *im, const char *manifest, size_t mlen, const char *content_type,
                    bento_err *err);
int import_set_config (struct import *im, const char *config, size_t len, bento_err *err);

/* Commit staged blobs, deferred layer dirs, the manifest and config blobs
 * and the record; fills *ID.  Call with the gc lock held. */
int import_commit (struct store *s, struct import *im, char id[DIGEST_MAX], bento_err *err);
/* Undo everything staged (temp blobs, temp layer dirs, workers). */
void import_abort (struct store *s, struct import *im);
void import_free (struct import *im);

#endif
