#include "engine/pull.h"
#include "engine/fsutil.h"
#include "engine/import.h"
#include "engine/reference.h"
#include "shared/cleanup.h"
#include "shared/log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_DOWNLOADS 6
#define PIPE_SIZE (1 << 20)

struct pull;

struct pull_layer
{
  struct pull *p;
  size_t i;
  bool download;    /* from the registry (else from a stored blob, or nothing) */
  bool from_blob;
  int pipe_w;       /* to the unpack worker */
  int blob_fd;      /* the temp blob */
  struct digester *dg;
  uint64_t got;
  int rc;
  bento_err err;
};

struct pull
{
  struct store *s;
  const struct pull_opts *o;
  struct image_ref ref;
  char *name;
  struct registry *reg;
  struct import im;
  struct pull_status st;
  struct pull_layer *layers;
  int *locks;
  size_t n_locks;
  struct pull_layer **queue; /* layers to download */
  size_t n_queue;
  _Atomic size_t next;
  _Atomic int running;
  volatile sig_atomic_t stop; /* our own: a failure stops the other transfers */
};

/* "interrupted", marked with EINTR (without strerror's words) */
static int
err_interrupted (bento_err *err)
{
  bento_err_make (err, 0, "interrupted");
  err->errnum = EINTR;
  return -1;
}

static int
fetch_manifest (struct pull *p, struct registry_conn *c, bento_err *err)
{
  _cleanup_free_ char *buf = NULL, *ct = NULL;
  size_t len;
  char digest[DIGEST_MAX];
  const char *ref = p->ref.digest ? p->ref.digest : p->ref.tag;
  if (registry_get_manifest (c, p->ref.path, ref, &buf, &len, &ct, digest, err) < 0)
    return -1;
  struct manifest m;
  if (manifest_parse (buf, len, ct, &m, err) < 0)
    return bento_err_wrap (err, "manifest `%s`", ref);
  if (m.kind == MANIFEST_INDEX)
    {
      struct platform want;
      size_t which = 0;
      int r = p->o->platform ? platform_parse (p->o->platform, &want, err)
                             : (platform_host (&want) < 0 ? bento_err_make (err, ENOMEM, "platform") : 0);
      if (r == 0)
        {
          r = manifest_select (&m, &want, &which, err);
          platform_free (&want);
        }
      _cleanup_free_ char *sel = r == 0 ? strdup (m.manifests[which].digest) : NULL;
      manifest_free (&m);
      if (r < 0)
        return bento_err_wrap (err, "`%s`", p->name);
      if (sel == NULL)
        return bento_err_make (err, ENOMEM, "pull");
      free (buf);
      free (ct);
      buf = ct = NULL;
      if (registry_get_manifest (c, p->ref.path, sel, &buf, &len, &ct, digest, err) < 0)
        return -1;
    }
  else
    manifest_free (&m);
  if (import_prepare (p->s, &p->im, buf, len, ct, err) < 0)
    return bento_err_wrap (err, "manifest of `%s`", p->name);
  return 0;
}

static int
fetch_config (struct pull *p, struct registry_conn *c, bento_err *err)
{
  _cleanup_free_ char *buf = NULL;
  size_t len;
  if (registry_get_blob (c, p->ref.path, p->im.m.config.digest, CONFIG_MAX_SIZE, &buf, &len, err) < 0)
    return bento_err_wrap (err, "config of `%s`", p->name);
  if (import_set_config (&p->im, buf, len, err) < 0)
    return bento_err_wrap (err, "`%s`", p->name);
  return 0;
}

