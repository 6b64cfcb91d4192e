/* Streaming, safe layer unpack: compressed bytes in, a layer directory in
 * overlay's lower form out, in one pass.
 *
 *   fd ─▶ sniff (gzip 1f8b / zstd 28b52ffd / plain) ─▶ zlib | libzstd
 *      ─▶ sha256 (the diff-id) ─▶ libarchive tar reader ─▶ entries
 *
 * Every entry is created relative to the layer directory with *at() calls;
 * its parent is resolved with openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS),
 * so no `..`, absolute name, symlink or hardlink can reach outside: such an
 * entry fails the whole layer with its name in the error.
 *
 * Whiteouts become overlay's form: `.wh.NAME` a 0:0 character device NAME
 * (allowed unprivileged since Linux 5.8), `.wh..wh..opq` the xattr
 * <prefix>opaque=y on its directory, prefix "trusted.overlay." as root and
 * "user.overlay." in a user namespace (overlay's userxattr mode).  Device
 * nodes are skipped (and counted) when rootless; ownership is kept where the
 * namespace maps the id, else the file stays owned by (namespace) root. */
#ifndef BENTO_ENGINE_UNPACK_H
#define BENTO_ENGINE_UNPACK_H

#include "engine/digest.h"
#include "shared/error.h"

#include <stdbool.h>
#include <stdint.h>

struct unpack_options
{
  const char *overlay_xattr; /* "trusted.overlay." or "user.overlay." */
  bool rootless;
};

struct unpack_result
{
  char diff_id[DIGEST_MAX];
  uint64_t bytes;          /* file data written */
  uint64_t entries;
  uint64_t skipped_devices;
  uint64_t unmapped_owners;
};

/* Unpack the (compressed or plain) tar stream read from IN_FD into the
 * empty directory DEST_DIRFD; DEST_DIRFD -1 only hashes (diff-id check).
 * The stream is read to its end, so the diff-id covers all of it. */
int unpack_layer (int in_fd, int dest_dirfd, const struct unpack_options *o, struct unpack_result *res,
                  bento_err *err);

/* "diff=sha256:.. bytes=N entries=N devices=N unmapped=N" and back, for
 * worker processes. */
char *unpack_result_format (const struct unpack_result *r);
int unpack_result_parse (const char *text, struct unpack_result *r);

/* Clean a tar entry name: strip "./" and repeated slashes; refuse absolute
 * names and `..` (error names the entry).  "" is the layer root. */
int unpack_clean_name (const char *name, char *out, size_t outlen, bento_err *err);

#endif
