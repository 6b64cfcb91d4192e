/* Image records: ROOT/images.json, read whole and rewritten atomically
 * under meta.lock.  {"images": [{"id": ..., "names": [...], ...}]} */
#include "engine/store.h"
#include "engine/fsutil.h"
#include "engine/reference.h"
#include "shared/cleanup.h"
#include "spec/json.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


void
image_record_free (struct image_record *r)
{
  free (r->id);
  strv_free (r->names);
  free (r->digest);
  free (r->manifest_media_type);
  free (r->created);
  free (r->added);
  free (r->os);
  free (r->architecture);
  free (r->variant);
  for (size_t i = 0; i < r->n_layers; i++)
    {
      free (r->layers[i].digest);
      free (r->layers[i].diff_id);
      free (r->layers[i].media_type);
    }
  free (r->layers);
  memset (r, 0, sizeof *r);
}

void
image_records_free (struct image_record *v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    image_record_free (&v[i]);
  free (v);
}

static int
record_from_json (json_t *o, const char *path, struct image_record *r, bento_err *err)
{
  json_t *layers;
  if (jget_string (o, "id", path, true, &r->id, err) < 0 || jget_strv (o, "names", path, &r->names, NULL, err) < 0
      || jget_string (o, "digest", path, false, &r->digest, err) < 0
      || jget_string (o, "manifestMediaType", path, false, &r->manifest_media_type, err) < 0
      || jget_string (o, "created", path, false, &r->created, err) < 0
      || jget_string (o, "added", path, false, &r->added, err) < 0
      || jget_string (o, "os", path, false, &r->os, err) < 0
      || jget_string (o, "architecture", path, false, &r->architecture, err) < 0
      || jget_string (o, "variant", path, false, &r->variant, err) < 0
      || jget_array (o, "layers", path, &layers, err) < 0)
    return -1;
  if (r->names == NULL && (r->names = calloc (1, sizeof *r->names)) == NULL)
    return bento_err_make (err, ENOMEM, "image record");
  size_t n = layers ? json_array_size (layers) : 0;
  r->layers = calloc (n ? n : 1, sizeof *r->layers);
  if (r->layers == NULL)
    return bento_err_make (err, ENOMEM, "image record");
  for (size_t i = 0; i < n; i++)
    {
      json_t *l;
      _cleanup_free_ char *lp = jpath_index ("layers", i);
      struct layer_record *lr = &r->layers[i];
      r->n_layers = i + 1;
      if (jelem_object (layers, i, "layers", &l, err) < 0 || jget_string (l, "digest", lp, true, &lr->digest, err) < 0
          || jget_string (l, "diffId", lp, true, &lr->diff_id, err) < 0
          || jget_string (l, "mediaType", lp, false, &lr->media_type, err) < 0
          || jget_int64 (l, "size", lp, false, &lr->size, err) < 0
          || jget_int64 (l, "unpacked", lp, false, &lr->unpacked, err) < 0)
        return -1;
      if (!digest_valid (lr->digest) || !digest_valid (lr->diff_id))
        return bento_err_make (err, 0, "%s: bad digest", lp);
    }
  if (!digest_valid (r->id))
    return bento_err_make (err, 0, "%s.id: bad digest", path);
  return 0;
}

static json_t *
strv_json (char **v)
{
  json_t *a = json_array ();
  for (size_t i = 0; a && v && v[i]; i++)
    json_array_append_new (a, json_string (v[i]));
  return a;
}

static void
set_str (json_t *o, const char *key, const char *val)
{
  if (val)
    json_object_set_new (o, key, json_string (val));
}

static json_t *
record_to_json (const struct image_record *r)
{
  json_t *o = json_object (), *layers = json_array ();
  if (o == NULL || layers == NULL)
    {
      json_decref (o);
      json_decref (layers);
      return NULL;
    }
  set_str (o, "id", r->id);
  json_object_set_new (o, "names", strv_json (r->names));
  set_str (o, "digest", r->digest);
  set_str (o, "manifestMediaType", r->manifest_media_type);
  set_str (o, "created", r->created);
  set_str (o, "added", r->added);
  set_str (o, "os", r->os);
  set_str (o, "architecture", r->architecture);
  set_str (o, "variant", r->variant);
  for (size_t i = 0; i < r->n_layers; i++)
    {
      json_t *l = json_object ();
      set_str (l, "digest", r->layers[i].digest);
      set_str (l, "diffId", r->layers[i].diff_id);
      set_str (l, "mediaType", r->layers[i].media_type);
      json_object_set_new (l, "size", json_integer (r->layers[i].size));
      json_object_set_new (l, "unpacked", json_integer (r->layers[i].unpacked));
      json_array_append_new (layers, l);
    }
  json_object_set_new (o, "layers", layers);
  return o;
}

