/* spec_free: releases everything spec_parse allocated.  Safe on a partly
 * filled spec (a parse that failed half-way). */
#include "spec/json.h"
#include "spec/spec.h"

#include <stdlib.h>

static void
kv_free (struct bento_kv *kv, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      free (kv[i].key);
      free (kv[i].value);
    }
  free (kv);
}

static void
mounts_free (struct bento_mount *m, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      free (m[i].destination);
      free (m[i].type);
      free (m[i].source);
      strv_free (m[i].options);
      free (m[i].data);
      free (m[i].uid_mappings);
      free (m[i].gid_mappings);
    }
  free (m);
}

void
spec_process_free (struct bento_process *p)
{
  if (p == NULL)
    return;
  free (p->cwd);
  strv_free (p->env);
  strv_free (p->args);
  free (p->user.additional_gids);
  free (p->user.name);
  free (p->rlimits);
  free (p->apparmor_profile);
  free (p->selinux_label);
  free (p->capabilities);
  free (p);
}

static void
blkio_free (struct bento_blkio *b)
{
  if (b == NULL)
    return;
  free (b->weight_device);
  free (b->throttle_read_bps);
  free (b->throttle_write_bps);
  free (b->throttle_read_iops);
  free (b->throttle_write_iops);
  free (b);
}

void
spec_resources_free (struct bento_resources *r)
{
  if (r == NULL)
    return;
  free (r->memory);
  if (r->cpu)
    {
      free (r->cpu->cpus);
      free (r->cpu->mems);
      free (r->cpu);
    }
  blkio_free (r->block_io);
  for (size_t i = 0; i < r->n_hugepage_limits; i++)
    free (r->hugepage_limits[i].page_size);
  free (r->hugepage_limits);
  for (size_t i = 0; i < r->n_net_priorities; i++)
    free (r->net_priorities[i].name);
  free (r->net_priorities);
  for (size_t i = 0; i < r->n_devices; i++)
    free (r->devices[i].access);
  free (r->devices);
  for (size_t i = 0; i < r->n_rdma; i++)
    free (r->rdma[i].device);
  free (r->rdma);
  kv_free (r->unified, r->n_unified);
  free (r);
}

void
spec_seccomp_free (struct bento_seccomp *s)
{
  if (s == NULL)
    return;
  strv_free (s->architectures);
  strv_free (s->flags);
  free (s->listener_path);
  free (s->listener_metadata);
  for (size_t i = 0; i < s->n_syscalls; i++)
    {
      strv_free (s->syscalls[i].names);
      free (s->syscalls[i].args);
    }
  free (s->syscalls);
  free (s);
}

static void
linux_free (struct bento_linux *l)
{
  if (l == NULL)
    return;
  for (int i = 0; i < BENTO_NS__COUNT; i++)
    free (l->namespaces[i].path);
  free (l->uid_mappings);
  free (l->gid_mappings);
  for (size_t i = 0; i < l->n_devices; i++)
    free (l->devices[i].path);
  free (l->devices);
  free (l->cgroups_path);
  spec_resources_free (l->resources);
  spec_seccomp_free (l->seccomp);
  kv_free (l->sysctl, l->n_sysctl);
  strv_free (l->masked_paths);
  strv_free (l->readonly_paths);
  free (l->mount_label);
  free (l);
}

void
spec_free (struct bento_spec *s)
{
  if (s == NULL)
    return;
  free (s->oci_version);
  free (s->root_path);
  mounts_free (s->mounts, s->n_mounts);
  spec_process_free (s->process);
  free (s->hostname);
  free (s->domainname);
  for (int k = 0; k < BENTO_HOOK__COUNT; k++)
    {
      for (size_t i = 0; i < s->n_hooks[k]; i++)
        {
          free (s->hooks[k][i].path);
          strv_free (s->hooks[k][i].args);
          strv_free (s->hooks[k][i].env);
        }
      free (s->hooks[k]);
    }
  kv_free (s->annotations, s->n_annotations);
  linux_free (s->linux_);
  free (s);
}
