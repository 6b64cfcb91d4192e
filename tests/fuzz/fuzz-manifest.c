/* libFuzzer: manifests, indexes and image configs from outside. */
#include "engine/image-config.h"
#include "engine/manifest.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  bento_err err = BENTO_ERR_INIT;
  struct manifest m;
  struct image_config c;
  if (manifest_parse ((const char *) data, size, NULL, &m, &err) == 0)
    {
      struct platform p = { (char *) "linux", (char *) "amd64", NULL };
      size_t which;
      if (m.kind == MANIFEST_INDEX)
        manifest_select (&m, &p, &which, &err);
      manifest_free (&m);
    }
  bento_err_clear (&err);
  if (image_config_parse ((const char *) data, size, &c, &err) == 0)
    image_config_free (&c);
  bento_err_clear (&err);
  return 0;
}
