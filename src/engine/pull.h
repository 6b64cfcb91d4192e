/* `bento pull`: resolve a reference at its registry (index -> platform ->
 * manifest), fetch the config, then every missing layer at once: each
 * layer's download is streamed through sha256 into a temp blob file and a
 * pipe to its own unpack worker (engine/layer.h), which decompresses,
 * hashes the diff-id and extracts in the same pass.  Nothing is committed
 * to the store until every part is verified; a failure or an interrupt
 * leaves the store as it was. */
#ifndef BENTO_ENGINE_PULL_H
#define BENTO_ENGINE_PULL_H

#include "engine/registry.h"
#include "engine/store.h"

#include <stdatomic.h>

enum pull_layer_state
{
  PULL_WAITING,
  PULL_PRESENT,     /* already in the store */
  PULL_DOWNLOADING, /* streaming: download + unpack */
  PULL_UNPACKING,   /* from a blob already in the store */
  PULL_DONE,
  PULL_FAILED,
};

struct pull_layer_status
{
  char digest[DIGEST_MAX];
  int64_t size;
  _Atomic uint64_t done; /* bytes received */
  _Atomic int state;     /* enum pull_layer_state */
};

struct pull_status
{
  const char *name; /* the normalized reference */
  size_t n_layers;  /* 0 until the manifest is known */
  struct pull_layer_status *layers;
};

struct pull_opts
{
  struct registry_opts reg;
  const char *platform; /* "os/arch[/variant]", NULL: the host's */
  /* called from the pulling thread about 10 times a second while layers
   * move, and once more when they are all done */
  void (*progress) (void *ctx, const struct pull_status *st);
  void *ctx;
  volatile sig_atomic_t *cancel; /* set by a signal handler: stop, leave nothing */
};

/* Pull REF into the store; *ID is the image id, *NAME its stored name. */
int image_pull (struct store *s, const char *ref, const struct pull_opts *o, char id[DIGEST_MAX], char **name,
                bento_err *err);

#endif
