#include "runtime/user.h"
#include "runtime/caps.h"
#include "shared/cleanup.h"
#include "spec/names.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static bool
parse_number (const char *s, uint32_t *out)
{
  char *end;
  errno = 0;
  unsigned long v = strtoul (s, &end, 10);
  if (errno || *s == '\0' || *end || v > UINT32_MAX)
    return false;
  *out = (uint32_t) v;
  return true;
}

/* Find NAME (or the entry with id NUM when NAME is numeric) in FILE:
 * passwd ("name:x:uid:gid:...") or group ("name:x:gid:members"). */
static bool
lookup_entry (const char *file, const char *name, uint32_t *id, uint32_t *gid)
{
  _cleanup_fclose_ FILE *f = fopen (file, "re");
  _cleanup_free_ char *line = NULL;
  size_t cap = 0;
  uint32_t num;
  bool numeric = parse_number (name, &num);
  while (f && getline (&line, &cap, f) > 0)
    {
      char *save = NULL;
      char *n = strtok_r (line, ":\n", &save);
      char *pw = strtok_r (NULL, ":\n", &save);
      char *i = strtok_r (NULL, ":\n", &save);
      char *g = strtok_r (NULL, ":\n", &save);
      uint32_t v;
      if (n == NULL || pw == NULL || i == NULL || !parse_number (i, &v))
        continue;
      if (numeric ? v == num : strcmp (n, name) == 0)
        {
          *id = v;
          if (gid && g && !parse_number (g, gid))
            *gid = v;
          return true;
        }
    }
  return false;
}

/* Supplementary groups: every group of /etc/group that lists USER. */
static int
member_groups (const char *user, gid_t primary, struct bento_user *u, bento_err *err)
{
  _cleanup_fclose_ FILE *f = fopen ("/etc/group", "re");
  _cleanup_free_ char *line = NULL;
  size_t cap = 0;
  while (f && getline (&line, &cap, f) > 0)
    {
      char *save = NULL, *n = strtok_r (line, ":\n", &save);
      char *pw = strtok_r (NULL, ":\n", &save), *g = strtok_r (NULL, ":\n", &save);
      char *members = strtok_r (NULL, "\n", &save);
      uint32_t gid;
      if (n == NULL || pw == NULL || g == NULL || members == NULL || !parse_number (g, &gid) || gid == primary)
        continue;
      char *s2 = NULL;
      for (char *m = strtok_r (members, ",", &s2); m; m = strtok_r (NULL, ",", &s2))
        if (strcmp (m, user) == 0)
          {
            gid_t *grown = realloc (u->additional_gids, (u->n_additional_gids + 1) * sizeof *grown);
            if (grown == NULL)
              return bento_err_make (err, ENOMEM, "groups of `%s`", user);
            u->additional_gids = grown;
            u->additional_gids[u->n_additional_gids++] = gid;
          }
    }
  return 0;
}

int
user_resolve_name (struct bento_process *p, bento_err *err)
{
  struct bento_user *u = &p->user;
  if (u->name == NULL)
    return 0;
  _cleanup_free_ char *spec = strdup (u->name);
  if (spec == NULL)
    return bento_err_make (err, ENOMEM, "user");
  char *group = strchr (spec, ':');
  if (group)
    *group++ = '\0';
  uint32_t uid, gid = 0;
  if (!lookup_entry ("/etc/passwd", spec, &uid, &gid))
    {
      /* a number not in passwd is fine: uid N, gid 0 (docker's rule) */
      if (!parse_number (spec, &uid))
        return bento_err_make (err, 0, "unable to find user %s: no matching entries in passwd file", spec);
      gid = 0;
    }
  if (group && !lookup_entry ("/etc/group", group, &gid, NULL) && !parse_number (group, &gid))
    return bento_err_make (err, 0, "unable to find group %s: no matching entries in group file", group);
  u->uid = uid;
  u->gid = gid;
  if (!parse_number (spec, &uid) && !group && member_groups (spec, gid, u, err) < 0)
    return -1;
  return 0;
}

int
rlimits_apply (const struct bento_process *p, bento_err *err)
{
  for (size_t i = 0; i < p->n_rlimits; i++)
    {
      const struct bento_rlimit *r = &p->rlimits[i];
      struct rlimit cur, want = { .rlim_cur = r->soft, .rlim_max = r->hard };
      /* Setting a limit to the value in force still needs CAP_SYS_RESOURCE
       * for the hard limit on some hosts: skip what is already true. */
      if (getrlimit (r->resource, &cur) < 0)
        return bento_err_make (err, errno, "process.rlimits: get %s", spec_rlimit_name (r->resource));
      if (cur.rlim_cur == want.rlim_cur && cur.rlim_max == want.rlim_max)
        continue;
      if (setrlimit (r->resource, &want) < 0)
        return bento_err_make (err, errno, "process.rlimits: set %s to %llu/%llu (in force: %llu/%llu)",
                               spec_rlimit_name (r->resource), (unsigned long long) r->soft,
                               (unsigned long long) r->hard, (unsigned long long) cur.rlim_cur,
                               (unsigned long long) cur.rlim_max);
    }
  return 0;
}

static int
set_groups (const struct bento_user *u, bool setgroups_allowed, bento_err *err)
{
  if (!setgroups_allowed)
    {
      /* setgroups is denied in a single-id user namespace (the kernel's
       * rule); only an empty list can be honoured there. */
      if (u->n_additional_gids > 0)
        return bento_err_make (err, EPERM, "process.user.additionalGids: setgroups is denied in this user namespace");
      return 0;
    }
  if (setgroups (u->n_additional_gids, u->additional_gids) < 0)
    return bento_err_make (err, errno, "process.user.additionalGids: setgroups");
  return 0;
}

int
user_apply (const struct bento_process *p, bool setgroups_allowed, bento_err *err)
{
  const struct bento_user *u = &p->user;
  if (p->capabilities && caps_drop_bounding (p->capabilities, err) < 0)
    return -1;
  /* Keep the permitted set across the uid change; capset trims it after. */
  if (prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return bento_err_make (err, errno, "prctl PR_SET_KEEPCAPS");
  if (set_groups (u, setgroups_allowed, err) < 0)
    return -1;
  if (setresgid (u->gid, u->gid, u->gid) < 0)
    return bento_err_make (err, errno, "process.user.gid: setresgid %u", (unsigned) u->gid);
  if (setresuid (u->uid, u->uid, u->uid) < 0)
    return bento_err_make (err, errno, "process.user.uid: setresuid %u", (unsigned) u->uid);
  if (prctl (PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
    return bento_err_make (err, errno, "prctl PR_SET_KEEPCAPS");
  if (p->capabilities && caps_apply (p->capabilities, err) < 0)
    return bento_err_wrap (err, "process.capabilities");
  umask (u->has_umask ? u->umask : 022);
  if (p->no_new_privileges && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return bento_err_make (err, errno, "process.noNewPrivileges");
  return 0;
}
