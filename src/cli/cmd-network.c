/* bento network create|ls|rm|inspect|prune: bridge networks, as root
 * (engine/bridge.h).  Output as podman's: create and rm print the name, ls a
 * table (or --format json, -q), inspect a JSON array. */
#include "cli/engine-cli.h"
#include "cli/verbs.h"
#include "engine/bridge.h"
#include "engine/engine.h"
#include "shared/cleanup.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
fail (bento_err *err, const char *verb)
{
  fprintf (stderr, "bento network %s: %s\n", verb, err->msg ? err->msg : "failed");
  bento_err_clear (err);
  return ENGINE_EXIT_FAILED;
}

static int
network_create (struct engine *e, int argc, char **argv)
{
  enum { O_SUBNET = 256, O_GATEWAY, O_IPV6, O_INTERNAL, O_IFACE, O_DRIVER };
  static const struct option opts[] = {
    { "subnet", required_argument, NULL, O_SUBNET },  { "gateway", required_argument, NULL, O_GATEWAY },
    { "ipv6", no_argument, NULL, O_IPV6 },            { "internal", no_argument, NULL, O_INTERNAL },
    { "interface-name", required_argument, NULL, O_IFACE }, { "driver", required_argument, NULL, 'd' },
    { NULL, 0, NULL, 0 },
  };
  struct bnet_opts o = { 0 };
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  const char *gateways[2] = { NULL, NULL };
  size_t n_gw = 0;
  int c;
  optind = 1;
  while ((c = getopt_long (argc, argv, "+d:", opts, NULL)) != -1)
    switch (c)
      {
      case O_SUBNET:
        if (strchr (optarg, ':') ? o.subnet6 != NULL : o.subnet4 != NULL)
          {
            bento_err_make (&err, 0, "--subnet `%s`: one IPv4 and one IPv6 subnet at most", optarg);
            return fail (&err, "create");
          }
        *(strchr (optarg, ':') ? &o.subnet6 : &o.subnet4) = optarg;
        break;
      case O_GATEWAY:
        if (n_gw == 2)
          {
            bento_err_make (&err, 0, "--gateway `%s`: one per subnet", optarg);
            return fail (&err, "create");
          }
        gateways[n_gw++] = optarg;
        break;
      case O_IPV6: o.ipv6 = true; break;
      case O_INTERNAL: o.internal = true; break;
      case O_IFACE: o.iface = optarg; break;
      case 'd':
        if (strcmp (optarg, "bridge") != 0)
          {
            bento_err_make (&err, 0, "--driver `%s`: only bridge is supported", optarg);
            return fail (&err, "create");
          }
        break;
      default: return ENGINE_EXIT_FAILED;
      }
  if (optind + 1 != argc)
    {
      fprintf (stderr, "bento network create: want one NAME (usage: bento network create [--subnet CIDR] "
                       "[--gateway IP] [--ipv6] [--internal] [--interface-name IF] NAME)\n");
      return ENGINE_EXIT_FAILED;
    }
  /* a gateway belongs to the subnet of its family */
  for (size_t i = 0; i < n_gw; i++)
    *(strchr (gateways[i], ':') ? &o.gateway6 : &o.gateway4) = gateways[i];
  if (o.gateway6 && !o.subnet6)
    {
      bento_err_make (&err, 0, "--gateway `%s` needs an IPv6 --subnet", o.gateway6);
      return fail (&err, "create");
    }
  struct bnet b;
  if (bnet_create (e->store, argv[optind], &o, &b, &err) < 0)
    return fail (&err, "create");
  printf ("%s\n", b.name);
  return 0;
}

static json_t *
inspect_one (struct engine *e, const char *name, bento_err *err)
{
  struct bnet b;
  if (bnet_load (e->store, name, &b, err) < 0)
    return NULL;
  return bnet_to_json (&b);
}

static void
print_json (json_t *j)
{
  _cleanup_free_ char *t = json_dumps (j, JSON_INDENT (4) | JSON_PRESERVE_ORDER);
  printf ("%s\n", t ? t : "[]");
}

