/* libFuzzer: image references; a parsed one must print and parse again
 * to itself. */
#include "engine/reference.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *s = strndup ((const char *) data, size);
  bento_err err = BENTO_ERR_INIT;
  struct image_ref r, again;
  if (s && ref_parse (s, &r, &err) == 0)
    {
      char *full = ref_string (&r);
      if (full == NULL || ref_parse (full, &again, &err) < 0)
        abort ();
      char *twice = ref_string (&again);
      if (twice == NULL || strcmp (full, twice) != 0)
        abort ();
      free (twice);
      free (full);
      ref_free (&again);
      ref_free (&r);
    }
  bento_err_clear (&err);
  free (s);
  return 0;
}
