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

/* BASE must hold exactly "root" after every input */
static void
check_contained (void)
{
  DIR *d = opendir (base);
  struct dirent *de;
  while (d && (de = readdir (d)))
    if (strcmp (de->d_name, ".") && strcmp (de->d_name, "..") && strcmp (de->d_name, "root"))
      {
        fprintf (stderr, "escaped: %s/%s\n", base, de->d_name);
        abort ();
      }
  if (d)
    closedir (d);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static bool ready;
  char root[64];
  if (!ready && mkdtemp (base) == NULL)
    abort ();
  ready = true;
  snprintf (root, sizeof root, "%s/root", base);
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
