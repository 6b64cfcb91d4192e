/* The host's cgroup hierarchies, read from /proc/self/mountinfo, and the
 * small file helpers every backend uses. */
#include "runtime/cgroup-internal.h"
#include "shared/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool
cg_hier_has (const struct cg_hier *h, const char *ctrl)
{
  char key[64];
  snprintf (key, sizeof key, ",%s,", ctrl);
  return strstr (h->ctrls, key) != NULL;
}

/* v1 super options "rw,cpu,cpuacct" -> ",cpu,cpuacct," (known controllers
 * only: named hierarchies such as name=systemd carry no limits). */
static void
v1_controllers (const char *opts, char *out, size_t size)
{
  static const char *const known[] = { "cpu", "cpuacct", "cpuset", "memory", "pids", "blkio", "devices",
                                       "freezer", "hugetlb", "net_cls", "net_prio", "perf_event", "rdma",
                                       "misc", NULL };
  snprintf (out, size, ",");
  _cleanup_free_ char *copy = strdup (opts);
  char *save = NULL;
  for (char *t = copy ? strtok_r (copy, ",", &save) : NULL; t; t = strtok_r (NULL, ",", &save))
    for (size_t i = 0; known[i]; i++)
      if (strcmp (t, known[i]) == 0 && strlen (out) + strlen (t) + 2 < size)
        {
          strcat (out, t);
          strcat (out, ",");
        }
}

static void
v2_controllers (const char *mount, char *out, size_t size)
{
  char path[512];
  snprintf (path, sizeof path, "%s/cgroup.controllers", mount);
  snprintf (out, size, ",");
  _cleanup_fclose_ FILE *f = fopen (path, "re");
  char word[64];
  while (f && fscanf (f, "%63s", word) == 1)
    if (strlen (out) + strlen (word) + 2 < size)
      {
        strcat (out, word);
        strcat (out, ",");
      }
}

static void
add_hier (struct cg_host *host, const char *mount, const char *fstype, const char *opts)
{
  bool v2 = strcmp (fstype, "cgroup2") == 0;
  if (host->n == CG_MAX_HIER || (v2 && host->unified >= 0))
    return;
  struct cg_hier *h = &host->h[host->n];
  snprintf (h->mount, sizeof h->mount, "%s", mount);
  h->v2 = v2;
  if (v2)
    v2_controllers (mount, h->ctrls, sizeof h->ctrls);
  else
    v1_controllers (opts, h->ctrls, sizeof h->ctrls);
  if (!v2 && strcmp (h->ctrls, ",") == 0)
    return; /* a named hierarchy */
  for (size_t i = 0; i < host->n; i++)
    if (!v2 && !host->h[i].v2 && strcmp (host->h[i].ctrls, h->ctrls) == 0)
      return; /* the same hierarchy mounted twice: keep the first */
  if (v2)
    host->unified = (int) host->n;
  host->n++;
}

static int
scan (struct cg_host *host, bento_err *err)
{
  host->n = 0;
  host->unified = -1;
  _cleanup_fclose_ FILE *f = fopen ("/proc/self/mountinfo", "re");
  if (f == NULL)
    return bento_err_make (err, errno, "open /proc/self/mountinfo");
  _cleanup_free_ char *line = NULL;
  size_t cap = 0;
  while (getline (&line, &cap, f) > 0)
    {
      /* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPER */
      char mount[256], fstype[32], super[512];
      const char *dash = strstr (line, " - ");
      if (dash == NULL || sscanf (line, "%*s %*s %*s %*s %255s", mount) != 1
          || sscanf (dash + 3, "%31s %*s %511s", fstype, super) != 2)
        continue;
      if (strcmp (fstype, "cgroup") == 0 || strcmp (fstype, "cgroup2") == 0)
        add_hier (host, mount, fstype, super);
    }
  return 0;
}

/* One bento command reads mountinfo once: the layout does not change under
 * it (and the init, a copy of us, needs no second read). */
int
cg_host_scan (struct cg_host *host, bento_err *err)
{
  static struct cg_host cached;
  static bool have;
  if (!have)
    {
      if (scan (&cached, err) < 0)
        return -1;
      have = true;
    }
  *host = cached;
  return 0;
}

enum cgroup_layout
cg_host_layout (const struct cg_host *host)
{
  bool v1 = false;
  for (size_t i = 0; i < host->n; i++)
    v1 |= !host->h[i].v2;
  if (v1)
    return host->unified >= 0 ? CGROUP_HYBRID : CGROUP_V1;
  return host->unified >= 0 ? CGROUP_V2 : CGROUP_NONE;
}

