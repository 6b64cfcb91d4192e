#include "runtime/userns.h"
#include "shared/cleanup.h"
#include "shared/idmap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

bool
userns_in_child_ns (void)
{
  char buf[128] = "";
  _cleanup_close_ int fd = open ("/proc/self/uid_map", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  ssize_t n = read (fd, buf, sizeof buf - 1);
  if (n <= 0)
    return false;
  buf[n] = '\0';
  unsigned a, b, c;
  /* The initial namespace maps every id to itself: "0 0 4294967295". */
  return !(sscanf (buf, "%u %u %u", &a, &b, &c) == 3 && a == 0 && b == 0 && c == 4294967295u);
}

int
userns_become_root (const struct bento_spec *spec, bento_err *err)
{
  const struct bento_linux *l = spec->linux_;
  if (idmap_to_host (l->gid_mappings, l->n_gid_mappings, 0, NULL) && setresgid (0, 0, 0) < 0)
    return bento_err_make (err, errno, "setresgid to root of the user namespace");
  if (idmap_to_host (l->uid_mappings, l->n_uid_mappings, 0, NULL) && setresuid (0, 0, 0) < 0)
    return bento_err_make (err, errno, "setresuid to root of the user namespace");
  return 0;
}

int
userns_write_maps (pid_t pid, const struct bento_spec *spec, bento_err *err)
{
  const struct bento_linux *l = spec->linux_;
  if (idmap_apply (pid, l->uid_mappings, l->n_uid_mappings, l->gid_mappings, l->n_gid_mappings, err) < 0)
    return bento_err_wrap (err, "set up the user namespace");
  return 0;
}
