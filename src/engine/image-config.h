/* The image configuration (OCI image-spec config.md, Docker's is the same
 * shape) as bento's own typed struct: what `bento run IMAGE` turns into a
 * runtime spec. */
#ifndef BENTO_ENGINE_IMAGE_CONFIG_H
#define BENTO_ENGINE_IMAGE_CONFIG_H

#include "shared/error.h"

#include <stddef.h>

struct image_config
{
  char *architecture;
  char *os;
  char *variant;
  char *created; /* RFC 3339, or NULL */
  char *author;

  /* config.* (all optional; vectors NULL-terminated, NULL when absent) */
  char *user;        /* "uid[:gid]" or "name[:group]" */
  char **env;        /* "KEY=value" */
  char **entrypoint;
  char **cmd;
  char *working_dir;
  char *stop_signal;
  char **exposed_ports; /* "80/tcp" */
  char **volumes;       /* "/data" */
  char **labels;        /* "key=value" */

  /* rootfs.diff_ids, bottom layer first */
  char **diff_ids;
  size_t n_diff_ids;
};

/* Parse a config blob: JSON, rootfs.type "layers", every diff_id a digest. */
int image_config_parse (const char *buf, size_t len, struct image_config *out, bento_err *err);
void image_config_free (struct image_config *c);

#endif