const struct cg_hier *
cg_host_find (const struct cg_host *host, const char *ctrl)
{
  for (size_t i = 0; i < host->n; i++)
    if (!host->h[i].v2 && cg_hier_has (&host->h[i], ctrl))
      return &host->h[i];
  if (host->unified >= 0 && cg_hier_has (&host->h[host->unified], ctrl))
    return &host->h[host->unified];
  return NULL;
}

/* /proc/self/cgroup: "0::/path" for v2, "N:cpu,cpuacct:/path" for v1. */
int
cg_self_path (const struct cg_hier *h, char **out, bento_err *err)
{
  _cleanup_fclose_ FILE *f = fopen ("/proc/self/cgroup", "re");
  if (f == NULL)
    return bento_err_make (err, errno, "open /proc/self/cgroup");
  _cleanup_free_ char *line = NULL;
  size_t cap = 0;
  while (getline (&line, &cap, f) > 0)
    {
      line[strcspn (line, "\n")] = '\0';
      char *c1 = strchr (line, ':'), *c2 = c1 ? strchr (c1 + 1, ':') : NULL;
      if (c2 == NULL)
        continue;
      *c2 = '\0';
      bool match = h->v2 ? c1[1] == '\0' : false;
      if (!h->v2 && c1[1])
        {
          char set[256];
          snprintf (set, sizeof set, ",%s,", c1 + 1);
          match = strcmp (set, h->ctrls) == 0;
        }
      if (match)
        {
          *out = strdup (c2 + 1);
          return *out ? 0 : bento_err_make (err, ENOMEM, "cgroup path");
        }
    }
  *out = strdup ("/");
  return *out ? 0 : bento_err_make (err, ENOMEM, "cgroup path");
}

int
cg_dir_path (const struct cg_hier *h, const char *path, char *buf, size_t size)
{
  int n = snprintf (buf, size, "%s%s%s", h->mount, path[0] == '/' ? "" : "/", path);
  if (n < 0 || (size_t) n >= size)
    return -1;
  /* the root: "/sys/fs/cgroup/" -> "/sys/fs/cgroup" */
  size_t len = strlen (buf);
  while (len > 1 && buf[len - 1] == '/')
    buf[--len] = '\0';
  return 0;
}

int
cg_write (const struct cg_hier *h, const char *path, const char *file, const char *value, bento_err *err)
{
  char dir[512], full[640];
  if (cg_dir_path (h, path, dir, sizeof dir) < 0)
    return bento_err_make (err, ENAMETOOLONG, "cgroup path `%s`", path);
  snprintf (full, sizeof full, "%s/%s", dir, file);
  _cleanup_close_ int fd = open (full, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return bento_err_make (err, errno, "open `%s`", full);
  size_t len = strlen (value);
  ssize_t w = write (fd, value, len);
  if (w < 0 || (size_t) w != len)
    return bento_err_make (err, w < 0 ? errno : EIO, "write `%s` to `%s`", value, full);
  return 0;
}

char *
cg_read (const struct cg_hier *h, const char *path, const char *file)
{
  char dir[512], full[640];
  if (cg_dir_path (h, path, dir, sizeof dir) < 0)
    return NULL;
  snprintf (full, sizeof full, "%s/%s", dir, file);
  _cleanup_close_ int fd = open (full, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return NULL;
  size_t cap = 4096, len = 0;
  _cleanup_free_ char *buf = malloc (cap);
  while (buf)
    {
      ssize_t r = read (fd, buf + len, cap - len - 1);
      if (r < 0)
        return NULL;
      if (r == 0)
        break;
      len += (size_t) r;
      if (len + 1 == cap)
        {
          char *bigger = realloc (buf, cap *= 2);
          if (bigger == NULL)
            return NULL;
          buf = bigger;
        }
    }
  if (buf == NULL)
    return NULL;
  buf[len] = '\0';
  while (len && buf[len - 1] == '\n')
    buf[--len] = '\0';
  return TAKE_PTR (buf);
}

bool
cg_read_u64 (const struct cg_hier *h, const char *path, const char *file, const char *key, uint64_t *out)
{
  _cleanup_free_ char *text = cg_read (h, path, file);
  if (text == NULL)
    return false;
  const char *p = text;
  if (key)
    {
      size_t klen = strlen (key);
      for (p = text; p; p = strchr (p, '\n') ? strchr (p, '\n') + 1 : NULL)
        if (strncmp (p, key, klen) == 0 && p[klen] == ' ')
          break;
      if (p == NULL)
        return false;
      p += klen + 1;
    }
  if (strncmp (p, "max", 3) == 0)
    {
      *out = UINT64_MAX;
      return true;
    }
  char *end;
  errno = 0;
  *out = strtoull (p, &end, 10);
  return errno == 0 && end != p;
}
