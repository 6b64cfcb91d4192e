/* libFuzzer: config.json through spec_parse and spec_validate, as `bento
 * create` sees a bundle's config; no crash, no leak, and an error always
 * comes with a message. */
#include "shared/log.h"
#include "spec/spec.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static int quiet;
  if (!quiet++)
    bento_log_init (NULL, BENTO_LOG_TEXT, BENTO_LOG_ERROR); /* no warning lines for unknown caps */
  bento_err err = BENTO_ERR_INIT;
  struct bento_spec *s = NULL;
  if (spec_parse ((const char *) data, size, &s, &err) == 0)
    {
      if (spec_validate (s, &err) < 0 && err.msg == NULL)
        abort ();
      spec_free (s);
    }
  else if (err.msg == NULL || s != NULL)
    abort ();
  bento_err_clear (&err);
  return 0;
}
