/* --userns auto as root (podman's): every container gets 65536 ids of its
 * own, taken from the range /etc/subuid and /etc/subgid give the user
 * `containers`, never one another container holds.  The image's files are
 * copied for it with their owners moved into its range (the copy driver), so
 * root inside is an unprivileged uid outside. */
#include "engine/engine-internal.h"
#include "engine/userns-auto.h"
#include "shared/cleanup.h"
#include "shared/idmap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define AUTO_SIZE 65536u

static int
range_of (const char *file, struct bento_idmap *out, bento_err *err)
{
  _cleanup_free_ struct bento_idmap *v = NULL;
  size_t n = 0;
  if (idmap_read_subids (file, "containers", (uid_t) -1, &v, &n, err) < 0)
    return -1;
  if (n == 0 || v[0].size < AUTO_SIZE)
    return bento_err_make (err, 0, "--userns auto: needs a range of at least %u ids for `containers` in %s (as podman)",
                           AUTO_SIZE, file);
  *out = v[0];
  return 0;
}

/* Is [BASE, BASE+AUTO_SIZE) free of every other container's uid range? */
static bool
base_free (struct store *s, uint32_t base)
{
  _cleanup_err_ bento_err ignored = BENTO_ERR_INIT;
  char **ids = NULL;
  size_t n = 0;
  if (ctr_list (s, &ids, &n, &ignored) < 0)
    return false;
  bool free_ = true;
  for (size_t i = 0; i < n; i++)
    {
      struct ctr c = { 0 };
      if (free_ && ctr_open (s, ids[i], &c, &ignored) == 0)
        {
          const char *ns = ctr_str (&c, "userns");
          if (ns && strcmp (ns, "auto") == 0 && (uint32_t) ctr_int (&c, "usernsUidBase") == base)
            free_ = false;
          ctr_close (&c);
        }
      free (ids[i]);
    }
  free (ids);
  return free_;
}

int
userns_auto_pick (struct store *s, uint32_t *uid_base, uint32_t *gid_base, bento_err *err)
{
  struct bento_idmap u, g;
  if (range_of ("/etc/subuid", &u, err) < 0 || range_of ("/etc/subgid", &g, err) < 0)
    return -1;
  /* the n-th free slot of the uid range, the same slot of the gid range */
  uint32_t slots = u.size / AUTO_SIZE < g.size / AUTO_SIZE ? u.size / AUTO_SIZE : g.size / AUTO_SIZE;
  for (uint32_t k = 0; k < slots; k++)
    if (base_free (s, u.host_id + k * AUTO_SIZE))
      {
        *uid_base = u.host_id + k * AUTO_SIZE;
        *gid_base = g.host_id + k * AUTO_SIZE;
        return 0;
      }
  return bento_err_make (err, 0, "--userns auto: every one of the %u ranges of `containers` is in use", slots);
}