static int
load_records (struct store *s, struct image_record **out, size_t *n, bento_err *err)
{
  _cleanup_free_ char *buf = NULL;
  size_t len;
  bento_err rerr = BENTO_ERR_INIT;
  *out = NULL;
  *n = 0;
  if (read_file_at (s->dirfd, "images.json", 64 << 20, &buf, &len, &rerr) < 0)
    {
      if (rerr.errnum == ENOENT)
        {
          bento_err_clear (&rerr);
          return 0;
        }
      *err = rerr;
      return bento_err_wrap (err, "read image records");
    }
  json_error_t jerr;
  _cleanup_ (json_decrefp) json_t *root = json_loadb (buf, len, 0, &jerr);
  json_t *arr = root ? json_object_get (root, "images") : NULL;
  if (!json_is_array (arr))
    return bento_err_make (err, 0, "%s/images.json is damaged (line %d: %s)", s->root, jerr.line,
                           root ? "no images array" : jerr.text);
  size_t cnt = json_array_size (arr);
  struct image_record *v = calloc (cnt ? cnt : 1, sizeof *v);
  if (v == NULL)
    return bento_err_make (err, ENOMEM, "image records");
  for (size_t i = 0; i < cnt; i++)
    {
      _cleanup_free_ char *p = jpath_index ("images", i);
      if (record_from_json (json_array_get (arr, i), p, &v[i], err) < 0)
        {
          image_records_free (v, i + 1);
          return bento_err_wrap (err, "%s/images.json", s->root);
        }
    }
  *out = v;
  *n = cnt;
  return 0;
}

static int
save_records (struct store *s, const struct image_record *v, size_t n, bento_err *err)
{
  _cleanup_ (json_decrefp) json_t *root = json_object ();
  json_t *arr = json_array ();
  if (root == NULL || arr == NULL)
    {
      json_decref (arr);
      return bento_err_make (err, ENOMEM, "image records");
    }
  json_object_set_new (root, "images", arr);
  for (size_t i = 0; i < n; i++)
    {
      if (v[i].id == NULL)
        continue; /* removed */
      json_t *o = record_to_json (&v[i]);
      if (o == NULL)
        return bento_err_make (err, ENOMEM, "image records");
      json_array_append_new (arr, o);
    }
  _cleanup_free_ char *text = json_dumps (root, JSON_INDENT (1));
  if (text == NULL)
    return bento_err_make (err, ENOMEM, "image records");
  return write_file_atomic_at (s->dirfd, "images.json", text, strlen (text), 0600, err);
}

int
store_list_images (struct store *s, struct image_record **out, size_t *n, bento_err *err)
{
  _cleanup_close_ int lock = store_lock_meta (s, err);
  if (lock < 0)
    return -1;
  return load_records (s, out, n, err);
}

static int
copy_record (const struct image_record *src, struct image_record *dst, bento_err *err)
{
  _cleanup_ (json_decrefp) json_t *o = record_to_json (src);
  memset (dst, 0, sizeof *dst);
  if (o == NULL)
    return bento_err_make (err, ENOMEM, "image record");
  return record_from_json (o, "image", dst, err);
}

static bool
has_name (const struct image_record *r, const char *name)
{
  for (char **n = r->names; n && *n; n++)
    if (strcmp (*n, name) == 0)
      return true;
  return false;
}

/* name "repo:tag" or "repo@digest": matches a record name or its digest */
static bool
matches_ref (const struct image_record *r, const struct image_ref *ref)
{
  _cleanup_free_ char *full = ref_string (ref), *name = ref_name (ref);
  if (full == NULL || name == NULL)
    return false;
  if (ref->digest == NULL)
    return has_name (r, full);
  if (r->digest == NULL || strcmp (r->digest, ref->digest) != 0)
    return false;
  size_t nl = strlen (name);
  for (char **n = r->names; n && *n; n++)
    if (strncmp (*n, name, nl) == 0 && ((*n)[nl] == ':' || (*n)[nl] == '@'))
      return true;
  return false;
}

