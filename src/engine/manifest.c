#include "engine/manifest.h"
#include "engine/digest.h"
#include "shared/cleanup.h"
#include "spec/json.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>


void
platform_free (struct platform *p)
{
  free (p->os);
  free (p->architecture);
  free (p->variant);
  memset (p, 0, sizeof *p);
}

void
descriptor_free (struct descriptor *d)
{
  free (d->media_type);
  free (d->digest);
  free (d->ref_name);
  platform_free (&d->platform);
  memset (d, 0, sizeof *d);
}

static char *
strdup_or_null (const char *s)
{
  return s ? strdup (s) : NULL;
}

int
descriptor_copy (const struct descriptor *src, struct descriptor *dst)
{
  *dst = *src;
  dst->media_type = strdup_or_null (src->media_type);
  dst->digest = strdup_or_null (src->digest);
  dst->ref_name = strdup_or_null (src->ref_name);
  dst->platform.os = strdup_or_null (src->platform.os);
  dst->platform.architecture = strdup_or_null (src->platform.architecture);
  dst->platform.variant = strdup_or_null (src->platform.variant);
  if ((src->media_type && !dst->media_type) || (src->digest && !dst->digest) || (src->ref_name && !dst->ref_name)
      || (src->platform.os && !dst->platform.os) || (src->platform.architecture && !dst->platform.architecture)
      || (src->platform.variant && !dst->platform.variant))
    {
      descriptor_free (dst);
      errno = ENOMEM;
      return -1;
    }
  return 0;
}

void
manifest_free (struct manifest *m)
{
  free (m->media_type);
  descriptor_free (&m->config);
  for (size_t i = 0; i < m->n_layers; i++)
    descriptor_free (&m->layers[i]);
  free (m->layers);
  for (size_t i = 0; i < m->n_manifests; i++)
    descriptor_free (&m->manifests[i]);
  free (m->manifests);
  memset (m, 0, sizeof *m);
}

static int
parse_platform (json_t *obj, const char *path, struct platform *p, bento_err *err)
{
  if (jget_string (obj, "os", path, true, &p->os, err) < 0
      || jget_string (obj, "architecture", path, true, &p->architecture, err) < 0
      || jget_string (obj, "variant", path, false, &p->variant, err) < 0)
    return -1;
  return 0;
}

static int
parse_descriptor (json_t *obj, const char *path, struct descriptor *d, bento_err *err)
{
  json_t *plat = NULL, *ann = NULL;
  if (jget_string (obj, "mediaType", path, true, &d->media_type, err) < 0
      || jget_string (obj, "digest", path, true, &d->digest, err) < 0
      || jget_range (obj, "size", path, true, 0, INT64_MAX, &d->size, err) < 0)
    return -1;
  _cleanup_free_ char *dpath = jpath_key (path, "digest");
  if (digest_check (d->digest, dpath, err) < 0)
    return -1;
  int r = jget_object (obj, "platform", path, false, &plat, err);
  if (r < 0)
    return -1;
  if (r > 0)
    {
      _cleanup_free_ char *ppath = jpath_key (path, "platform");
      if (parse_platform (plat, ppath, &d->platform, err) < 0)
        return -1;
      d->has_platform = true;
    }
  if (jget_object (obj, "annotations", path, false, &ann, err) < 0)
    return -1;
  if (ann)
    {
      _cleanup_free_ char *apath = jpath_key (path, "annotations");
      if (jget_string (ann, "org.opencontainers.image.ref.name", apath, false, &d->ref_name, err) < 0)
        return -1;
    }
  return 0;
}

static int
parse_descriptor_array (json_t *root, const char *key, bool required, struct descriptor **out, size_t *n,
                        bento_err *err)
{
  json_t *arr = NULL;
  int r = jget (root, key, "", JSON_ARRAY, required, &arr, err);
  if (r <= 0)
    return r;
  size_t len = json_array_size (arr);
  *out = calloc (len ? len : 1, sizeof **out);
  if (*out == NULL)
    return bento_err_make (err, ENOMEM, "%s", key);
  for (size_t i = 0; i < len; i++)
    {
      json_t *e;
      _cleanup_free_ char *path = jpath_index (key, i);
      *n = i + 1;
      if (jelem_object (arr, i, key, &e, err) < 0 || parse_descriptor (e, path, &(*out)[i], err) < 0)
        return -1;
    }
  *n = len;
  return 0;
}