static int
cmp_digest (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Lock every layer we may write, in digest order (two pulls sharing layers
 * never wait on each other in a circle), then see what is still missing. */
static int
lock_and_plan (struct pull *p, bento_err *err)
{
  size_t n = p->im.m.n_layers;
  _cleanup_free_ char **digests = calloc (n + 1, sizeof *digests);
  p->locks = calloc (n + 1, sizeof *p->locks);
  p->layers = calloc (n + 1, sizeof *p->layers);
  p->queue = calloc (n + 1, sizeof *p->queue);
  p->st.layers = calloc (n + 1, sizeof *p->st.layers);
  if (!digests || !p->locks || !p->layers || !p->queue || !p->st.layers)
    return bento_err_make (err, ENOMEM, "pull");
  for (size_t i = 0; i < n; i++)
    digests[i] = p->im.m.layers[i].digest;
  qsort (digests, n, sizeof *digests, cmp_digest);
  for (size_t i = 0; i < n; i++)
    {
      if (i > 0 && strcmp (digests[i], digests[i - 1]) == 0)
        continue;
      int fd = store_lock_digest (p->s, digests[i], err);
      if (fd < 0)
        return -1;
      p->locks[p->n_locks++] = fd;
    }
  for (size_t i = 0; i < n; i++)
    {
      struct pull_layer *pl = &p->layers[i];
      struct import_layer *il = &p->im.layers[i];
      pl->p = p;
      pl->i = i;
      pl->pipe_w = pl->blob_fd = -1;
      snprintf (p->st.layers[i].digest, DIGEST_MAX, "%s", p->im.m.layers[i].digest);
      p->st.layers[i].size = p->im.m.layers[i].size;
      _cleanup_free_ char *brel = store_blob_relpath (p->im.m.layers[i].digest);
      _cleanup_free_ char *lrel = store_layer_relpath (p->im.c.diff_ids[i]);
      bool have_blob = brel && store_has (p->s, brel), have_layer = lrel && store_has (p->s, lrel);
      bool dup = false;
      for (size_t j = 0; j < i; j++)
        dup = dup || strcmp (p->im.m.layers[j].digest, p->im.m.layers[i].digest) == 0;
      if ((have_blob && have_layer) || dup)
        {
          atomic_store (&p->st.layers[i].state, PULL_PRESENT);
          continue;
        }
      il->need_unpack = true;
      il->job.hash_only = have_layer;
      pl->download = !have_blob;
      pl->from_blob = have_blob;
    }
  p->st.n_layers = n;
  return 0;
}

/* Fork the unpack workers now, before any download thread exists. */
static int
start_workers (struct pull *p, bento_err *err)
{
  for (size_t i = 0; i < p->im.m.n_layers; i++)
    {
      struct pull_layer *pl = &p->layers[i];
      struct import_layer *il = &p->im.layers[i];
      if (!il->need_unpack)
        continue;
      int in_fd;
      il->job.defer_commit = true;
      if (pl->download)
        {
          int fds[2];
          if (pipe2 (fds, O_CLOEXEC) < 0)
            return bento_err_make (err, errno, "pipe");
          fcntl (fds[1], F_SETPIPE_SZ, PIPE_SIZE);
          pl->pipe_w = fds[1];
          in_fd = fds[0];
          il->blob_tmp = store_tmp_name (p->s, "blob");
          if (il->blob_tmp == NULL)
            {
              close (in_fd);
              return bento_err_make (err, ENOMEM, "pull");
            }
          pl->blob_fd = openat (p->s->dirfd, il->blob_tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
          if (pl->blob_fd < 0)
            {
              close (in_fd);
              return bento_err_make (err, errno, "create `%s/%s`", p->s->root, il->blob_tmp);
            }
          p->queue[p->n_queue++] = pl;
        }
      else
        {
          _cleanup_free_ char *rel = store_blob_relpath (p->im.m.layers[i].digest);
          in_fd = rel ? openat (p->s->dirfd, rel, O_RDONLY | O_CLOEXEC) : -1;
          if (in_fd < 0)
            return bento_err_make (err, errno, "open blob %s", p->im.m.layers[i].digest);
          atomic_store (&p->st.layers[i].state, PULL_UNPACKING);
        }
      int r = layer_job_start (p->s, &il->job, in_fd, err);
      close (in_fd);
      if (r < 0)
        return -1;
      il->started = true;
    }
  return 0;
}

static int
sink_write (void *ctx, const void *buf, size_t len, bento_err *err)
{
  struct pull_layer *pl = ctx;
  const struct descriptor *d = &pl->p->im.m.layers[pl->i];
  if (pl->got + len > (uint64_t) d->size)
    return bento_err_make (err, 0, "blob %s is larger than the %lld bytes its descriptor says", d->digest,
                           (long long) d->size);
  digester_update (pl->dg, buf, len);
  if (write_all (pl->blob_fd, buf, len) < 0)
    return bento_err_make (err, errno, "write blob %s", d->digest);
  if (write_all (pl->pipe_w, buf, len) < 0)
    return bento_err_make (err, errno, "unpack worker of %s", d->digest); /* EPIPE: its error says why */
  pl->got += len;
  atomic_store (&pl->p->st.layers[pl->i].done, pl->got);
  return 0;
}

static int
download_one (struct pull_layer *pl, struct registry_conn *c, bento_err *err)
{
  struct pull *p = pl->p;
  const struct descriptor *d = &p->im.m.layers[pl->i];
  struct import_layer *il = &p->im.layers[pl->i];
  atomic_store (&p->st.layers[pl->i].state, PULL_DOWNLOADING);
  pl->dg = digester_new (d->digest);
  int r = pl->dg ? registry_stream_blob (c, p->ref.path, d->digest, sink_write, pl, err)
                 : bento_err_make (err, ENOMEM, "pull");
  bool worker_gone = r < 0 && err->errnum == EPIPE;
  close (pl->pipe_w);
  pl->pipe_w = -1;
  if (r == 0 && pl->got != (uint64_t) d->size)
    r = bento_err_make (err, 0, "blob %s is truncated: got %llu of %lld bytes", d->digest,
                        (unsigned long long) pl->got, (long long) d->size);
  if (r == 0)
    {
      char got[DIGEST_MAX];
      digester_final (pl->dg, got);
      if (strcmp (got, d->digest) != 0)
        r = bento_err_make (err, 0, "blob digest mismatch: want %s, got %s", d->digest, got);
    }
  if (r == 0 || worker_gone)
    {
      /* the worker's verdict: with the download done, or why it stopped */
      bento_err_clear (err);
      r = layer_job_finish (p->s, &il->job, err);
      il->done = r == 0;
    }
  if (r < 0)
    bento_err_wrap (err, "layer %s", d->digest);
  return r;
}

static void *
download_thread (void *arg)
{
  struct pull *p = arg;
  struct registry_conn *c = registry_conn_new (p->reg);
  for (;;)
    {
      size_t k = atomic_fetch_add (&p->next, 1);
      if (k >= p->n_queue)
        break;
      struct pull_layer *pl = p->queue[k];
      if (c == NULL)
        pl->rc = bento_err_make (&pl->err, ENOMEM, "pull");
      else if (p->stop)
        pl->rc = err_interrupted (&pl->err);
      else
        pl->rc = download_one (pl, c, &pl->err);
      atomic_store (&p->st.layers[pl->i].state, pl->rc == 0 ? PULL_DONE : PULL_FAILED);
      if (pl->rc < 0)
        p->stop = 1;
    }
  registry_conn_free (c);
  atomic_fetch_sub (&p->running, 1);
  return NULL;
}

static void
report (struct pull *p)
{
  if (p->o->progress)
    p->o->progress (p->o->ctx, &p->st);
}

/* Run the downloads; this thread reports progress and watches for ^C. */
static int
run_downloads (struct pull *p, bento_err *err)
{
  pthread_t th[MAX_DOWNLOADS];
  size_t n_th = p->n_queue < MAX_DOWNLOADS ? p->n_queue : MAX_DOWNLOADS;
  size_t started = 0;
  atomic_store (&p->running, (int) n_th);
  for (; started < n_th; started++)
    if (pthread_create (&th[started], NULL, download_thread, p) != 0)
      {
        atomic_fetch_sub (&p->running, (int) (n_th - started));
        p->stop = 1;
        break;
      }
  while (atomic_load (&p->running) > 0)
    {
      if (p->o->cancel && *p->o->cancel)
        p->stop = 1;
      report (p);
      nanosleep (&(struct timespec){ 0, 100 * 1000 * 1000 }, NULL);
    }
  for (size_t i = 0; i < started; i++)
    pthread_join (th[i], NULL);
  if (started < n_th && p->n_queue > 0)
    return bento_err_make (err, EAGAIN, "start download threads");
  return 0;
}

/* The first real error (an interrupt only when nothing else went wrong). */
static int
first_error (struct pull *p, bento_err *err)
{
  struct pull_layer *interrupted = NULL;
  for (size_t i = 0; i < p->im.m.n_layers; i++)
    {
      struct pull_layer *pl = &p->layers[i];
      if (pl->rc == 0)
        continue;
      if (pl->err.errnum == EINTR)
        {
          interrupted = interrupted ? interrupted : pl;
          continue;
        }
      bento_err_set_raw (err, pl->err.errnum, pl->err.msg ? pl->err.msg : "failed");
      return -1;
    }
  if (interrupted || (p->o->cancel && *p->o->cancel))
    return err_interrupted (err);
  return 0;
}

static int
finish_blob_jobs (struct pull *p, bento_err *err)
{
  for (size_t i = 0; i < p->im.m.n_layers; i++)
    {
      struct pull_layer *pl = &p->layers[i];
      struct import_layer *il = &p->im.layers[i];
      if (!pl->from_blob || !il->started)
        continue;
      pl->rc = layer_job_finish (p->s, &il->job, &pl->err);
      il->done = pl->rc == 0;
      atomic_store (&p->st.layers[i].state, pl->rc == 0 ? PULL_DONE : PULL_FAILED);
      if (pl->rc < 0)
        bento_err_wrap (&pl->err, "layer %s", p->im.m.layers[i].digest);
    }
  return first_error (p, err);
}

static int
pull_run (struct pull *p, char id[DIGEST_MAX], bento_err *err)
{
  _cleanup_ (registry_conn_freep) struct registry_conn *c = NULL;
  if (registry_new (p->ref.domain, &p->o->reg, &p->reg, err) < 0)
    return -1;
  c = registry_conn_new (p->reg);
  if (c == NULL)
    return bento_err_make (err, ENOMEM, "pull");
  if (fetch_manifest (p, c, err) < 0 || fetch_config (p, c, err) < 0 || lock_and_plan (p, err) < 0)
    return -1;
  report (p);
  if (start_workers (p, err) < 0)
    return -1;
  if (run_downloads (p, err) < 0)
    return -1;
  if (first_error (p, err) < 0 || finish_blob_jobs (p, err) < 0)
    return -1;
  for (size_t i = 0; i < p->im.m.n_layers; i++)
    layer_report_notes (p->s, &p->im.layers[i].job.res);
  report (p);
  if (p->o->cancel && *p->o->cancel)
    return err_interrupted (err);
  p->im.names = calloc (2, sizeof *p->im.names);
  if (p->im.names == NULL || (p->im.names[0] = strdup (p->name)) == NULL)
    return bento_err_make (err, ENOMEM, "pull");
  return import_commit (p->s, &p->im, id, err);
}

static void
pull_cleanup (struct pull *p, bool failed)
{
  for (size_t i = 0; p->layers && i < p->im.m.n_layers; i++)
    {
      struct pull_layer *pl = &p->layers[i];
      if (pl->pipe_w >= 0)
        close (pl->pipe_w);
      if (pl->blob_fd >= 0)
        close (pl->blob_fd);
      digester_free (pl->dg);
      bento_err_clear (&pl->err);
    }
  if (failed)
    import_abort (p->s, &p->im);
  import_free (&p->im);
  for (size_t i = 0; i < p->n_locks; i++)
    close (p->locks[i]);
  free (p->locks);
  free (p->layers);
  free (p->queue);
  free (p->st.layers);
  registry_free (p->reg);
  ref_free (&p->ref);
}

int
image_pull (struct store *s, const char *refstr, const struct pull_opts *o, char id[DIGEST_MAX], char **name,
            bento_err *err)
{
  struct pull p = { .s = s, .o = o };
  struct pull_opts local = *o;
  if (ref_parse (refstr, &p.ref, err) < 0)
    return -1;
  p.name = ref_string (&p.ref);
  if (p.name == NULL)
    {
      ref_free (&p.ref);
      return bento_err_make (err, ENOMEM, "pull");
    }
  /* our transfers stop on our own failures and on the user's ^C, the
   * manifest's and the config's too */
  local.reg.cancel = &p.stop;
  local.reg.cancel_too = o->cancel;
  p.o = &local;
  p.st.name = p.name;
  signal (SIGPIPE, SIG_IGN);
  int r = store_lock_gc (s, false, err);
  if (r == 0)
    {
      store_clean_tmp (s);
      r = pull_run (&p, id, err);
    }
  pull_cleanup (&p, r < 0);
  store_unlock_gc (s);
  if (r < 0)
    {
      if (o->cancel && *o->cancel)
        err_interrupted (err); /* what the transfer said when it stopped is not news */
      bento_err_wrap (err, "pull `%s`", p.name);
      free (p.name);
      return -1;
    }
  *name = p.name;
  return 0;
}
