#include "engine/load.h"
#include "engine/fsutil.h"
#include "engine/import.h"
#include "engine/reference.h"
#include "shared/cleanup.h"
#include "shared/log.h"
#include "spec/json.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


#define MAX_JOBS 4

struct staged
{
  char *name;               /* path in the archive, cleaned */
  char digest[DIGEST_MAX];
  char *rel;                /* store-relative staged file */
};

struct load
{
  struct store *s;
  const char *path;
  int layout_fd;            /* OCI layout directory, or -1 */
  char *stage;              /* tmp/<pid>-load-<rand> */
  struct staged *files;
  size_t n_files;
  char *index_json, *manifest_json;
  size_t index_len, manifest_len;
  struct import *images;
  size_t n_images;
};

static struct staged *
find_staged (struct load *l, const char *name_or_digest)
{
  for (size_t i = 0; i < l->n_files; i++)
    if (strcmp (l->files[i].name, name_or_digest) == 0 || strcmp (l->files[i].digest, name_or_digest) == 0)
      return &l->files[i];
  return NULL;
}

static struct staged *
add_staged (struct load *l, const char *name, bento_err *err)
{
  struct staged *g = realloc (l->files, (l->n_files + 1) * sizeof *g);
  if (g == NULL)
    return bento_err_make (err, ENOMEM, "load"), NULL;
  l->files = g;
  struct staged *f = &g[l->n_files];
  memset (f, 0, sizeof *f);
  f->name = strdup (name);
  f->rel = xasprintf ("%s/f%zu", l->stage, l->n_files);
  if (f->name == NULL || f->rel == NULL)
    {
      free (f->name);
      free (f->rel);
      return bento_err_make (err, ENOMEM, "load"), NULL;
    }
  l->n_files++;
  return f;
}

/* Copy what READ gives into a staged file, hashing it. */
typedef ssize_t (*chunk_fn) (void *src, const void **buf);

