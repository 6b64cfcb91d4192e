#include "runtime/sync.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

int
sync_send (int fd, enum sync_type type, int32_t value, const char *payload, bento_err *err)
{
  struct sync_msg m = { .type = type, .value = value, .len = payload ? (uint32_t) strlen (payload) : 0 };
  if (m.len > SYNC_MAX_PAYLOAD)
    m.len = SYNC_MAX_PAYLOAD;
  struct iovec iov[2] = { { &m, sizeof m }, { (void *) payload, m.len } };
  struct msghdr mh = { .msg_iov = iov, .msg_iovlen = m.len ? 2 : 1 };
  ssize_t r;
  do
    r = sendmsg (fd, &mh, MSG_NOSIGNAL);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return bento_err_make (err, errno, "sync with the container init");
  return 0;
}

void
sync_send_error (int fd, const bento_err *e)
{
  bento_err ignored = BENTO_ERR_INIT;
  sync_send (fd, SYNC_ERROR, e->errnum, e->msg ? e->msg : "unknown error", &ignored);
  bento_err_clear (&ignored);
}

static int
sync_recv (int fd, struct sync_msg *m, char *payload, bento_err *err)
{
  char buf[sizeof *m + SYNC_MAX_PAYLOAD + 1];
  ssize_t r;
  do
    r = recv (fd, buf, sizeof buf - 1, 0);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return bento_err_make (err, errno, "sync with the container init");
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

int
sync_expect (int fd, enum sync_type want, int32_t *value, bento_err *err)
{
  struct sync_msg m;
  char payload[SYNC_MAX_PAYLOAD + 1];
  int r = sync_recv (fd, &m, payload, err);
  if (r < 0)
    return -1;
  if (r == 0)
    return bento_err_make (err, 0, "container init exited unexpectedly");
  if (m.type == SYNC_ERROR)
    return bento_err_set_raw (err, m.value, payload);
  if (m.type != (uint32_t) want)
    return bento_err_make (err, EPROTO, "sync with the container init: got message %u, want %u", m.type, want);
  if (value)
    *value = m.value;
  return 0;
}

int
sync_wait_exec (int fd, bento_err *err)
{
  struct sync_msg m;
  char payload[SYNC_MAX_PAYLOAD + 1];
  int r = sync_recv (fd, &m, payload, err);
  if (r <= 0)
    return r;
  if (m.type == SYNC_ERROR)
    return bento_err_set_raw (err, m.value, payload);
  return bento_err_make (err, EPROTO, "sync with the container init: unexpected message %u", m.type);
}
