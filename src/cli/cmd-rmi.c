/* bento rmi [-f] IMAGE...  and  bento image prune [-a]
 *
 * A name of an image that has other names is only untagged.  An image a
 * container holds (store_hold) is refused unless --force, which untags it
 * and leaves it, dangling, until its last container goes; prune deletes
 * dangling images no container holds (-a: every image no container holds).
 * What no record references any more is then removed from disk. */
#include "cli/image-cli.h"
#include "cli/verbs.h"
#include "engine/reference.h"
#include "shared/cleanup.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static size_t
count_names (const struct image_record *r)
{
  size_t n = 0;
  while (r->names[n])
    n++;
  return n;
}

/* The record's own spelling of QUERY when QUERY names it (not an id). */
static const char *
named_by (const struct image_record *r, const char *query)
{
  struct image_ref ref;
  bento_err err = BENTO_ERR_INIT;
  const char *hit = NULL;
  if (ref_parse (query, &ref, &err) < 0)
    {
      bento_err_clear (&err);
      return NULL;
    }
  _cleanup_free_ char *full = ref_string (&ref);
  const char *path = strncmp (ref.path, "library/", 8) == 0 ? ref.path + 8 : ref.path;
  _cleanup_free_ char *local = NULL;
  if (asprintf (&local, "localhost/%s:%s", path, ref.tag ? ref.tag : "latest") < 0)
    local = NULL;
  for (char **n = r->names; full && *n && !hit; n++)
    if (strcmp (*n, full) == 0 || (!ref.domain_given && local && strcmp (*n, local) == 0))
      hit = *n;
  ref_free (&ref);
  return hit;
}

static int
untag_all (struct store *s, const struct image_record *r, bento_err *err)
{
  for (char **n = r->names; *n; n++)
    {
      if (store_untag_image (s, *n, err) < 0)
        return -1;
      printf ("Untagged: %s\n", *n);
    }
  return 0;
}

static int
remove_one (struct store *s, const char *query, bool force, bento_err *err)
{
  struct image_record r = { 0 };
  int ret = -1;
  if (store_find_image (s, query, &r, err) < 0)
    goto out;
  const char *name = named_by (&r, query);
  if (name && count_names (&r) > 1)
    {
      ret = store_untag_image (s, name, err);
      if (ret == 0)
        printf ("Untagged: %s\n", name);
      goto out;
    }
  if (!name && count_names (&r) > 1 && !force)
    {
      bento_err_make (err, 0, "image `%s` has %zu names (%s, ...): remove them by name or use --force", query,
                      count_names (&r), r.names[0]);
      goto out;
    }
  int holds = store_holds (s, r.id, err);
  if (holds < 0)
    goto out;
  if (holds > 0 && !force)
    {
      bento_err_make (err, 0, "image `%s` is in use by %d container%s (use --force to untag it)", query, holds,
                      holds == 1 ? "" : "s");
      goto out;
    }
  if (untag_all (s, &r, err) < 0)
    goto out;
  if (holds == 0)
    {
      if (store_remove_image (s, r.id, err) < 0)
        goto out;
      printf ("Deleted: %s\n", r.id);
    }
  ret = 0;
out:
  image_record_free (&r);
  if (ret < 0)
    bento_err_wrap (err, "remove image `%s`", query);
  return ret;
}

int
cmd_rmi (struct bento_global *g, int argc, char **argv)
{
  static const struct option opts[] = {
    { "force", no_argument, NULL, 'f' },
    { NULL, 0, NULL, 0 },
  };
  bool force = false;
  int c;
  while ((c = getopt_long (argc, argv, "+f", opts, NULL)) != -1)
    switch (c)
      {
      case 'f': force = true; break;
      default: return image_cli_usage ("bento rmi [-f] IMAGE...");
      }
  if (optind >= argc)
    return image_cli_usage ("bento rmi [-f] IMAGE...");
  struct store *s = image_cli_store (g);
  if (s == NULL)
    return BENTO_EXIT_FAILURE;
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  int status = 0;
  if (store_lock_gc (s, true, &err) < 0)
    status = image_cli_fail (&err);
  for (int i = optind; status == 0 && i < argc; i++)
    if (remove_one (s, argv[i], force, &err) < 0)
      status = image_cli_fail (&err);
  if (store_gc (s, &err) < 0)
    status = image_cli_fail (&err);
  store_close (s);
  return status;
}

int
cmd_image_prune (struct bento_global *g, int argc, char **argv)
{
  static const struct option opts[] = {
    { "all", no_argument, NULL, 'a' },
    { "force", no_argument, NULL, 'f' },
    { NULL, 0, NULL, 0 },
  };
  bool all = false;
  int c;
  while ((c = getopt_long (argc, argv, "+af", opts, NULL)) != -1)
    switch (c)
      {
      case 'a': all = true; break;
      case 'f': break; /* never asks: accepted for docker's scripts */
      default: return image_cli_usage ("bento image prune [-a]");
      }
  struct store *s = image_cli_store (g);
  if (s == NULL)
    return BENTO_EXIT_FAILURE;
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  struct image_record *v = NULL;
  size_t n = 0;
  int status = 0;
  if (store_lock_gc (s, true, &err) < 0 || store_list_images (s, &v, &n, &err) < 0)
    status = image_cli_fail (&err);
  for (size_t i = 0; status == 0 && i < n; i++)
    {
      if (!all && v[i].names[0])
        continue;
      int holds = store_holds (s, v[i].id, &err);
      if (holds > 0)
        continue;
      if (holds < 0 || untag_all (s, &v[i], &err) < 0 || store_remove_image (s, v[i].id, &err) < 0)
        status = image_cli_fail (&err);
      else
        printf ("Deleted: %s\n", v[i].id);
    }
  image_records_free (v, n);
  if (status == 0 && store_gc (s, &err) < 0)
    status = image_cli_fail (&err);
  store_close (s);
  return status;
}
