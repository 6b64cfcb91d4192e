/* libFuzzer: layer streams (tar, maybe gzip or zstd) unpacked into a
 * directory; whatever the input, nothing may appear outside it. */
#include "engine/fsutil.h"
#include "engine/unpack.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static char base[] = "/tmp/bento-fuzz-tar.XXXXXX";

/* The layer goes to BASE/a/b/c/root: each level must hold exactly its one
 * child after every input, so that `..` escapes up to four levels show;
 * and the names the escape seeds aim at (tests/fuzz/corpus/tar: "evil",
 * absolute or through links) must not appear where they point. */
static const char *const levels[] = { "a", "a/b", "a/b/c", "a/b/c/root" };
static const char *const canaries[] = { "/evil", "/tmp/evil", "/etc/evil" };

static void
only_child (const char *dir, const char *child)
{
  DIR *d = opendir (dir);
  struct dirent *de;
  if (d == NULL)
    abort ();
  while ((de = readdir (d)))
    if (strcmp (de->d_name, ".") && strcmp (de->d_name, "..") && strcmp (de->d_name, child))
      {
        fprintf (stderr, "escaped: %s/%s\n", dir, de->d_name);
        abort ();
      }
  closedir (d);
}

static void
check_contained (void)
{
  char dir[128];
  only_child (base, "a");
  for (size_t i = 0; i + 1 < sizeof levels / sizeof *levels; i++)
    {
      snprintf (dir, sizeof dir, "%s/%s", base, levels[i]);
      only_child (dir, strrchr (levels[i + 1], '/') + 1);
    }
  for (size_t i = 0; i < sizeof canaries / sizeof *canaries; i++)
    if (access (canaries[i], F_OK) == 0)
      {
        fprintf (stderr, "escaped: %s\n", canaries[i]);
        abort ();
      }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static bool ready;
  char root[128];
  if (!ready && mkdtemp (base) == NULL)
    abort ();
  for (size_t i = 0; !ready && i < sizeof levels / sizeof *levels; i++)
    {
      snprintf (root, sizeof root, "%s/%s", base, levels[i]);
      mkdir (root, 0755);
    }
  ready = true;
  snprintf (root, sizeof root, "%s/%s", base, levels[sizeof levels / sizeof *levels - 1]);
  mkdir (root, 0755);
  int in = memfd_create ("layer", MFD_CLOEXEC);
  if (in < 0 || write_all (in, data, size) < 0 || lseek (in, 0, SEEK_SET) < 0)
    abort ();
  int dir = open (root, O_RDONLY | O_DIRECTORY);
  struct unpack_options o = { .overlay_xattr = "user.overlay.", .rootless = true };
  struct unpack_result res;
  bento_err err = BENTO_ERR_INIT;
  unpack_layer (in, dir, &o, &res, &err);
  bento_err_clear (&err);
  close (dir);
  close (in);
  check_contained ();
  if (rm_rf_at (AT_FDCWD, root, &err) < 0)
    bento_err_clear (&err);
  return 0;
}
