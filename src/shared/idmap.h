/* User namespace id maps: formatting, /etc/subuid ranges, and writing the
 * maps of a process, directly or through newuidmap/newgidmap (Debian's
 * uidmap) when an unprivileged user maps more than its own id. */
#ifndef BENTO_IDMAP_H
#define BENTO_IDMAP_H

#include "shared/error.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct bento_idmap
{
  uint32_t container_id; /* first id inside */
  uint32_t host_id;      /* first id outside */
  uint32_t size;
};

/* "C H S\n" per entry, as /proc/PID/uid_map wants it.  NULL on ENOMEM. */
char *idmap_format (const struct bento_idmap *map, size_t n);

/* Entries overlap inside or outside, or a size is 0: -1 with a message. */
int idmap_check (const char *what, const struct bento_idmap *map, size_t n, bento_err *err);

/* The subordinate ranges of USER (or of its numeric UID) in FILE
 * (/etc/subuid or /etc/subgid), as host_id/size pairs; container_id is 0.
 * A missing file or no entry gives *n = 0 and success. */
int idmap_read_subids (const char *file, const char *user, uid_t uid, struct bento_idmap **out, size_t *n,
                       bento_err *err);

/* Write the uid and gid maps of process PID (in a new user namespace that
 * has no maps yet).  Root, or an unprivileged caller mapping only its own
 * uid/gid, writes /proc/PID/{uid_map,setgroups,gid_map} itself (setgroups
 * "deny" when unprivileged, as the kernel requires); otherwise
 * newuidmap/newgidmap do it.  Either map may be empty (n = 0): skipped. */
int idmap_apply (pid_t pid, const struct bento_idmap *uids, size_t n_uids, const struct bento_idmap *gids,
                 size_t n_gids, bento_err *err);

/* Is ID mapped by MAP?  Gives the host id in *host when it is. */
int idmap_to_host (const struct bento_idmap *map, size_t n, uint32_t id, uint32_t *host);

/* --userns keep-id (podman's): from BASE (0 = the user, 1..N subordinate
 * ids), the map where container id KEEP is the user and every other id
 * keeps its place:  c < KEEP -> BASE(c + 1),  KEEP -> BASE(0),
 * c > KEEP -> BASE(c).  Runs of contiguous host ids become one entry. */
int idmap_keep_id (const struct bento_idmap *base, size_t n, uint32_t keep, struct bento_idmap **out, size_t *n_out,
                   bento_err *err);
/* The id of BASE that container id C of the keep-id map stands for: a file
 * owned by C in the container's view is given this owner so that it shows
 * as what the image said (the copy's chown pass). */
uint32_t idmap_keep_id_shift (uint32_t c, uint32_t keep);

#endif
