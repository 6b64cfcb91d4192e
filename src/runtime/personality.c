/* linux.personality: LINUX32 makes uname(2) report a 32-bit machine
 * (`i686` on x86_64), like setarch/linux32. */
#include "runtime/security.h"

#include <errno.h>
#include <sys/personality.h>

int
personality_apply (const struct bento_linux *l, bento_err *err)
{
  if (l == NULL || !l->has_personality)
    return 0;
  /* personality() returns the previous persona; only -1 is an error. */
  if (personality (l->personality) == -1)
    return bento_err_make (err, errno, "linux.personality: set persona 0x%lx", l->personality);
  return 0;
}
