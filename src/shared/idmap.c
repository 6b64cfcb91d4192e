#include "shared/idmap.h"
#include "shared/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

char *
idmap_format (const struct bento_idmap *map, size_t n)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&buf, &len);
  if (f == NULL)
    return NULL;
  for (size_t i = 0; i < n; i++)
    fprintf (f, "%u %u %u\n", map[i].container_id, map[i].host_id, map[i].size);
  if (fclose (f) != 0)
    {
      free (buf);
      return NULL;
    }
  return buf;
}

static bool
ranges_overlap (uint32_t a, uint32_t alen, uint32_t b, uint32_t blen)
{
  return (uint64_t) a < (uint64_t) b + blen && (uint64_t) b < (uint64_t) a + alen;
}

int
idmap_check (const char *what, const struct bento_idmap *map, size_t n, bento_err *err)
{
  for (size_t i = 0; i < n; i++)
    {
      if (map[i].size == 0)
        return bento_err_make (err, 0, "%s[%zu]: size must not be 0", what, i);
      if ((uint64_t) map[i].container_id + map[i].size > (uint64_t) UINT32_MAX + 1
          || (uint64_t) map[i].host_id + map[i].size > (uint64_t) UINT32_MAX + 1)
        return bento_err_make (err, 0, "%s[%zu]: range overflows 32-bit ids", what, i);
      for (size_t j = 0; j < i; j++)
        {
          if (ranges_overlap (map[i].container_id, map[i].size, map[j].container_id, map[j].size))
            return bento_err_make (err, 0, "%s[%zu]: container ids overlap entry %zu", what, i, j);
          if (ranges_overlap (map[i].host_id, map[i].size, map[j].host_id, map[j].size))
            return bento_err_make (err, 0, "%s[%zu]: host ids overlap entry %zu", what, i, j);
        }
    }
  return 0;
}

int
idmap_to_host (const struct bento_idmap *map, size_t n, uint32_t id, uint32_t *host)
{
  for (size_t i = 0; i < n; i++)
    if (id >= map[i].container_id && (uint64_t) id < (uint64_t) map[i].container_id + map[i].size)
      {
        if (host)
          *host = map[i].host_id + (id - map[i].container_id);
        return 1;
      }
  return 0;
}

uint32_t
idmap_keep_id_shift (uint32_t c, uint32_t keep)
{
  return c < keep ? c + 1 : c == keep ? 0 : c;
}

int
idmap_keep_id (const struct bento_idmap *base, size_t n, uint32_t keep, struct bento_idmap **out, size_t *n_out,
               bento_err *err)
{
  *out = NULL;
  *n_out = 0;
  /* the last id BASE maps: the container gets 0..top */
  uint32_t top = 0;
  for (size_t i = 0; i < n; i++)
    if (base[i].size && base[i].container_id + base[i].size - 1 > top)
      top = base[i].container_id + base[i].size - 1;
  uint32_t h0;
  if (keep == 0 || keep > top || !idmap_to_host (base, n, 0, &h0))
    return bento_err_make (err, 0, "--userns keep-id: uid %u is outside the %u subordinate ids of this user", keep, top);
  struct bento_idmap *v = NULL;
  size_t k = 0;
  for (uint64_t c = 0; c <= top; c++)
    {
      uint32_t h;
      if (!idmap_to_host (base, n, idmap_keep_id_shift ((uint32_t) c, keep), &h))
        continue;
      if (k && v[k - 1].container_id + v[k - 1].size == c && v[k - 1].host_id + v[k - 1].size == h)
        {
          v[k - 1].size++;
          continue;
        }
      struct bento_idmap *bigger = realloc (v, (k + 1) * sizeof *v);
      if (bigger == NULL)
        {
          free (v);
          return bento_err_make (err, ENOMEM, "--userns keep-id");
        }
      v = bigger;
      v[k++] = (struct bento_idmap){ (uint32_t) c, h, 1 };
    }
  *out = v;
  *n_out = k;
  return 0;
}

int
idmap_read_subids (const char *file, const char *user, uid_t uid, struct bento_idmap **out, size_t *n,
                   bento_err *err)
{
  _cleanup_fclose_ FILE *f = fopen (file, "re");
  _cleanup_free_ char *line = NULL;
  size_t cap = 0;
  char uidstr[32];

  *out = NULL;
  *n = 0;
  if (f == NULL)
    return errno == ENOENT ? 0 : bento_err_make (err, errno, "open `%s`", file);
  snprintf (uidstr, sizeof uidstr, "%u", (unsigned) uid);

  while (getline (&line, &cap, f) > 0)
    {
      char *save = NULL;
      char *name = strtok_r (line, ":\n", &save);
      char *start = strtok_r (NULL, ":\n", &save);
      char *count = strtok_r (NULL, ":\n", &save);
      if (name == NULL || start == NULL || count == NULL || name[0] == '#')
        continue;
      if (!((user && strcmp (name, user) == 0) || strcmp (name, uidstr) == 0))
        continue;
      char *end1, *end2;
      errno = 0;
      unsigned long s = strtoul (start, &end1, 10), c = strtoul (count, &end2, 10);
      if (errno || *end1 || *end2 || c == 0 || s > UINT32_MAX || c > UINT32_MAX)
        continue;
      struct bento_idmap *grown = realloc (*out, (*n + 1) * sizeof **out);
      if (grown == NULL)
        {
          free (*out);
          *out = NULL;
          *n = 0;
          return bento_err_make (err, ENOMEM, "read `%s`", file);
        }
      *out = grown;
      (*out)[(*n)++] = (struct bento_idmap){ .container_id = 0, .host_id = (uint32_t) s, .size = (uint32_t) c };
    }
  return 0;
}

