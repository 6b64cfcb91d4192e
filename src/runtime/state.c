#include "runtime/state.h"
#include "runtime/cgroup.h"
#include "runtime/userns.h"
#include "shared/cleanup.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define STATE_FILE "state.json"
#define STATE_TMP "state.json.tmp"

int
state_root_default (char **out, bento_err *err)
{
  const char *xdg = getenv ("XDG_RUNTIME_DIR");
  int r;
  /* root in a user namespace (podman's rootless one) is an unprivileged
   * user on the host: its runtime dir, as runc does. */
  if (geteuid () == 0 && !(xdg && xdg[0] == '/' && userns_in_child_ns ()))
    r = asprintf (out, "/run/bento");
  else if (xdg && xdg[0] == '/')
    r = asprintf (out, "%s/bento", xdg);
  else
    r = asprintf (out, "/tmp/bento-%u", (unsigned) geteuid ());
  if (r < 0)
    return bento_err_make (err, ENOMEM, "state root");
  return 0;
}

static int
mkdir_p (const char *path, mode_t mode)
{
  _cleanup_free_ char *p = strdup (path);
  if (p == NULL)
    return -1;
  for (char *s = p + 1; *s; s++)
    if (*s == '/')
      {
        *s = '\0';
        if (mkdir (p, 0755) < 0 && errno != EEXIST)
          return -1;
        *s = '/';
      }
  if (mkdir (p, mode) < 0 && errno != EEXIST)
    return -1;
  return 0;
}

