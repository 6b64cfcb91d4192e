#include "runtime/sync.h"
#include "shared/cleanup.h"
#include "shared/fdpass.h"

#include <errno.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

static int
send_msg (int fd, enum sync_type type, int32_t value, const char *payload, int passfd, bento_err *err)
{
  struct sync_msg m = { .type = type, .value = value, .len = payload ? (uint32_t) strlen (payload) : 0 };
  if (m.len > SYNC_MAX_PAYLOAD)
    m.len = SYNC_MAX_PAYLOAD;
  struct iovec iov[2] = { { &m, sizeof m }, { (void *) payload, m.len } };
  if (fdpass_send (fd, iov, m.len ? 2 : 1, passfd) < 0)
    return bento_err_make (err, errno, "sync with the container init");
  return 0;
}

int
sync_send (int fd, enum sync_type type, int32_t value, const char *payload, bento_err *err)
{
  return send_msg (fd, type, value, payload, -1, err);
}

int
sync_send_fd (int fd, enum sync_type type, int passfd, bento_err *err)
{
  return send_msg (fd, type, 0, NULL, passfd, err);
}

void
sync_send_error (int fd, const bento_err *e)
{
  bento_err ignored = BENTO_ERR_INIT;
  sync_send (fd, SYNC_ERROR, e->errnum, e->msg ? e->msg : "unknown error", &ignored);
  bento_err_clear (&ignored);
}

/* One message; an fd that came with it goes to *passfd, or is closed when
 * the caller expects none. */
static int
sync_recv (int fd, struct sync_msg *m, char *payload, int *passfd, bento_err *err)
{
  char buf[sizeof *m + SYNC_MAX_PAYLOAD + 1];
  struct iovec iov = { buf, sizeof buf - 1 };
  int got;
  ssize_t r = fdpass_recv (fd, &iov, 1, &got);
  if (r < 0)
    return bento_err_make (err, errno, "sync with the container init");
  if (passfd)
    *passfd = got;
  else
    closep (&got);
  if (r == 0)
    return 0;
  if ((size_t) r < sizeof *m)
    return bento_err_make (err, EPROTO, "sync with the container init: short message");
  memcpy (m, buf, sizeof *m);
  size_t len = (size_t) r - sizeof *m;
  memcpy (payload, buf + sizeof *m, len);
  payload[len] = '\0';
  return 1;
}

static int
expect (int fd, enum sync_type want, int32_t *value, int *passfd, bento_err *err)
{
  struct sync_msg m;
  char payload[SYNC_MAX_PAYLOAD + 1];
  int got = -1;
  int r = sync_recv (fd, &m, payload, &got, err);
  if (r <= 0)
    {
      closep (&got);
      return r < 0 ? -1 : bento_err_make (err, 0, "container init exited unexpectedly");
    }
  if (m.type != (uint32_t) want || passfd == NULL)
    closep (&got);
  if (m.type == SYNC_ERROR)
    return bento_err_set_raw (err, m.value, payload);
  if (m.type != (uint32_t) want)
    return bento_err_make (err, EPROTO, "sync with the container init: got message %u, want %u", m.type, want);
  if (value)
    *value = m.value;
  if (passfd)
    *passfd = got;
  return 0;
}

int
sync_expect (int fd, enum sync_type want, int32_t *value, bento_err *err)
{
  return expect (fd, want, value, NULL, err);
}

int
sync_expect_fd (int fd, enum sync_type want, int *passfd, bento_err *err)
{
  return expect (fd, want, NULL, passfd, err);
}

int
sync_wait_exec (int fd, bento_err *err)
{
  struct sync_msg m;
  char payload[SYNC_MAX_PAYLOAD + 1];
  int r = sync_recv (fd, &m, payload, NULL, err);
  if (r <= 0)
    return r;
  if (m.type == SYNC_ERROR)
    return bento_err_set_raw (err, m.value, payload);
  return bento_err_make (err, EPROTO, "sync with the container init: unexpected message %u", m.type);
}
