#include "runtime/user.h"
#include "runtime/caps.h"
#include "shared/cleanup.h"
#include "spec/names.h"

#include <errno.h>
#include <grp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

int
rlimits_apply (const struct bento_process *p, bento_err *err)
{
  for (size_t i = 0; i < p->n_rlimits; i++)
    {
      const struct bento_rlimit *r = &p->rlimits[i];
      struct rlimit cur, want = { .rlim_cur = r->soft, .rlim_max = r->hard };
      /* Setting a limit to the value in force still needs CAP_SYS_RESOURCE
       * for the hard limit on some hosts: skip what is already true. */
      if (getrlimit (r->resource, &cur) == 0 && cur.rlim_cur == want.rlim_cur && cur.rlim_max == want.rlim_max)
        continue;
      if (setrlimit (r->resource, &want) < 0)
        return bento_err_make (err, errno, "process.rlimits: set %s to %llu/%llu", spec_rlimit_name (r->resource),
                               (unsigned long long) r->soft, (unsigned long long) r->hard);
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