static int
stage_stream (struct load *l, struct staged *f, chunk_fn next, void *src, const char *algo, bento_err *err)
{
  _cleanup_close_ int fd = openat (l->s->dirfd, f->rel, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  _cleanup_digester_ struct digester *d = digester_new (algo);
  if (fd < 0)
    return bento_err_make (err, errno, "create `%s/%s`", l->s->root, f->rel);
  if (d == NULL)
    return bento_err_make (err, ENOMEM, "load");
  const void *buf;
  ssize_t n;
  while ((n = next (src, &buf)) > 0)
    {
      digester_update (d, buf, (size_t) n);
      if (write_all (fd, buf, (size_t) n) < 0)
        return bento_err_make (err, errno, "write `%s/%s`", l->s->root, f->rel);
    }
  if (n < 0)
    return bento_err_make (err, 0, "read `%s` from the archive", f->name);
  digester_final (d, f->digest);
  return 0;
}

static ssize_t
archive_chunk (void *src, const void **buf)
{
  size_t size;
  la_int64_t off;
  int r = archive_read_data_block (src, buf, &size, &off);
  if (r == ARCHIVE_EOF)
    return 0;
  return r == ARCHIVE_OK ? (ssize_t) size : -1;
}

static int
read_small (struct archive *a, char **out, size_t *len, const char *name, bento_err *err)
{
  size_t cap = 0;
  char *b = NULL;
  *len = 0;
  for (;;)
    {
      const void *buf;
      ssize_t n = archive_chunk (a, &buf);
      if (n < 0)
        {
          free (b);
          return bento_err_make (err, 0, "read `%s`: %s", name, archive_error_string (a));
        }
      if (n == 0)
        break;
      if (*len + (size_t) n > MANIFEST_MAX_SIZE)
        {
          free (b);
          return bento_err_make (err, 0, "`%s` is over %d MiB", name, MANIFEST_MAX_SIZE >> 20);
        }
      if (*len + (size_t) n + 1 > cap)
        {
          cap = (*len + (size_t) n + 1) * 2;
          char *g = realloc (b, cap);
          if (g == NULL)
            {
              free (b);
              return bento_err_make (err, ENOMEM, "load");
            }
          b = g;
        }
      if (b == NULL)
        return bento_err_make (err, ENOMEM, "load");
      memcpy (b + *len, buf, (size_t) n);
      *len += (size_t) n;
    }
  if (b == NULL && (b = malloc (1)) == NULL)
    return bento_err_make (err, ENOMEM, "load");
  b[*len] = '\0';
  free (*out);
  *out = b;
  return 0;
}

/* blobs/<algo>/<hex> -> "<algo>:<hex>", else NULL */
static bool
blob_name_digest (const char *name, char out[DIGEST_MAX])
{
  const char *p = name;
  if (strncmp (p, "blobs/", 6) != 0)
    return false;
  p += 6;
  const char *slash = strchr (p, '/');
  if (slash == NULL || (size_t) (slash - p) > 8)
    return false;
  snprintf (out, DIGEST_MAX, "%.*s:%s", (int) (slash - p), p, slash + 1);
  return digest_valid (out);
}

static int
read_tar_entry (struct load *l, struct archive *a, struct archive_entry *e, bento_err *err)
{
  char name[PATH_MAX], want[DIGEST_MAX];
  bento_err ignore = BENTO_ERR_INIT;
  if (archive_entry_filetype (e) != AE_IFREG)
    return 0;
  if (unpack_clean_name (archive_entry_pathname (e), name, sizeof name, &ignore) < 0)
    {
      bento_err_clear (&ignore);
      return 0; /* never extracted: only content-addressed blobs are used */
    }
  if (strcmp (name, "index.json") == 0)
    return read_small (a, &l->index_json, &l->index_len, name, err);
  if (strcmp (name, "manifest.json") == 0)
    return read_small (a, &l->manifest_json, &l->manifest_len, name, err);
  if (strcmp (name, "oci-layout") == 0 || strcmp (name, "repositories") == 0)
    return 0;
  bool is_blob = blob_name_digest (name, want);
  struct staged *f = add_staged (l, name, err);
  if (f == NULL || stage_stream (l, f, archive_chunk, a, is_blob ? want : "sha256", err) < 0)
    return -1;
  if (is_blob && strcmp (f->digest, want) != 0)
    return bento_err_make (err, 0, "`%s` in the archive is corrupt: its content hashes to %s", name, f->digest);
  return 0;
}

static int
read_tar (struct load *l, bento_err *err)
{
  struct archive *a = archive_read_new ();
  struct archive_entry *e;
  int r = 0;
  if (a == NULL)
    return bento_err_make (err, ENOMEM, "load");
  archive_read_support_format_tar (a);
  archive_read_support_filter_all (a);
  if ((strcmp (l->path, "-") == 0 ? archive_read_open_fd (a, 0, 1 << 16)
                                  : archive_read_open_filename (a, l->path, 1 << 16))
      != ARCHIVE_OK)
    {
      r = bento_err_make (err, 0, "open `%s`: %s", l->path, archive_error_string (a));
      archive_read_free (a);
      return r;
    }
  while (r == 0 && (r = archive_read_next_header (a, &e)) != ARCHIVE_EOF)
    {
      if (r < ARCHIVE_WARN)
        {
          r = bento_err_make (err, 0, "read `%s`: %s", l->path, archive_error_string (a));
          break;
        }
      r = read_tar_entry (l, a, e, err);
    }
  if (r == ARCHIVE_EOF)
    r = 0;
  archive_read_free (a);
  return r;
}

struct fd_src
{
  int fd;
  char buf[1 << 16];
};

static ssize_t
fd_chunk (void *src, const void **buf)
{
  struct fd_src *f = src;
  ssize_t n;
  do
    n = read (f->fd, f->buf, sizeof f->buf);
  while (n < 0 && errno == EINTR);
  *buf = f->buf;
  return n;
}

/* The staged copy of blob DIGEST (from the layout dir, copied on demand). */
static struct staged *
get_blob (struct load *l, const char *digest, bento_err *err)
{
  struct staged *f = find_staged (l, digest);
  if (f || l->layout_fd < 0)
    {
      if (f == NULL)
        bento_err_make (err, 0, "blob %s is not in the archive", digest);
      return f;
    }
  char name[DIGEST_MAX + 16];
  snprintf (name, sizeof name, "blobs/%.*s/%s", (int) strcspn (digest, ":"), digest, digest_hex (digest));
  _cleanup_free_ struct fd_src *src = calloc (1, sizeof *src);
  if (src == NULL)
    return bento_err_make (err, ENOMEM, "load"), NULL;
  src->fd = openat (l->layout_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (src->fd < 0)
    return bento_err_make (err, errno, "open `%s/%s`", l->path, name), NULL;
  f = add_staged (l, name, err);
  int r = f ? stage_stream (l, f, fd_chunk, src, digest, err) : -1;
  close (src->fd);
  if (r < 0)
    return NULL;
  if (strcmp (f->digest, digest) != 0)
    return bento_err_make (err, 0, "`%s/%s` is corrupt: its content hashes to %s", l->path, name, f->digest), NULL;
  return f;
}

/* A blob from the archive, else from the store, else (layout dir) copied in. */
static struct staged *
want_blob (struct load *l, const char *digest, bool *in_store, bento_err *err)
{
  struct staged *f = find_staged (l, digest);
  *in_store = false;
  if (f)
    return f;
  _cleanup_free_ char *rel = store_blob_relpath (digest);
  if (rel && store_has (l->s, rel))
    {
      *in_store = true;
      return NULL;
    }
  return get_blob (l, digest, err);
}

static int
read_blob (struct load *l, const char *digest, size_t max, char **buf, size_t *len, bento_err *err)
{
  bool in_store;
  struct staged *f = want_blob (l, digest, &in_store, err);
  if (in_store)
    return store_read_blob (l->s, digest, max, buf, len, err);
  if (f == NULL)
    return -1;
  return read_file_at (l->s->dirfd, f->rel, max, buf, len, err);
}

static int
add_name (struct import *im, const char *raw, bento_err *err)
{
  struct image_ref ref;
  if (ref_parse (raw, &ref, err) < 0)
    return -1;
  _cleanup_free_ char *full = ref_string (&ref);
  ref_free (&ref);
  size_t n = 0;
  while (im->names && im->names[n])
    n++;
  char **g = realloc (im->names, (n + 2) * sizeof *g);
  if (g == NULL || full == NULL)
    return bento_err_make (err, ENOMEM, "load");
  im->names = g;
  g[n] = TAKE_PTR (full);
  g[n + 1] = NULL;
  return 0;
}

static struct import *
new_image (struct load *l, bento_err *err)
{
  struct import *g = realloc (l->images, (l->n_images + 1) * sizeof *g);
  if (g == NULL)
    return bento_err_make (err, ENOMEM, "load"), NULL;
  l->images = g;
  memset (&g[l->n_images], 0, sizeof *g);
  return &g[l->n_images++];
}

/* Manifest bytes + config: the image's parts, checked. */
static int
prepare_image (struct load *l, struct import *im, const char *manifest, size_t len, bento_err *err)
{
  _cleanup_free_ char *config = NULL;
  size_t clen;
  if (import_prepare (l->s, im, manifest, len, NULL, err) < 0
      || read_blob (l, im->m.config.digest, CONFIG_MAX_SIZE, &config, &clen, err) < 0
      || import_set_config (im, config, clen, err) < 0)
    return -1;
  for (size_t i = 0; i < im->m.n_layers; i++)
    {
      bool in_store;
      struct staged *f = want_blob (l, im->m.layers[i].digest, &in_store, err);
      if (in_store)
        continue;
      if (f == NULL)
        return bento_err_wrap (err, "layers[%zu]", i);
      im->layers[i].blob_tmp = strdup (f->rel);
      if (im->layers[i].blob_tmp == NULL)
        return bento_err_make (err, ENOMEM, "load");
    }
  return 0;
}

static int
load_oci_descriptor (struct load *l, const struct descriptor *d, bento_err *err)
{
  _cleanup_free_ char *buf = NULL;
  size_t len;
  if (read_blob (l, d->digest, MANIFEST_MAX_SIZE, &buf, &len, err) < 0)
    return -1;
  if (strcmp (d->media_type, MT_OCI_INDEX) == 0 || strcmp (d->media_type, MT_DOCKER_LIST) == 0)
    {
      struct manifest idx;
      struct platform host;
      size_t which = 0;
      if (manifest_parse (buf, len, d->media_type, &idx, err) < 0)
        return -1;
      if (platform_host (&host) < 0)
        {
          manifest_free (&idx);
          return bento_err_make (err, ENOMEM, "load");
        }
      int r = manifest_select (&idx, &host, &which, err);
      platform_free (&host);
      if (r == 0)
        {
          struct descriptor sel;
          if (descriptor_copy (&idx.manifests[which], &sel) < 0)
            r = bento_err_make (err, ENOMEM, "load");
          else
            {
              free (sel.ref_name);
              sel.ref_name = d->ref_name ? strdup (d->ref_name) : NULL;
              r = load_oci_descriptor (l, &sel, err);
              descriptor_free (&sel);
            }
        }
      manifest_free (&idx);
      return r;
    }
  struct import *im = new_image (l, err);
  if (im == NULL || prepare_image (l, im, buf, len, err) < 0)
    return -1;
  /* a full reference names the image; a bare tag ("latest") cannot */
  if (d->ref_name && (strchr (d->ref_name, '/') || strchr (d->ref_name, ':')) && add_name (im, d->ref_name, err) < 0)
    return bento_err_wrap (err, "image name `%s`", d->ref_name);
  return 0;
}

static int
load_oci (struct load *l, bento_err *err)
{
  struct manifest idx;
  if (manifest_parse (l->index_json, l->index_len, MT_OCI_INDEX, &idx, err) < 0)
    return bento_err_wrap (err, "index.json");
  int r = 0;
  if (idx.kind != MANIFEST_INDEX)
    r = bento_err_make (err, 0, "index.json is not an image index");
  for (size_t i = 0; r == 0 && i < idx.n_manifests; i++)
    r = load_oci_descriptor (l, &idx.manifests[i], err);
  manifest_free (&idx);
  return r;
}

/* A docker-archive entry: an OCI manifest made from manifest.json's paths. */
static int
load_docker_entry (struct load *l, json_t *entry, const char *path, bento_err *err)
{
  _cleanup_free_ char *config = NULL;
  _cleanup_strv_ char **layers = NULL, **tags = NULL;
  size_t n_layers = 0;
  if (jget_string (entry, "Config", path, true, &config, err) < 0
      || jget_strv (entry, "Layers", path, &layers, &n_layers, err) < 0
      || jget_strv (entry, "RepoTags", path, &tags, NULL, err) < 0)
    return -1;
  struct staged *cf = find_staged (l, config);
  if (cf == NULL)
    return bento_err_make (err, 0, "%s.Config: `%s` is not in the archive", path, config);
  struct stat st;
  _cleanup_ (json_decrefp) json_t *m = json_pack ("{s:i, s:s, s:{s:s, s:s, s:I}, s:[]}", "schemaVersion", 2,
                                                   "mediaType", MT_OCI_MANIFEST, "config", "mediaType", MT_OCI_CONFIG,
                                                   "digest", cf->digest, "size",
                                                   (json_int_t) (fstatat (l->s->dirfd, cf->rel, &st, 0) == 0 ? st.st_size : 0),
                                                   "layers");
  for (size_t i = 0; m && i < n_layers; i++)
    {
      struct staged *lf = find_staged (l, layers[i]);
      unsigned char magic[4] = { 0 };
      if (lf == NULL)
        return bento_err_make (err, 0, "%s.Layers[%zu]: `%s` is not in the archive", path, i, layers[i]);
      _cleanup_close_ int fd = openat (l->s->dirfd, lf->rel, O_RDONLY | O_CLOEXEC);
      if (fd < 0 || fstat (fd, &st) < 0)
        return bento_err_make (err, errno, "open `%s`", lf->rel);
      if (read (fd, magic, 4) < 0)
        return bento_err_make (err, errno, "read `%s`", lf->rel);
      const char *mt = magic[0] == 0x1f && magic[1] == 0x8b ? MT_OCI_LAYER_GZIP
                       : magic[0] == 0x28 && magic[1] == 0xb5 ? MT_OCI_LAYER_ZSTD
                                                              : MT_OCI_LAYER;
      json_array_append_new (json_object_get (m, "layers"), json_pack ("{s:s, s:s, s:I}", "mediaType", mt, "digest",
                                                                       lf->digest, "size", (json_int_t) st.st_size));
    }
  _cleanup_free_ char *text = m ? json_dumps (m, JSON_COMPACT) : NULL;
  if (text == NULL)
    return bento_err_make (err, ENOMEM, "load");
  struct import *im = new_image (l, err);
  if (im == NULL || prepare_image (l, im, text, strlen (text), err) < 0)
    return -1;
  for (size_t i = 0; tags && tags[i]; i++)
    if (add_name (im, tags[i], err) < 0)
      return bento_err_wrap (err, "%s.RepoTags[%zu]", path, i);
  return 0;
}

static int
load_docker (struct load *l, bento_err *err)
{
  json_error_t jerr;
  _cleanup_ (json_decrefp) json_t *root = json_loadb (l->manifest_json, l->manifest_len, 0, &jerr);
  if (root == NULL)
    return bento_err_make (err, 0, "manifest.json: line %d: %s", jerr.line, jerr.text);
  if (!json_is_array (root))
    return bento_err_make (err, 0, "manifest.json: expected an array");
  for (size_t i = 0; i < json_array_size (root); i++)
    {
      json_t *e;
      _cleanup_free_ char *p = jpath_index ("manifest.json", i);
      if (jelem_object (root, i, "manifest.json", &e, err) < 0 || load_docker_entry (l, e, p, err) < 0)
        return -1;
    }
  return 0;
}

static bool
diff_id_pending (struct load *l, size_t upto_image, size_t upto_layer, const char *diff_id)
{
  for (size_t i = 0; i <= upto_image && i < l->n_images; i++)
    for (size_t j = 0; j < l->images[i].m.n_layers; j++)
      {
        if (i == upto_image && j >= upto_layer)
          return false;
        if (l->images[i].layers[j].need_unpack && strcmp (l->images[i].c.diff_ids[j], diff_id) == 0)
          return true;
      }
  return false;
}

static int
start_job (struct load *l, struct import *im, size_t i, bento_err *err)
{
  struct import_layer *il = &im->layers[i];
  _cleanup_free_ char *rel = il->blob_tmp ? strdup (il->blob_tmp) : store_blob_relpath (im->m.layers[i].digest);
  if (rel == NULL)
    return bento_err_make (err, ENOMEM, "load");
  _cleanup_close_ int fd = openat (l->s->dirfd, rel, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return bento_err_make (err, errno, "open `%s`", rel);
  il->job.defer_commit = true;
  if (layer_job_start (l->s, &il->job, fd, err) < 0)
    return -1;
  il->started = true;
  return 0;
}

/* Unpack every missing layer, MAX_JOBS workers at a time. */
static int
unpack_layers (struct load *l, bento_err *err)
{
  struct import_layer *running[MAX_JOBS];
  size_t n_running = 0;
  for (size_t i = 0; i < l->n_images; i++)
    for (size_t j = 0; j < l->images[i].m.n_layers; j++)
      {
        struct import *im = &l->images[i];
        _cleanup_free_ char *lrel = store_layer_relpath (im->c.diff_ids[j]);
        im->layers[j].need_unpack = !store_has (l->s, lrel) && !diff_id_pending (l, i, j, im->c.diff_ids[j]);
        if (!im->layers[j].need_unpack)
          continue;
        if (n_running == MAX_JOBS)
          {
            struct import_layer *done = running[0];
            memmove (running, running + 1, --n_running * sizeof *running);
            if (layer_job_finish (l->s, &done->job, err) < 0)
              return -1;
            done->done = true;
          }
        if (start_job (l, im, j, err) < 0)
          return bento_err_wrap (err, "layer %s", im->m.layers[j].digest);
        running[n_running++] = &im->layers[j];
      }
  for (size_t k = 0; k < n_running; k++)
    {
      if (layer_job_finish (l->s, &running[k]->job, err) < 0)
        return -1;
      running[k]->done = true;
    }
  /* what an unprivileged unpack could not keep, said as pull says it */
  for (size_t i = 0; i < l->n_images; i++)
    for (size_t j = 0; j < l->images[i].m.n_layers; j++)
      if (l->images[i].layers[j].need_unpack)
        layer_report_notes (l->s, &l->images[i].layers[j].job.res);
  return 0;
}

static int
commit_all (struct load *l, char ***loaded, bento_err *err)
{
  size_t n = 0;
  for (size_t i = 0; i < l->n_images; i++)
    {
      char id[DIGEST_MAX];
      if (import_commit (l->s, &l->images[i], id, err) < 0)
        return -1;
      for (size_t j = 0; l->images[i].names && l->images[i].names[j]; j++)
        n++;
      if (l->images[i].names == NULL || l->images[i].names[0] == NULL)
        n++;
    }
  char **v = calloc (n + 1, sizeof *v);
  size_t k = 0;
  for (size_t i = 0; v && i < l->n_images; i++)
    {
      struct import *im = &l->images[i];
      if (im->names == NULL || im->names[0] == NULL)
        v[k++] = strdup (im->m.config.digest);
      for (size_t j = 0; im->names && im->names[j]; j++)
        v[k++] = strdup (im->names[j]);
    }
  *loaded = v;
  return v ? 0 : bento_err_make (err, ENOMEM, "load");
}

static int
load_run (struct load *l, char ***loaded, bento_err *err)
{
  struct stat st;
  if (strcmp (l->path, "-") != 0 && stat (l->path, &st) < 0)
    return bento_err_make (err, errno, "open `%s`", l->path);
  if (strcmp (l->path, "-") != 0 && S_ISDIR (st.st_mode))
    {
      l->layout_fd = open (l->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (l->layout_fd < 0)
        return bento_err_make (err, errno, "open `%s`", l->path);
      if (read_file_at (l->layout_fd, "index.json", MANIFEST_MAX_SIZE, &l->index_json, &l->index_len, err) < 0)
        return bento_err_wrap (err, "`%s` is not an OCI image layout", l->path);
    }
  else if (read_tar (l, err) < 0)
    return -1;

  if (l->index_json)
    {
      if (load_oci (l, err) < 0)
        return -1;
    }
  else if (l->manifest_json)
    {
      if (load_docker (l, err) < 0)
        return -1;
    }
  else
    return bento_err_make (err, 0, "`%s` is not an image archive (no index.json or manifest.json)", l->path);
  if (l->n_images == 0)
    return bento_err_make (err, 0, "`%s` holds no image", l->path);
  if (unpack_layers (l, err) < 0)
    return -1;
  return commit_all (l, loaded, err);
}

int
image_load (struct store *s, const char *path, char ***loaded, bento_err *err)
{
  struct load l = { .s = s, .path = path, .layout_fd = -1 };
  *loaded = NULL;
  if (store_lock_gc (s, false, err) < 0)
    return -1;
  store_clean_tmp (s);
  l.stage = store_tmp_name (s, "load");
  if (l.stage == NULL)
    return bento_err_make (err, ENOMEM, "load");
  int r = -1;
  if (mkdirat (s->dirfd, l.stage, 0700) < 0)
    bento_err_make (err, errno, "create `%s/%s`", s->root, l.stage);
  else
    r = load_run (&l, loaded, err);
  bento_err cerr = BENTO_ERR_INIT;
  for (size_t i = 0; i < l.n_images; i++)
    {
      if (r < 0)
        import_abort (s, &l.images[i]);
      import_free (&l.images[i]);
    }
  rm_rf_at (s->dirfd, l.stage, &cerr);
  bento_err_clear (&cerr);
  for (size_t i = 0; i < l.n_files; i++)
    {
      free (l.files[i].name);
      free (l.files[i].rel);
    }
  free (l.files);
  free (l.images);
  free (l.stage);
  free (l.index_json);
  free (l.manifest_json);
  if (l.layout_fd >= 0)
    close (l.layout_fd);
  store_unlock_gc (s);
  if (r < 0)
    return bento_err_wrap (err, "load `%s`", path);
  return 0;
}