static bool
is_schema1 (const char *mt)
{
  return mt && (strcmp (mt, MT_DOCKER_SCHEMA1) == 0 || strcmp (mt, MT_DOCKER_SCHEMA1_SIGNED) == 0);
}

/* The media type: the JSON's own, else the HTTP header's, else the shape. */
static int
decide_media_type (json_t *root, const char *content_type, struct manifest *m, bento_err *err)
{
  json_int_t schema = json_integer_value (json_object_get (root, "schemaVersion"));
  if (jget_string (root, "mediaType", "", false, &m->media_type, err) < 0)
    return -1;
  if (schema == 1 || is_schema1 (m->media_type) || is_schema1 (content_type))
    return bento_err_make (err, 0, "Docker schema 1 manifests are not supported (deprecated; push the image again "
                                   "with a current client)");
  if (m->media_type == NULL && content_type && *content_type && strcmp (content_type, "application/json") != 0
      && strncmp (content_type, "text/plain", 10) != 0)
    m->media_type = strndup (content_type, strcspn (content_type, "; "));
  if (m->media_type == NULL)
    m->media_type = strdup (json_object_get (root, "manifests") ? MT_OCI_INDEX : MT_OCI_MANIFEST);
  if (m->media_type == NULL)
    return bento_err_make (err, ENOMEM, "manifest");
  if (strcmp (m->media_type, MT_OCI_MANIFEST) == 0 || strcmp (m->media_type, MT_DOCKER_MANIFEST) == 0)
    m->kind = MANIFEST_IMAGE;
  else if (strcmp (m->media_type, MT_OCI_INDEX) == 0 || strcmp (m->media_type, MT_DOCKER_LIST) == 0)
    m->kind = MANIFEST_INDEX;
  else
    return bento_err_make (err, 0, "unknown manifest media type `%s`", m->media_type);
  if (schema != 2)
    return bento_err_make (err, 0, "schemaVersion: want 2");
  return 0;
}

static int
manifest_parse_into (const char *buf, size_t len, const char *content_type, struct manifest *m, bento_err *err)
{
  json_error_t jerr;
  if (len > MANIFEST_MAX_SIZE)
    return bento_err_make (err, 0, "manifest of %zu bytes is over the %d MiB limit", len, MANIFEST_MAX_SIZE >> 20);
  _cleanup_ (json_decrefp) json_t *root = json_loadb (buf, len, JSON_REJECT_DUPLICATES, &jerr);
  if (root == NULL)
    return bento_err_make (err, 0, "manifest is not valid JSON: line %d column %d: %s", jerr.line, jerr.column,
                           jerr.text);
  if (!json_is_object (root))
    return bento_err_make (err, 0, "manifest is not a JSON object");
  if (decide_media_type (root, content_type, m, err) < 0)
    return -1;
  if (m->kind == MANIFEST_INDEX)
    return parse_descriptor_array (root, "manifests", true, &m->manifests, &m->n_manifests, err);

  json_t *config;
  if (jget_object (root, "config", "", true, &config, err) < 0 || parse_descriptor (config, "config", &m->config, err) < 0)
    return -1;
  return parse_descriptor_array (root, "layers", true, &m->layers, &m->n_layers, err);
}

int
manifest_parse (const char *buf, size_t len, const char *content_type, struct manifest *out, bento_err *err)
{
  memset (out, 0, sizeof *out);
  if (manifest_parse_into (buf, len, content_type, out, err) < 0)
    {
      manifest_free (out);
      return -1;
    }
  return 0;
}

int
layer_media_type (const char *mt, enum layer_compression *c, bento_err *err)
{
  static const struct
  {
    const char *type;
    enum layer_compression c;
  } known[] = {
    { MT_OCI_LAYER, LAYER_UNCOMPRESSED },
    { MT_OCI_LAYER_GZIP, LAYER_GZIP },
    { MT_OCI_LAYER_ZSTD, LAYER_ZSTD },
    { MT_DOCKER_LAYER_GZIP, LAYER_GZIP },
    { "application/vnd.docker.image.rootfs.diff.tar", LAYER_UNCOMPRESSED },
    { "application/vnd.oci.image.layer.nondistributable.v1.tar", LAYER_UNCOMPRESSED },
    { "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", LAYER_GZIP },
    { "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd", LAYER_ZSTD },
    { "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", LAYER_GZIP },
  };
  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
    if (strcmp (mt, known[i].type) == 0)
      {
        *c = known[i].c;
        return 0;
      }
  return bento_err_make (err, 0, "unknown layer media type `%s`", mt);
}