int
state_root_open (const char *root, bool create, int *out_fd, bento_err *err)
{
  if (create && mkdir_p (root, 0700) < 0)
    return bento_err_make (err, errno, "create state root `%s`", root);
  int fd = open (root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return bento_err_make (err, errno, "open state root `%s`", root);
  *out_fd = fd;
  return 0;
}

int
state_validate_id (const char *id, bento_err *err)
{
  if (id == NULL || id[0] == '\0')
    return bento_err_make (err, 0, "container id must not be empty");
  if (strcmp (id, ".") == 0 || strcmp (id, "..") == 0 || strlen (id) > 1024)
    return bento_err_make (err, 0, "invalid container id `%s`", id);
  for (const char *c = id; *c; c++)
    if (!(isalnum ((unsigned char) *c) || *c == '_' || *c == '+' || *c == '-' || *c == '.'))
      return bento_err_make (err, 0, "invalid container id `%s`: only letters, digits and _ + - . are allowed", id);
  return 0;
}

static int
lock_dir (int dirfd, const char *id, bento_err *err)
{
  while (flock (dirfd, LOCK_EX) < 0)
    if (errno != EINTR)
      return bento_err_make (err, errno, "lock container `%s`", id);
  return 0;
}

int
state_create_dir (int rootfd, const char *id, int *dirfd, bento_err *err)
{
  if (mkdirat (rootfd, id, 0711) < 0)
    {
      if (errno == EEXIST)
        return bento_err_make (err, 0, "container `%s` already exists", id);
      return bento_err_make (err, errno, "create state dir for `%s`", id);
    }
  int fd = openat (rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return bento_err_make (err, errno, "open state dir for `%s`", id);
  if (lock_dir (fd, id, err) < 0)
    {
      close (fd);
      return -1;
    }
  *dirfd = fd;
  return 0;
}

int
state_open_dir (int rootfd, const char *id, int *dirfd, bento_err *err)
{
  if (state_validate_id (id, err) < 0)
    return -1;
  int fd = openat (rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    {
      if (errno == ENOENT)
        return bento_err_make (err, 0, "container `%s` does not exist", id);
      return bento_err_make (err, errno, "open state dir for `%s`", id);
    }
  if (lock_dir (fd, id, err) < 0)
    {
      close (fd);
      return -1;
    }
  *dirfd = fd;
  return 0;
}

int
state_remove_dir (int rootfd, const char *id, bento_err *err)
{
  _cleanup_close_ int fd = openat (rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return errno == ENOENT ? 0 : bento_err_make (err, errno, "open state dir for `%s`", id);
  _cleanup_closedir_ DIR *d = fdopendir (fd);
  if (d == NULL)
    return bento_err_make (err, errno, "read state dir for `%s`", id);
  fd = -1; /* owned by d now */
  struct dirent *de;
  while ((de = readdir (d)) != NULL)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (unlinkat (dirfd (d), de->d_name, 0) < 0 && errno != ENOENT)
        return bento_err_make (err, errno, "remove `%s` of container `%s`", de->d_name, id);
    }
  if (unlinkat (rootfd, id, AT_REMOVEDIR) < 0 && errno != ENOENT)
    return bento_err_make (err, errno, "remove state dir of `%s`", id);
  return 0;
}

static json_t *
state_json (const struct container_state *st)
{
  json_t *ann = json_object ();
  for (size_t i = 0; i < st->n_annotations; i++)
    json_object_set_new (ann, st->annotations[i].key, json_string (st->annotations[i].value));
  json_t *j = json_pack ("{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:b, s:b, s:o}", "id", st->id, "bundle", st->bundle,
                         "rootfs", st->rootfs, "created", st->created, "owner", (json_int_t) st->owner, "pid",
                         (json_int_t) st->pid, "startTime", (json_int_t) st->start_time, "creating",
                         st->saved_creating, "rootless", st->rootless, "annotations", ann);
  if (j && st->cgroup_path)
    json_object_set_new (j, "cgroupPath", json_string (st->cgroup_path));
  return j;
}

int
state_write (int dirfd, const struct container_state *st, bento_err *err)
{
  json_auto_t *j = state_json (st);
  _cleanup_free_ char *text = j ? json_dumps (j, JSON_COMPACT) : NULL;
  if (text == NULL)
    return bento_err_make (err, ENOMEM, "encode state of `%s`", st->id);
  _cleanup_close_ int fd = openat (dirfd, STATE_TMP, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return bento_err_make (err, errno, "write state of `%s`", st->id);
  size_t len = strlen (text);
  if (write (fd, text, len) != (ssize_t) len)
    return bento_err_make (err, errno ? errno : EIO, "write state of `%s`", st->id);
  /* rename() is atomic: readers see the old or the new state, never half. */
  if (renameat (dirfd, STATE_TMP, dirfd, STATE_FILE) < 0)
    return bento_err_make (err, errno, "write state of `%s`", st->id);
  return 0;
}

static char *
dup_str (json_t *j, const char *key)
{
  const char *s = json_string_value (json_object_get (j, key));
  return s ? strdup (s) : NULL;
}

int
state_read (int dirfd, struct container_state *st, bento_err *err)
{
  _cleanup_close_ int fd = openat (dirfd, STATE_FILE, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return bento_err_make (err, errno, "read container state");
  json_error_t jerr;
  json_auto_t *j = json_loadfd (fd, 0, &jerr);
  if (j == NULL || !json_is_object (j))
    return bento_err_make (err, 0, "read container state: corrupt state.json (%s)", jerr.text);
  st->id = dup_str (j, "id");
  st->bundle = dup_str (j, "bundle");
  st->rootfs = dup_str (j, "rootfs");
  st->created = dup_str (j, "created");
  st->cgroup_path = dup_str (j, "cgroupPath");
  st->owner = (uid_t) json_integer_value (json_object_get (j, "owner"));
  st->pid = (pid_t) json_integer_value (json_object_get (j, "pid"));
  st->start_time = (uint64_t) json_integer_value (json_object_get (j, "startTime"));
  st->saved_creating = json_is_true (json_object_get (j, "creating"));
  st->rootless = json_is_true (json_object_get (j, "rootless"));
  json_t *ann = json_object_get (j, "annotations");
  size_t n = json_object_size (ann), i = 0;
  const char *k;
  json_t *v;
  st->annotations = calloc (n ? n : 1, sizeof *st->annotations);
  if (st->annotations == NULL)
    return bento_err_make (err, ENOMEM, "read container state");
  json_object_foreach (ann, k, v)
    {
      st->annotations[i].key = strdup (k);
      st->annotations[i].value = strdup (json_string_value (v) ? json_string_value (v) : "");
      st->n_annotations = ++i;
    }
  if (st->id == NULL || st->bundle == NULL)
    return bento_err_make (err, 0, "read container state: corrupt state.json");
  return 0;
}

void
state_clear (struct container_state *st)
{
  free (st->id);
  free (st->bundle);
  free (st->rootfs);
  free (st->created);
  free (st->cgroup_path);
  for (size_t i = 0; i < st->n_annotations; i++)
    {
      free (st->annotations[i].key);
      free (st->annotations[i].value);
    }
  free (st->annotations);
  memset (st, 0, sizeof *st);
}

uint64_t
proc_start_time (pid_t pid)
{
  char path[64], buf[1024];
  snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
  _cleanup_close_ int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  ssize_t n = read (fd, buf, sizeof buf - 1);
  if (n <= 0)
    return 0;
  buf[n] = '\0';
  /* comm may hold spaces and parens: fields restart after the last ')'. */
  char *p = strrchr (buf, ')');
  if (p == NULL || p[1] != ' ')
    return 0;
  char state = p[2];
  if (state == 'Z' || state == 'X')
    return 0;
  p += 2;
  for (int field = 3; field < 22 && p; field++)
    {
      p = strchr (p, ' ');
      if (p)
        p++;
    }
  return p ? strtoull (p, NULL, 10) : 0;
}

enum container_status
state_status (int dirfd, const struct container_state *st)
{
  if (st->pid <= 0 || proc_start_time (st->pid) != st->start_time)
    return st->saved_creating && st->pid <= 0 ? STATUS_CREATING : STATUS_STOPPED;
  if (st->saved_creating)
    return STATUS_CREATING;
  if (faccessat (dirfd, "exec.fifo", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    return STATUS_CREATED;
  return cgroup_is_frozen (st) ? STATUS_PAUSED : STATUS_RUNNING;
}

const char *
state_status_name (enum container_status s)
{
  switch (s)
    {
    case STATUS_CREATING: return "creating";
    case STATUS_CREATED: return "created";
    case STATUS_RUNNING: return "running";
    case STATUS_STOPPED: return "stopped";
    case STATUS_PAUSED: return "paused";
    }
  return "unknown";
}

int
state_pidfd (const struct container_state *st)
{
  if (st->pid <= 0)
    {
      errno = ESRCH;
      return -1;
    }
  int fd = (int) syscall (SYS_pidfd_open, st->pid, 0);
  if (fd < 0)
    return -1;
  /* The pidfd pins the process; only now is the start-time check race-free. */
  if (proc_start_time (st->pid) != st->start_time)
    {
      close (fd);
      errno = ESRCH;
      return -1;
    }
  return fd;
}

char *
state_to_json (const struct container_state *st, enum container_status status, bool pretty)
{
  json_auto_t *ann = json_object ();
  for (size_t i = 0; i < st->n_annotations; i++)
    json_object_set_new (ann, st->annotations[i].key, json_string (st->annotations[i].value));
  bool alive = status != STATUS_STOPPED;
  json_auto_t *j = json_pack ("{s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s}", "ociVersion", "1.2.0", "id", st->id, "pid",
                              (json_int_t) (alive ? st->pid : 0), "status", state_status_name (status), "bundle",
                              st->bundle, "rootfs", st->rootfs ? st->rootfs : "", "created",
                              st->created ? st->created : "", "owner", "");
  if (j == NULL)
    return NULL;
  if (st->n_annotations)
    json_object_set (j, "annotations", ann);
  return json_dumps (j, pretty ? JSON_INDENT (2) | JSON_PRESERVE_ORDER : JSON_COMPACT | JSON_PRESERVE_ORDER);
}