static int
network_ls (struct engine *e, int argc, char **argv)
{
  bool quiet = false, json = false;
  for (int i = 1; i < argc; i++)
    if (strcmp (argv[i], "-q") == 0 || strcmp (argv[i], "--quiet") == 0)
      quiet = true;
    else if (strcmp (argv[i], "--format") == 0 && i + 1 < argc && strcmp (argv[i + 1], "json") == 0)
      json = true, i++;
    else
      {
        fprintf (stderr, "bento network ls: unknown option `%s` (-q, --format json)\n", argv[i]);
        return ENGINE_EXIT_FAILED;
      }
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  char **names = bnet_names (e->store, &err);
  if (names == NULL)
    return fail (&err, "ls");
  json_auto_t *arr = json_array ();
  if (!quiet && !json)
    printf ("%-14s%-20s%s\n", "NETWORK ID", "NAME", "DRIVER");
  for (char **p = names; *p; p++)
    {
      struct bnet b;
      if (bnet_load (e->store, *p, &b, &err) < 0)
        fprintf (stderr, "bento network ls: %s\n", err.msg);
      else if (json)
        json_array_append_new (arr, bnet_to_json (&b));
      else if (quiet)
        printf ("%s\n", b.name);
      else
        printf ("%-14.12s%-20s%s\n", b.id, b.name, "bridge");
      bento_err_clear (&err);
      free (*p);
    }
  free (names);
  if (json)
    print_json (arr);
  return 0;
}

static int
network_inspect (struct engine *e, int argc, char **argv)
{
  if (argc < 2)
    {
      fprintf (stderr, "bento network inspect: want a NAME\n");
      return ENGINE_EXIT_FAILED;
    }
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  json_auto_t *arr = json_array ();
  for (int i = 1; i < argc; i++)
    {
      json_t *j = inspect_one (e, argv[i], &err);
      if (j == NULL)
        return fail (&err, "inspect");
      json_array_append_new (arr, j);
    }
  print_json (arr);
  return 0;
}

static int
network_rm (struct engine *e, int argc, char **argv)
{
  bool force = false;
  int first = 1;
  for (; first < argc && argv[first][0] == '-'; first++)
    if (strcmp (argv[first], "-f") == 0 || strcmp (argv[first], "--force") == 0)
      force = true;
    else
      {
        fprintf (stderr, "bento network rm: unknown option `%s` (-f)\n", argv[first]);
        return ENGINE_EXIT_FAILED;
      }
  if (first == argc)
    {
      fprintf (stderr, "bento network rm: want a NAME\n");
      return ENGINE_EXIT_FAILED;
    }
  int status = 0;
  for (int i = first; i < argc; i++)
    {
      _cleanup_err_ bento_err err = BENTO_ERR_INIT;
      if (bnet_remove (e, argv[i], force, &err) < 0)
        status = fail (&err, "rm");
      else
        printf ("%s\n", argv[i]);
    }
  return status;
}

/* Every network but the default that no container names. */
static int
network_prune (struct engine *e)
{
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  char **names = bnet_names (e->store, &err);
  if (names == NULL)
    return fail (&err, "prune");
  for (char **p = names; *p; p++)
    {
      if (strcmp (*p, BRIDGE_DEFAULT) != 0 && bnet_remove (e, *p, false, &err) == 0)
        printf ("%s\n", *p);
      bento_err_clear (&err);
      free (*p);
    }
  free (names);
  return 0;
}

int
cmd_network (struct bento_global *g, int argc, char **argv)
{
  if (argc < 2)
    {
      fprintf (stderr, "bento network: want create, ls, rm, inspect or prune\n");
      return ENGINE_EXIT_FAILED;
    }
  struct engine e;
  int status;
  if ((status = cli_engine_open (g, &e)) != 0)
    return status;
  const char *sub = argv[1];
  bool changes = strcmp (sub, "create") == 0 || strcmp (sub, "rm") == 0 || strcmp (sub, "remove") == 0
                 || strcmp (sub, "prune") == 0;
  if (changes && e.store->rootless)
    {
      fprintf (stderr, "bento network %s: bridge networks need root (rootless containers use pasta or "
                       "slirp4netns: --network pasta)\n", sub);
      status = ENGINE_EXIT_FAILED;
    }
  else if (strcmp (sub, "create") == 0)
    status = network_create (&e, argc - 1, argv + 1);
  else if (strcmp (sub, "ls") == 0 || strcmp (sub, "list") == 0)
    status = network_ls (&e, argc - 1, argv + 1);
  else if (strcmp (sub, "inspect") == 0)
    status = network_inspect (&e, argc - 1, argv + 1);
  else if (strcmp (sub, "rm") == 0 || strcmp (sub, "remove") == 0)
    status = network_rm (&e, argc - 1, argv + 1);
  else if (strcmp (sub, "prune") == 0)
    status = network_prune (&e);
  else
    {
      fprintf (stderr, "bento network: unknown command `%s` (create, ls, rm, inspect, prune)\n", sub);
      status = ENGINE_EXIT_FAILED;
    }
  cli_engine_close (&e);
  return status;
}