int
platform_parse (const char *s, struct platform *out, bento_err *err)
{
  memset (out, 0, sizeof *out);
  _cleanup_free_ char *buf = strdup (s);
  if (buf == NULL)
    return bento_err_make (err, ENOMEM, "platform");
  char *save = NULL;
  char *os = strtok_r (buf, "/", &save), *arch = strtok_r (NULL, "/", &save), *variant = strtok_r (NULL, "/", &save);
  if (os == NULL || arch == NULL || strtok_r (NULL, "/", &save) != NULL)
    return bento_err_make (err, 0, "invalid platform `%s` (want os/arch[/variant])", s);
  out->os = strdup (os);
  out->architecture = strdup (arch);
  out->variant = variant ? strdup (variant) : NULL;
  if (out->os == NULL || out->architecture == NULL || (variant && out->variant == NULL))
    {
      platform_free (out);
      return bento_err_make (err, ENOMEM, "platform");
    }
  return 0;
}

/* uname's machine names in Go's GOARCH words, as image platforms use them. */
int
platform_host (struct platform *out)
{
  struct utsname u;
  const char *arch = "amd64", *variant = NULL;
  memset (out, 0, sizeof *out);
  if (uname (&u) == 0)
    {
      if (strcmp (u.machine, "aarch64") == 0)
        arch = "arm64", variant = "v8";
      else if (strncmp (u.machine, "armv7", 5) == 0)
        arch = "arm", variant = "v7";
      else if (strcmp (u.machine, "i686") == 0 || strcmp (u.machine, "i386") == 0)
        arch = "386";
      else if (strcmp (u.machine, "ppc64le") == 0 || strcmp (u.machine, "s390x") == 0
               || strcmp (u.machine, "riscv64") == 0)
        arch = u.machine;
    }
  out->os = strdup ("linux");
  out->architecture = strdup (arch);
  out->variant = variant ? strdup (variant) : NULL;
  if (out->os == NULL || out->architecture == NULL || (variant && out->variant == NULL))
    {
      platform_free (out);
      errno = ENOMEM;
      return -1;
    }
  return 0;
}

char *
platform_string (const struct platform *p)
{
  char *s;
  if (asprintf (&s, "%s/%s%s%s", p->os ? p->os : "?", p->architecture ? p->architecture : "?",
                p->variant ? "/" : "", p->variant ? p->variant : "")
      < 0)
    return NULL;
  return s;
}

int
manifest_select (const struct manifest *index, const struct platform *want, size_t *which, bento_err *err)
{
  bool found = false;
  for (size_t i = 0; i < index->n_manifests; i++)
    {
      const struct descriptor *d = &index->manifests[i];
      if (!d->has_platform || strcmp (d->platform.os, want->os) != 0
          || strcmp (d->platform.architecture, want->architecture) != 0)
        continue;
      /* arm64 images rarely say v8; a named variant must match when both have one. */
      if (want->variant && d->platform.variant && strcmp (want->variant, d->platform.variant) != 0)
        continue;
      if (!found || (want->variant && d->platform.variant))
        *which = i;
      found = true;
    }
  if (found)
    return 0;

  _cleanup_free_ char *wanted = platform_string (want);
  char *offered = NULL;
  size_t olen = 0;
  FILE *f = open_memstream (&offered, &olen);
  for (size_t i = 0; f && i < index->n_manifests; i++)
    if (index->manifests[i].has_platform)
      {
        _cleanup_free_ char *p = platform_string (&index->manifests[i].platform);
        fprintf (f, "%s%s", olen || ftell (f) ? ", " : "", p ? p : "?");
      }
  if (f)
    fclose (f);
  bento_err_make (err, 0, "no image for platform %s (the index offers: %s)", wanted ? wanted : "?",
                  offered && *offered ? offered : "none");
  free (offered);
  return -1;
}
