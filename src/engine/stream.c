#include "engine/stream.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#define IN_SIZE (256 * 1024)
#define OUT_SIZE (512 * 1024)

enum ds_kind
{
  DS_SNIFF,
  DS_PLAIN,
  DS_GZIP,
  DS_ZSTD,
};

struct dstream
{
  int fd;
  enum ds_kind kind;
  unsigned char *in, *out;
  size_t in_len, in_pos;
  bool in_eof;
  z_stream z;
  bool z_init, z_member_done;
  ZSTD_DStream *zs;
  size_t z_pending; /* zstd: last return, 0 when a frame is complete */
  struct digester *d;
};

struct dstream *
dstream_new (int fd)
{
  struct dstream *s = calloc (1, sizeof *s);
  if (s == NULL)
    return NULL;
  s->fd = fd;
  s->in = malloc (IN_SIZE);
  s->out = malloc (OUT_SIZE);
  s->d = digester_new ("sha256");
  if (s->in == NULL || s->out == NULL || s->d == NULL)
    {
      dstream_free (s);
      return NULL;
    }
  return s;
}

void
dstream_free (struct dstream *s)
{
  if (s == NULL)
    return;
  if (s->z_init)
    inflateEnd (&s->z);
  ZSTD_freeDStream (s->zs);
  digester_free (s->d);
  free (s->in);
  free (s->out);
  free (s);
}

/* Refill the input buffer when it is used up; false at EOF. */
static int
fill (struct dstream *s, bento_err *err)
{
  if (s->in_pos < s->in_len)
    return 1;
  if (s->in_eof)
    return 0;
  for (;;)
    {
      ssize_t r = read (s->fd, s->in, IN_SIZE);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return bento_err_make (err, errno, "read layer stream");
      s->in_pos = 0;
      s->in_len = (size_t) r;
      if (r == 0)
        s->in_eof = true;
      return r > 0;
    }
}

static int
sniff (struct dstream *s, bento_err *err)
{
  /* gather 4 bytes (a pipe may deliver fewer at a time) */
  while (s->in_len < 4 && !s->in_eof)
    {
      ssize_t r = read (s->fd, s->in + s->in_len, IN_SIZE - s->in_len);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return bento_err_make (err, errno, "read layer stream");
      if (r == 0)
        s->in_eof = true;
      s->in_len += (size_t) r;
    }
  const unsigned char *b = s->in;
  if (s->in_len >= 2 && b[0] == 0x1f && b[1] == 0x8b)
    {
      if (inflateInit2 (&s->z, 16 + MAX_WBITS) != Z_OK)
        return bento_err_make (err, ENOMEM, "zlib");
      s->z_init = true;
      s->kind = DS_GZIP;
    }
  else if (s->in_len >= 4 && b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd)
    {
      s->zs = ZSTD_createDStream ();
      if (s->zs == NULL)
        return bento_err_make (err, ENOMEM, "zstd");
      s->kind = DS_ZSTD;
    }
  else
    s->kind = DS_PLAIN;
  return 0;
}

static ssize_t
read_gzip (struct dstream *s, bento_err *err)
{
  for (;;)
    {
      int f = fill (s, err);
      if (f < 0)
        return -1;
      if (s->z_member_done)
        {
          if (f == 0)
            return 0;
          /* another gzip member follows (pigz and others write several) */
          if (inflateReset (&s->z) != Z_OK)
            return bento_err_make (err, 0, "zlib reset");
          s->z_member_done = false;
        }
      if (f == 0)
        return bento_err_make (err, 0, "truncated gzip stream (unexpected end of data)");
      s->z.next_in = s->in + s->in_pos;
      s->z.avail_in = (uInt) (s->in_len - s->in_pos);
      s->z.next_out = s->out;
      s->z.avail_out = OUT_SIZE;
      int r = inflate (&s->z, Z_NO_FLUSH);
      s->in_pos = s->in_len - s->z.avail_in;
      size_t produced = OUT_SIZE - s->z.avail_out;
      if (r == Z_STREAM_END)
        s->z_member_done = true;
      else if (r != Z_OK && r != Z_BUF_ERROR)
        return bento_err_make (err, 0, "corrupt gzip data: %s", s->z.msg ? s->z.msg : "inflate failed");
      if (produced > 0)
        return (ssize_t) produced;
    }
}

static ssize_t
read_zstd (struct dstream *s, bento_err *err)
{
  for (;;)
    {
      int f = fill (s, err);
      if (f < 0)
        return -1;
      if (f == 0 && s->z_pending == 0)
        return 0;
      ZSTD_inBuffer in = { s->in + s->in_pos, s->in_len - s->in_pos, 0 };
      ZSTD_outBuffer out = { s->out, OUT_SIZE, 0 };
      size_t r = ZSTD_decompressStream (s->zs, &out, &in);
      s->in_pos += in.pos;
      if (ZSTD_isError (r))
        return bento_err_make (err, 0, "corrupt zstd data: %s", ZSTD_getErrorName (r));
      s->z_pending = r;
      if (out.pos > 0)
        return (ssize_t) out.pos;
      if (f == 0)
        return bento_err_make (err, 0, "truncated zstd stream (unexpected end of data)");
    }
}

ssize_t
dstream_read (struct dstream *s, const void **buf, bento_err *err)
{
  ssize_t n;
  if (s->kind == DS_SNIFF && sniff (s, err) < 0)
    return -1;
  switch (s->kind)
    {
    case DS_GZIP:
      n = read_gzip (s, err);
      *buf = s->out;
      break;
    case DS_ZSTD:
      n = read_zstd (s, err);
      *buf = s->out;
      break;
    default:
      n = fill (s, err);
      if (n > 0)
        {
          *buf = s->in + s->in_pos;
          n = (ssize_t) (s->in_len - s->in_pos);
          s->in_pos = s->in_len;
        }
      break;
    }
  if (n > 0)
    digester_update (s->d, *buf, (size_t) n);
  return n;
}

void
dstream_digest (struct dstream *s, char out[DIGEST_MAX])
{
  digester_final (s->d, out);
}

const char *
dstream_kind (const struct dstream *s)
{
  static const char *const names[] = { "?", "none", "gzip", "zstd" };
  return names[s->kind];
}
