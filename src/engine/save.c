#include "engine/save.h"
#include "engine/fsutil.h"
#include "engine/manifest.h"
#include "shared/cleanup.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* A tar header: a directory (SIZE < 0) or a file of SIZE bytes. */
static int
add_header (struct archive *a, const char *name, la_int64_t size, time_t mtime, bento_err *err)
{
  struct archive_entry *e = archive_entry_new ();
  if (e == NULL)
    return bento_err_make (err, ENOMEM, "save");
  archive_entry_set_pathname (e, name);
  archive_entry_set_filetype (e, size < 0 ? AE_IFDIR : AE_IFREG);
  archive_entry_set_perm (e, size < 0 ? 0755 : 0644);
  if (size >= 0)
    archive_entry_set_size (e, size);
  archive_entry_set_mtime (e, mtime, 0);
  int r = archive_write_header (a, e);
  archive_entry_free (e);
  return r == ARCHIVE_OK ? 0 : bento_err_make (err, 0, "write `%s`: %s", name, archive_error_string (a));
}

static int
add_bytes (struct archive *a, const char *name, const void *buf, size_t len, bento_err *err)
{
  if (add_header (a, name, (la_int64_t) len, time (NULL), err) < 0)
    return -1;
  if (len > 0 && archive_write_data (a, buf, len) != (la_ssize_t) len)
    return bento_err_make (err, 0, "write `%s`: %s", name, archive_error_string (a));
  return 0;
}

static int
add_dir (struct archive *a, const char *name, bento_err *err)
{
  return add_header (a, name, -1, time (NULL), err);
}

static int
add_blob (struct store *s, struct archive *a, const char *digest, bento_err *err)
{
  _cleanup_free_ char *rel = store_blob_relpath (digest);
  _cleanup_free_ char *name = xasprintf ("blobs/%.*s/%s", (int) strcspn (digest, ":"), digest, digest_hex (digest));
  if (rel == NULL || name == NULL)
    return bento_err_make (err, ENOMEM, "save");
  _cleanup_close_ int fd = openat (s->dirfd, rel, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat (fd, &st) < 0)
    return bento_err_make (err, errno, "blob %s", digest);
  if (add_header (a, name, st.st_size, st.st_mtime, err) < 0)
    return -1;
  static char buf[1 << 16];
  ssize_t n;
  while ((n = read (fd, buf, sizeof buf)) > 0)
    if (archive_write_data (a, buf, (size_t) n) != n)
      return bento_err_make (err, 0, "write `%s`: %s", name, archive_error_string (a));
  return n < 0 ? bento_err_make (err, errno, "read blob %s", digest) : 0;
}

static bool
seen (char **v, size_t n, const char *s)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp (v[i], s) == 0)
      return true;
  return false;
}

/* index.json entries for REC, and its blobs (once each) into the archive. */
static int
save_image (struct store *s, struct archive *a, const struct image_record *r, json_t *manifests, char ***done,
            size_t *n_done, bento_err *err)
{
  struct stat st;
  _cleanup_free_ char *mrel = store_blob_relpath (r->digest);
  if (mrel == NULL || fstatat (s->dirfd, mrel, &st, 0) < 0)
    return bento_err_make (err, errno ? errno : ENOMEM, "manifest of %s", r->id);
  for (size_t i = 0; r->names[i] || i == 0; i++)
    {
      json_t *d = json_pack ("{s:s, s:s, s:I}", "mediaType", r->manifest_media_type ? r->manifest_media_type : MT_OCI_MANIFEST,
                             "digest", r->digest, "size", (json_int_t) st.st_size);
      if (d && r->names[i])
        json_object_set_new (d, "annotations", json_pack ("{s:s, s:s}", "org.opencontainers.image.ref.name",
                                                          r->names[i], "io.containerd.image.name", r->names[i]));
      json_array_append_new (manifests, d);
      if (r->names[i] == NULL)
        break;
    }
  const char *blobs[3 + 1024];
  size_t nb = 0;
  blobs[nb++] = r->digest;
  blobs[nb++] = r->id;
  for (size_t i = 0; i < r->n_layers && nb < sizeof blobs / sizeof blobs[0]; i++)
    blobs[nb++] = r->layers[i].digest;
  for (size_t i = 0; i < nb; i++)
    {
      if (seen (*done, *n_done, blobs[i]))
        continue;
      if (add_blob (s, a, blobs[i], err) < 0)
        return -1;
      char **g = realloc (*done, (*n_done + 1) * sizeof *g);
      if (g == NULL)
        return bento_err_make (err, ENOMEM, "save");
      *done = g;
      g[(*n_done)++] = (char *) blobs[i];
    }
  return 0;
}

static int
write_archive (struct store *s, struct archive *a, struct image_record *recs, size_t n, bento_err *err)
{
  static const char layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
  json_t *manifests = json_array ();
  _cleanup_ (json_decrefp) json_t *index = json_pack ("{s:i, s:s, s:o}", "schemaVersion", 2, "mediaType",
                                                      MT_OCI_INDEX, "manifests", manifests);
  _cleanup_free_ char **done = NULL;
  size_t n_done = 0;
  if (index == NULL)
    return bento_err_make (err, ENOMEM, "save");
  /* directories first: some readers (skopeo) want them before their files */
  if (add_bytes (a, "oci-layout", layout, strlen (layout), err) < 0 || add_dir (a, "blobs/", err) < 0
      || add_dir (a, "blobs/sha256/", err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++)
    if (save_image (s, a, &recs[i], manifests, &done, &n_done, err) < 0)
      return -1;
  _cleanup_free_ char *text = json_dumps (index, JSON_COMPACT);
  if (text == NULL)
    return bento_err_make (err, ENOMEM, "save");
  return add_bytes (a, "index.json", text, strlen (text), err);
}

int
image_save (struct store *s, char *const *queries, size_t n, const char *path, bento_err *err)
{
  struct image_record *recs = calloc (n + 1, sizeof *recs);
  _cleanup_free_ char *tmp = strcmp (path, "-") == 0 ? NULL : xasprintf ("%s.tmp-%d", path, (int) getpid ());
  struct archive *a = archive_write_new ();
  int r = 0;
  if (recs == NULL || a == NULL || (strcmp (path, "-") != 0 && tmp == NULL))
    r = bento_err_make (err, ENOMEM, "save");
  for (size_t i = 0; r == 0 && i < n; i++)
    r = store_find_image (s, queries[i], &recs[i], err);
  if (r == 0)
    {
      archive_write_set_format_pax_restricted (a);
      if ((tmp ? archive_write_open_filename (a, tmp) : archive_write_open_fd (a, 1)) != ARCHIVE_OK)
        r = bento_err_make (err, 0, "open `%s`: %s", path, archive_error_string (a));
      else
        {
          r = write_archive (s, a, recs, n, err);
          if (archive_write_close (a) != ARCHIVE_OK && r == 0)
            r = bento_err_make (err, 0, "write `%s`: %s", path, archive_error_string (a));
        }
    }
  if (a)
    archive_write_free (a);
  if (r == 0 && tmp && rename (tmp, path) < 0)
    r = bento_err_make (err, errno, "rename to `%s`", path);
  if (r < 0 && tmp)
    unlink (tmp);
  image_records_free (recs, n);
  return r < 0 ? bento_err_wrap (err, "save") : 0;
}