static int
write_proc_file (pid_t pid, const char *name, const char *text, bento_err *err)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/%s", (int) pid, name);
  _cleanup_close_ int fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return bento_err_make (err, errno, "open `%s`", path);
  size_t len = strlen (text);
  ssize_t w = write (fd, text, len);
  if (w < 0)
    return bento_err_make (err, errno, "write `%s`", path);
  if ((size_t) w != len)
    return bento_err_make (err, EIO, "write `%s`: short write", path);
  return 0;
}

/* Run newuidmap/newgidmap: PROG PID C H S [C H S...].  Their stderr goes to
 * ours: they print why they refused (no /etc/subuid entry, ...). */
static int
run_helper (const char *prog, pid_t pid, const struct bento_idmap *map, size_t n, bento_err *err)
{
  size_t argc = 2 + 3 * n + 1;
  _cleanup_free_ char **argv = calloc (argc, sizeof *argv);
  _cleanup_free_ char *nums = calloc (1 + 3 * n, 12);
  if (argv == NULL || nums == NULL)
    return bento_err_make (err, ENOMEM, "%s", prog);
  size_t k = 0;
  char *p = nums;
  argv[k++] = (char *) prog;
  p += sprintf (argv[k++] = p, "%d", (int) pid) + 1;
  for (size_t i = 0; i < n; i++)
    {
      p += sprintf (argv[k++] = p, "%u", map[i].container_id) + 1;
      p += sprintf (argv[k++] = p, "%u", map[i].host_id) + 1;
      p += sprintf (argv[k++] = p, "%u", map[i].size) + 1;
    }
  argv[k] = NULL;

  /* posix_spawn reports a failed exec as its return value. */
  pid_t child;
  int r = posix_spawnp (&child, prog, NULL, NULL, argv, environ);
  if (r == ENOENT)
    return bento_err_make (err, 0, "%s not found: install Debian's uidmap package", prog);
  if (r != 0)
    return bento_err_make (err, r, "run %s", prog);
  int status;
  while (waitpid (child, &status, 0) < 0)
    if (errno != EINTR)
      return bento_err_make (err, errno, "wait for %s", prog);
  if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
    return 0;
  return bento_err_make (err, 0, "%s %d failed (exit %d): check /etc/sub%cid for the user", prog, (int) pid,
                         WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status),
                         prog[3] == 'u' ? 'u' : 'g');
}

static bool
is_own_single (const struct bento_idmap *map, size_t n, uint32_t own)
{
  return n == 1 && map[0].size == 1 && map[0].host_id == own;
}

int
idmap_apply (pid_t pid, const struct bento_idmap *uids, size_t n_uids, const struct bento_idmap *gids,
             size_t n_gids, bento_err *err)
{
  bool root = geteuid () == 0;

  if (n_uids > 0)
    {
      if (root || is_own_single (uids, n_uids, (uint32_t) geteuid ()))
        {
          _cleanup_free_ char *text = idmap_format (uids, n_uids);
          if (text == NULL)
            return bento_err_make (err, ENOMEM, "uid map");
          if (write_proc_file (pid, "uid_map", text, err) < 0)
            return bento_err_wrap (err, "write uid map");
        }
      else if (run_helper ("newuidmap", pid, uids, n_uids, err) < 0)
        return -1;
    }
  if (n_gids > 0)
    {
      if (root)
        {
          _cleanup_free_ char *text = idmap_format (gids, n_gids);
          if (text == NULL)
            return bento_err_make (err, ENOMEM, "gid map");
          if (write_proc_file (pid, "gid_map", text, err) < 0)
            return bento_err_wrap (err, "write gid map");
        }
      else if (is_own_single (gids, n_gids, (uint32_t) getegid ()))
        {
          /* An unprivileged process may map its own gid only after giving
           * up setgroups() in the namespace (CVE-2014-8989). */
          _cleanup_free_ char *text = idmap_format (gids, n_gids);
          if (text == NULL)
            return bento_err_make (err, ENOMEM, "gid map");
          if (write_proc_file (pid, "setgroups", "deny", err) < 0 || write_proc_file (pid, "gid_map", text, err) < 0)
            return bento_err_wrap (err, "write gid map");
        }
      else if (run_helper ("newgidmap", pid, gids, n_gids, err) < 0)
        return -1;
    }
  return 0;
}
