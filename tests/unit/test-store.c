/* The store: blobs verified on read, image records, names, holds, gc. */
#include "engine/fsutil.h"
#include "engine/store.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static struct image_record
record (const char *id, const char *name, const char *layer_blob, const char *diff_id)
{
  struct image_record r = { 0 };
  r.id = strdup (id);
  r.digest = strdup (id);
  r.names = calloc (2, sizeof *r.names);
  r.layers = calloc (1, sizeof *r.layers);
  if (r.names == NULL || r.layers == NULL)
    abort ();
  r.names[0] = name ? strdup (name) : NULL;
  r.n_layers = 1;
  r.layers[0].digest = strdup (layer_blob);
  r.layers[0].diff_id = strdup (diff_id);
  return r;
}

int
main (void)
{
  char root[] = "/tmp/test-store.XXXXXX";
  bento_err err = BENTO_ERR_INIT;
  struct store *s;
  if (mkdtemp (root) == NULL || store_open (root, &s, &err) < 0)
    return 1;
  ok (store_has (s, "blobs/sha256") && store_has (s, "layers/sha256") && store_has (s, "tmp"), "store layout made");

  char a[DIGEST_MAX], b[DIGEST_MAX];
  ok (store_put_blob (s, "config-a", 8, NULL, a, &err) == 0, "put a blob");
  ok (store_put_blob (s, "layer-b", 7, NULL, b, &err) == 0, "put another");
  ok (store_put_blob (s, "x", 1, a, NULL, &err) < 0 && strstr (err.msg, "digest mismatch"), "a wrong digest is refused");
  bento_err_clear (&err);
  char *buf;
  size_t len;
  ok (store_read_blob (s, a, 100, &buf, &len, &err) == 0 && len == 8 && memcmp (buf, "config-a", 8) == 0,
      "read back");
  free (buf);
  char *rel = store_blob_relpath (a);
  write_file_at (s->dirfd, rel, "CONFIG-A", 8, 0600, &err);
  ok (store_read_blob (s, a, 100, &buf, &len, &err) < 0 && strstr (err.msg, "is corrupt"), "a damaged blob is caught");
  bento_err_clear (&err);
  write_file_at (s->dirfd, rel, "config-a", 8, 0600, &err);
  free (rel);

  struct image_record r = record (a, "docker.io/library/one:latest", b, b);
  ok (store_add_image (s, &r, &err) == 0, "add an image");
  struct image_record got = { 0 };
  ok (store_find_image (s, "one", &got, &err) == 0 && strcmp (got.id, a) == 0, "found by short name");
  image_record_free (&got);
  ok (store_find_image (s, digest_hex (a), &got, &err) == 0, "found by id");
  image_record_free (&got);
  char prefix[8];
  snprintf (prefix, sizeof prefix, "%.6s", digest_hex (a));
  ok (store_find_image (s, prefix, &got, &err) == 0, "found by a short id");
  image_record_free (&got);
  ok (store_find_image (s, "two", &got, &err) < 0 && err.errnum == ENOENT, "a missing one: %s", err.msg);
  bento_err_clear (&err);

  ok (store_tag_image (s, a, "localhost/two:latest", &err) == 0, "tag");
  ok (store_find_image (s, "two", &got, &err) == 0 && got.names[1] != NULL, "a short name finds localhost/NAME");
  image_record_free (&got);

  ok (store_holds (s, a, &err) == 0, "no holds yet");
  ok (store_hold (s, a, "ctr1", &err) == 0 && store_hold (s, a, "ctr2", &err) == 0, "two containers hold it");
  is_int (store_holds (s, a, &err), 2, "two holds");
  ok (store_hold (s, a, "../x", &err) < 0, "a container id with a slash is refused");
  bento_err_clear (&err);
  ok (store_release (s, a, "ctr1", &err) == 0 && store_release (s, a, "ctr2", &err) == 0, "released");
  is_int (store_holds (s, a, &err), 0, "no holds left");

  char c[DIGEST_MAX];
  store_put_blob (s, "orphan", 6, NULL, c, &err);
  mkdirat (s->dirfd, "tmp/999999999-layer-dead", 0700);
  ok (store_lock_gc (s, true, &err) == 0 && store_gc (s, &err) == 0, "gc");
  char *orphan = store_blob_relpath (c), *kept = store_blob_relpath (b);
  ok (!store_has (s, orphan) && store_has (s, kept), "gc removes what no record references, keeps the rest");
  ok (!store_has (s, "tmp/999999999-layer-dead"), "gc removes temp entries of processes that are gone");
  free (orphan);
  free (kept);
  ok (store_remove_image (s, a, &err) == 0 && store_gc (s, &err) == 0, "remove the image and gc");
  kept = store_blob_relpath (b);
  ok (!store_has (s, kept), "its blobs go");
  free (kept);

  image_record_free (&r);
  store_close (s);
  rm_rf_at (AT_FDCWD, root, &err);
  bento_err_clear (&err);
  return tap_done ();
}