static int
find_by_id (struct image_record *v, size_t n, const char *q, const char *query, bento_err *err)
{
  int found = -1;
  size_t ql = strlen (q);
  for (size_t i = 0; i < n; i++)
    if (strncmp (digest_hex (v[i].id), q, ql) == 0)
      {
        if (found >= 0 && strcmp (v[found].id, v[i].id) != 0)
          return bento_err_make (err, 0, "image id `%s` is ambiguous", query);
        found = (int) i;
      }
  return found;
}

static int
find_index (struct image_record *v, size_t n, const char *query, bento_err *err)
{
  const char *q = strncmp (query, "sha256:", 7) == 0 ? query + 7 : query;
  size_t ql = strlen (q);
  if (ql >= 3 && ql <= 64 && strspn (q, "0123456789abcdef") == ql)
    {
      int i = find_by_id (v, n, q, query, err);
      if (i != -1 || bento_err_is_set (err) || ql == 64)
        return i;
    }
  struct image_ref ref;
  if (ref_parse (query, &ref, err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++)
    if (matches_ref (&v[i], &ref))
      {
        ref_free (&ref);
        return (int) i;
      }
  /* a short name also finds localhost/NAME (images loaded or built here) */
  int r = -1;
  if (!ref.domain_given)
    {
      const char *path = strncmp (ref.path, "library/", 8) == 0 ? ref.path + 8 : ref.path;
      _cleanup_free_ char *local = xasprintf ("localhost/%s%s%s%s%s", path, ref.tag ? ":" : "", ref.tag ? ref.tag : "",
                                              ref.digest ? "@" : "", ref.digest ? ref.digest : "");
      struct image_ref lref;
      if (local && ref_parse (local, &lref, err) == 0)
        {
          for (size_t i = 0; i < n && r < 0; i++)
            if (matches_ref (&v[i], &lref))
              r = (int) i;
          ref_free (&lref);
        }
    }
  ref_free (&ref);
  return r;
}

int
store_find_image (struct store *s, const char *query, struct image_record *out, bento_err *err)
{
  struct image_record *v;
  size_t n;
  if (store_list_images (s, &v, &n, err) < 0)
    return -1;
  int i = find_index (v, n, query, err);
  int r;
  if (i >= 0)
    r = copy_record (&v[i], out, err);
  else if (bento_err_is_set (err))
    r = -1;
  else
    {
      r = bento_err_make (err, 0, "image `%s` not found", query);
      err->errnum = ENOENT;
    }
  image_records_free (v, n);
  return r;
}

static int
strv_add (char ***v, const char *s)
{
  size_t n = 0;
  while (*v && (*v)[n])
    n++;
  char **g = realloc (*v, (n + 2) * sizeof *g);
  if (g == NULL)
    return -1;
  *v = g;
  g[n] = strdup (s);
  g[n + 1] = NULL;
  return g[n] ? 0 : -1;
}

static void
strv_remove (char **v, const char *s)
{
  size_t j = 0;
  for (size_t i = 0; v && v[i]; i++)
    {
      if (strcmp (v[i], s) == 0)
        free (v[i]);
      else
        v[j++] = v[i];
    }
  if (v)
    v[j] = NULL;
}

/* Under the meta lock: load, let EDIT change the vector, save. */
typedef int (*edit_fn) (struct image_record **v, size_t *n, const void *arg, bento_err *err);

static int
edit_records (struct store *s, edit_fn edit, const void *arg, bento_err *err)
{
  _cleanup_close_ int lock = store_lock_meta (s, err);
  struct image_record *v;
  size_t n;
  if (lock < 0 || load_records (s, &v, &n, err) < 0)
    return -1;
  int r = edit (&v, &n, arg, err);
  if (r == 0)
    r = save_records (s, v, n, err);
  image_records_free (v, n);
  return r;
}

static int
edit_add (struct image_record **v, size_t *n, const void *arg, bento_err *err)
{
  const struct image_record *rec = arg;
  size_t at = *n;
  for (size_t i = 0; i < *n; i++)
    {
      for (char **name = rec->names; name && *name; name++)
        strv_remove ((*v)[i].names, *name);
      if (strcmp ((*v)[i].id, rec->id) == 0)
        at = i;
    }
  struct image_record fresh;
  if (copy_record (rec, &fresh, err) < 0)
    {
      image_record_free (&fresh);
      return -1;
    }
  if (at < *n)
    {
      /* keep the names the image already had */
      for (char **name = (*v)[at].names; name && *name; name++)
        if (!has_name (&fresh, *name) && strv_add (&fresh.names, *name) < 0)
          {
            image_record_free (&fresh);
            return bento_err_make (err, ENOMEM, "image record");
          }
      image_record_free (&(*v)[at]);
      (*v)[at] = fresh;
      return 0;
    }
  struct image_record *g = realloc (*v, (*n + 1) * sizeof *g);
  if (g == NULL)
    {
      image_record_free (&fresh);
      return bento_err_make (err, ENOMEM, "image record");
    }
  *v = g;
  g[(*n)++] = fresh;
  return 0;
}

int
store_add_image (struct store *s, const struct image_record *rec, bento_err *err)
{
  return edit_records (s, edit_add, rec, err);
}

struct tag_arg
{
  const char *id;
  const char *name;
};

static int
edit_tag (struct image_record **v, size_t *n, const void *arg, bento_err *err)
{
  const struct tag_arg *t = arg;
  int at = -1;
  for (size_t i = 0; i < *n; i++)
    {
      strv_remove ((*v)[i].names, t->name);
      if (strcmp ((*v)[i].id, t->id) == 0)
        at = (int) i;
    }
  if (at < 0)
    return bento_err_make (err, 0, "image %s not found", t->id);
  if (strv_add (&(*v)[at].names, t->name) < 0)
    return bento_err_make (err, ENOMEM, "tag");
  return 0;
}

int
store_tag_image (struct store *s, const char *id, const char *name, bento_err *err)
{
  struct tag_arg t = { id, name };
  return edit_records (s, edit_tag, &t, err);
}

static int
edit_untag (struct image_record **v, size_t *n, const void *arg, bento_err *err)
{
  for (size_t i = 0; i < *n; i++)
    strv_remove ((*v)[i].names, arg);
  return 0;
}

int
store_untag_image (struct store *s, const char *name, bento_err *err)
{
  return edit_records (s, edit_untag, name, err);
}

static int
edit_remove (struct image_record **v, size_t *n, const void *arg, bento_err *err)
{
  for (size_t i = 0; i < *n; i++)
    if ((*v)[i].id && strcmp ((*v)[i].id, arg) == 0)
      {
        image_record_free (&(*v)[i]); /* id NULL: save_records skips it */
        return 0;
      }
  return bento_err_make (err, 0, "image %s not found", (const char *) arg);
}

int
store_remove_image (struct store *s, const char *id, bento_err *err)
{
  return edit_records (s, edit_remove, id, err);
}

/* holds/<image-hex>/<container> */
static int
hold_paths (const char *image_id, const char *container, char dir[160], char file[512], bento_err *err)
{
  if (!digest_valid (image_id))
    return bento_err_make (err, 0, "bad image id `%s`", image_id);
  if (container
      && (*container == '\0' || strchr (container, '/') || container[0] == '.' || strlen (container) > 256))
    return bento_err_make (err, 0, "bad container id `%s`", container);
  snprintf (dir, 160, "holds/%s", digest_hex (image_id));
  snprintf (file, 512, "%s/%s", dir, container ? container : "");
  return 0;
}

int
store_hold (struct store *s, const char *image_id, const char *container, bento_err *err)
{
  char dir[160], file[512];
  if (hold_paths (image_id, container, dir, file, err) < 0)
    return -1;
  if (mkdirat (s->dirfd, dir, 0700) < 0 && errno != EEXIST)
    return bento_err_make (err, errno, "hold image %s", image_id);
  int fd = openat (s->dirfd, file, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return bento_err_make (err, errno, "hold image %s", image_id);
  close (fd);
  return 0;
}

int
store_release (struct store *s, const char *image_id, const char *container, bento_err *err)
{
  char dir[160], file[512];
  if (hold_paths (image_id, container, dir, file, err) < 0)
    return -1;
  if (unlinkat (s->dirfd, file, 0) < 0 && errno != ENOENT)
    return bento_err_make (err, errno, "release image %s", image_id);
  unlinkat (s->dirfd, dir, AT_REMOVEDIR); /* fails while others hold it */
  return 0;
}

int
store_holds (struct store *s, const char *image_id, bento_err *err)
{
  char dir[160], file[512];
  if (hold_paths (image_id, NULL, dir, file, err) < 0)
    return -1;
  int fd = openat (s->dirfd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return errno == ENOENT ? 0 : bento_err_make (err, errno, "read holds of %s", image_id);
  _cleanup_closedir_ DIR *d = fdopendir (fd);
  if (d == NULL)
    {
      close (fd);
      return bento_err_make (err, errno, "read holds of %s", image_id);
    }
  int count = 0;
  struct dirent *de;
  while ((de = readdir (d)))
    if (de->d_name[0] != '.')
      count++;
  return count;
}
