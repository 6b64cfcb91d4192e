/* bento image mount [--driver auto|overlay|copy] IMAGE DIR
 * bento image umount DIR
 *
 * The image's root filesystem at DIR, as a container would get it (native
 * overlayfs with its own upper dir, or the copy fallback; `--debug` says
 * which).  Rootless this works inside `bento unshare`, where the store's
 * user namespace is (as podman image mount does). */
#include "cli/image-cli.h"
#include "cli/verbs.h"
#include "engine/fsutil.h"
#include "engine/overlay.h"
#include "shared/cleanup.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "mnt-" and 16 hex digits of DIR's real path */
static int
mount_id (const char *dir, char id[32], bento_err *err)
{
  char real[PATH_MAX], digest[DIGEST_MAX];
  if (realpath (dir, real) == NULL)
    return bento_err_make (err, errno, "`%s`", dir);
  digest_buffer ("sha256", real, strlen (real), digest);
  snprintf (id, 32, "mnt-%.16s", digest_hex (digest));
  return 0;
}

static struct store *
open_in_userns (struct bento_global *g, const char *verb)
{
  struct store *s = image_cli_store (g);
  if (s && s->rootless && !s->in_userns)
    {
      fprintf (stderr, "bento: image %s: rootless, run it inside `bento unshare`\n", verb);
      store_close (s);
      return NULL;
    }
  return s;
}

int
cmd_image_mount (struct bento_global *g, int argc, char **argv)
{
  static const struct option opts[] = {
    { "driver", required_argument, NULL, 'd' },
    { NULL, 0, NULL, 0 },
  };
  const char *usage = "bento image mount [--driver auto|overlay|copy] IMAGE DIR";
  enum rootfs_driver driver = ROOTFS_AUTO;
  int c;
  while ((c = getopt_long (argc, argv, "+", opts, NULL)) != -1)
    {
      if (c != 'd')
        return image_cli_usage (usage);
      if (strcmp (optarg, "overlay") == 0)
        driver = ROOTFS_OVERLAY;
      else if (strcmp (optarg, "copy") == 0)
        driver = ROOTFS_COPY;
      else if (strcmp (optarg, "auto") != 0)
        return image_cli_usage (usage);
    }
  if (optind != argc - 2)
    return image_cli_usage (usage);
  struct store *s = open_in_userns (g, "mount");
  if (s == NULL)
    return BENTO_EXIT_FAILURE;
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  struct image_record img = { 0 };
  struct image_rootfs r = { 0 };
  char id[32];
  int rc = -1;
  if (mount_id (argv[optind + 1], id, &err) == 0 && store_find_image (s, argv[optind], &img, &err) == 0
      && image_rootfs_create (s, &img, id, &r, &err) == 0)
    {
      rc = image_rootfs_mount (&r, argv[optind + 1], driver, &err);
      if (rc < 0)
        {
          bento_err cerr = BENTO_ERR_INIT;
          image_rootfs_remove (s, img.id, id, &cerr);
          bento_err_clear (&cerr);
        }
    }
  if (rc == 0)
    printf ("%s\n", argv[optind + 1]);
  image_rootfs_free (&r);
  image_record_free (&img);
  store_close (s);
  if (rc < 0)
    {
      bento_err_wrap (&err, "mount image `%s`", argv[optind]);
      return image_cli_fail (&err);
    }
  return 0;
}

int
cmd_image_umount (struct bento_global *g, int argc, char **argv)
{
  static const struct option opts[] = { { NULL, 0, NULL, 0 } };
  if (getopt_long (argc, argv, "+", opts, NULL) != -1 || optind != argc - 1)
    return image_cli_usage ("bento image umount DIR");
  struct store *s = open_in_userns (g, "umount");
  if (s == NULL)
    return BENTO_EXIT_FAILURE;
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  struct image_rootfs r = { 0 };
  char id[32];
  int rc = mount_id (argv[optind], id, &err);
  if (rc == 0)
    rc = image_rootfs_unmount (&r, argv[optind], &err);
  if (rc == 0)
    rc = image_rootfs_remove (s, NULL, id, &err);
  store_close (s);
  return rc < 0 ? image_cli_fail (&err) : 0;
}
