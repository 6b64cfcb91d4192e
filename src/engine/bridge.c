/* Bridge network definitions (bridge.h): parse and check subnets, pick a
 * free one and an interface name, read and write STORE/networks/NAME.json. */
#include "engine/bridge.h"
#include "engine/ctr.h"
#include "engine/engine.h"
#include "engine/fsutil.h"
#include "engine/net-internal.h"
#include "shared/cleanup.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_SUBNET4 "10.90.0.0/24"

/* ---- addresses ---------------------------------------------------------------- */

static void
mask6 (struct in6_addr *a, int prefix)
{
  for (int i = 0; i < 16; i++)
    {
      int bits = prefix - i * 8;
      a->s6_addr[i] &= (uint8_t) (bits >= 8 ? 0xff : bits <= 0 ? 0 : 0xff << (8 - bits));
    }
}

static uint32_t
mask4 (int prefix)
{
  return prefix == 0 ? 0 : htonl (0xffffffffu << (32 - prefix));
}

/* "ADDR/PREFIX" of FAMILY: the address (host bits kept) and the prefix. */
static int
parse_cidr (const char *s, int family, void *addr, int *prefix)
{
  char buf[64];
  const char *slash = strchr (s, '/');
  if (slash == NULL || (size_t) (slash - s) >= sizeof buf)
    return -1;
  memcpy (buf, s, (size_t) (slash - s));
  buf[slash - s] = '\0';
  char *end;
  long p = strtol (slash + 1, &end, 10);
  int max = family == AF_INET ? 32 : 128;
  if (*end || end == slash + 1 || p < 0 || p > max || inet_pton (family, buf, addr) != 1)
    return -1;
  *prefix = (int) p;
  return 0;
}

bool
bnet_contains4 (const struct bnet *b, struct in_addr a)
{
  return (a.s_addr & mask4 (b->prefix4)) == b->net4.s_addr;
}

/* In B's subnet, and neither its network nor its broadcast address. */
static bool
host_address4 (const struct bnet *b, struct in_addr a)
{
  return bnet_contains4 (b, a) && a.s_addr != b->net4.s_addr && a.s_addr != (b->net4.s_addr | ~mask4 (b->prefix4));
}

static bool
overlap4 (struct in_addr a, int pa, struct in_addr b, int pb)
{
  uint32_t m = mask4 (pa < pb ? pa : pb);
  return (a.s_addr & m) == (b.s_addr & m);
}

static bool
overlap6 (const struct in6_addr *a, int pa, const struct in6_addr *b, int pb)
{
  struct in6_addr x = *a, y = *b;
  int p = pa < pb ? pa : pb;
  mask6 (&x, p);
  mask6 (&y, p);
  return memcmp (&x, &y, sizeof x) == 0;
}

/* A host route (not a default route, not one of bento's bridges) that
 * overlaps the subnet, or NULL: its interface in IFACE. */
static bool
host_route_overlaps4 (struct in_addr net, int prefix, char *iface, size_t len)
{
  _cleanup_fclose_ FILE *f = fopen ("/proc/net/route", "re");
  _cleanup_free_ char *line = NULL;
  size_t cap = 0;
  char dev[64];
  unsigned dest, gw, flags, refs, use, metric, mask;
  while (f && getline (&line, &cap, f) > 0)
    if (sscanf (line, "%63s %x %x %x %u %u %u %x", dev, &dest, &gw, &flags, &refs, &use, &metric, &mask) == 8
        && mask != 0)
      {
        int p = __builtin_popcount (mask);
        struct in_addr d = { .s_addr = dest };
        if (overlap4 (net, prefix, d, p))
          {
            snprintf (iface, len, "%s", dev);
            return true;
          }
      }
  return false;
}

static bool
host_route_overlaps6 (const struct in6_addr *net, int prefix, char *iface, size_t len)
{
  _cleanup_fclose_ FILE *f = fopen ("/proc/net/ipv6_route", "re");
  _cleanup_free_ char *line = NULL;
  size_t cap = 0;
  char hex[33], dev[64];
  unsigned p;
  while (f && getline (&line, &cap, f) > 0)
    {
      if (sscanf (line, "%32s %x %*s %*s %*s %*s %*s %*s %*s %63s", hex, &p, dev) != 3 || p == 0 || p > 128)
        continue;
      struct in6_addr d;
      for (int i = 0; i < 16; i++)
        {
          unsigned byte;
          sscanf (hex + 2 * i, "%2x", &byte);
          d.s6_addr[i] = (uint8_t) byte;
        }
      /* link-local and multicast routes are on every interface */
      if ((d.s6_addr[0] == 0xfe && (d.s6_addr[1] & 0xc0) == 0x80) || d.s6_addr[0] == 0xff || strcmp (dev, "lo") == 0)
        continue;
      if (overlap6 (net, prefix, &d, (int) p))
        {
          snprintf (iface, len, "%s", dev);
          return true;
        }
    }
  return false;
}

/* ---- the files ---------------------------------------------------------------- */

static bool
name_ok (const char *n)
{
  size_t len = strlen (n);
  return len > 0 && len < 64 && n[0] != '.' && n[0] != '-'
         && n[strspn (n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")] == '\0';
}

json_t *
bnet_to_json (const struct bnet *b)
{
  char net[INET6_ADDRSTRLEN], gw[INET6_ADDRSTRLEN], cidr[INET6_ADDRSTRLEN + 8];
  json_t *subnets = json_array ();
  inet_ntop (AF_INET, &b->net4, net, sizeof net);
  inet_ntop (AF_INET, &b->gw4, gw, sizeof gw);
  snprintf (cidr, sizeof cidr, "%s/%d", net, b->prefix4);
  json_array_append_new (subnets, json_pack ("{s:s, s:s}", "subnet", cidr, "gateway", gw));
  if (b->ipv6)
    {
      inet_ntop (AF_INET6, &b->net6, net, sizeof net);
      inet_ntop (AF_INET6, &b->gw6, gw, sizeof gw);
      snprintf (cidr, sizeof cidr, "%s/%d", net, b->prefix6);
      json_array_append_new (subnets, json_pack ("{s:s, s:s}", "subnet", cidr, "gateway", gw));
    }
  return json_pack ("{s:s, s:s, s:s, s:s, s:s, s:o, s:b, s:b, s:b, s:{s:s}}", "name", b->name, "id", b->id, "driver",
                    "bridge", "network_interface", b->iface, "created", b->created, "subnets", subnets,
                    "ipv6_enabled", b->ipv6, "internal", b->internal, "dns_enabled", 0, "ipam_options", "driver",
                    "host-local");
}

static int
bnet_from_json (json_t *j, struct bnet *b)
{
  memset (b, 0, sizeof *b);
  const char *name = json_string_value (json_object_get (j, "name"));
  const char *iface = json_string_value (json_object_get (j, "network_interface"));
  const char *id = json_string_value (json_object_get (j, "id"));
  const char *created = json_string_value (json_object_get (j, "created"));
  json_t *subnets = json_object_get (j, "subnets");
  if (name == NULL || iface == NULL || strlen (iface) >= IFNAMSIZ || id == NULL || !json_is_array (subnets))
    return -1;
  snprintf (b->name, sizeof b->name, "%s", name);
  snprintf (b->iface, sizeof b->iface, "%s", iface);
  snprintf (b->id, sizeof b->id, "%s", id);
  snprintf (b->created, sizeof b->created, "%s", created ? created : "");
  b->internal = json_is_true (json_object_get (j, "internal"));
  bool have4 = false;
  size_t i;
  json_t *s;
  json_array_foreach (subnets, i, s)
  {
    const char *cidr = json_string_value (json_object_get (s, "subnet"));
    const char *gw = json_string_value (json_object_get (s, "gateway"));
    if (cidr == NULL || gw == NULL)
      return -1;
    if (strchr (cidr, ':'))
      {
        if (parse_cidr (cidr, AF_INET6, &b->net6, &b->prefix6) < 0 || inet_pton (AF_INET6, gw, &b->gw6) != 1)
          return -1;
        b->ipv6 = true;
      }
    else
      {
        if (parse_cidr (cidr, AF_INET, &b->net4, &b->prefix4) < 0 || inet_pton (AF_INET, gw, &b->gw4) != 1)
          return -1;
        have4 = true;
      }
  }
  return have4 ? 0 : -1;
}

static char *
def_path (const char *name)
{
  return xasprintf ("networks/%s.json", name);
}

/* The store's own table name for the network. */
static void
set_table (struct store *s, struct bnet *b)
{
  uint32_t h = 2166136261u; /* FNV-1a */
  for (const char *p = s->root; *p; p++)
    h = (h ^ (uint8_t) *p) * 16777619u;
  snprintf (b->table, sizeof b->table, "bento_%s_%08x", b->iface, h);
}

static int
bnet_read (struct store *s, const char *name, struct bnet *out, bento_err *err)
{
  _cleanup_free_ char *rel = def_path (name), *buf = NULL;
  size_t len = 0;
  if (rel == NULL)
    return bento_err_make (err, ENOMEM, "network");
  if (read_file_at (s->dirfd, rel, 1 << 20, &buf, &len, err) < 0)
    return -1;
  json_error_t je;
  json_auto_t *j = json_loadb (buf, len, 0, &je);
  if (j == NULL || bnet_from_json (j, out) < 0)
    return bento_err_make (err, 0, "network `%s`: %s/%s is malformed", name, s->root, rel);
  set_table (s, out);
  return 0;
}

static int
bnet_write (struct store *s, const struct bnet *b, bool exclusive, bento_err *err)
{
  if (mkdirat (s->dirfd, "networks", 0700) < 0 && errno != EEXIST)
    return bento_err_make (err, errno, "create %s/networks", s->root);
  _cleanup_free_ char *rel = def_path (b->name);
  json_auto_t *j = bnet_to_json (b);
  _cleanup_free_ char *text = j ? json_dumps (j, JSON_INDENT (2) | JSON_PRESERVE_ORDER) : NULL;
  if (rel == NULL || text == NULL)
    return bento_err_make (err, ENOMEM, "network `%s`", b->name);
  if (exclusive && faccessat (s->dirfd, rel, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    return bento_err_make (err, EEXIST, "network `%s`", b->name);
  size_t len = strlen (text);
  text[len++] = '\n'; /* json_dumps leaves room: it was NUL */
  return write_file_atomic_at (s->dirfd, rel, text, len, 0644, err);
}

char **
bnet_names (struct store *s, bento_err *err)
{
  struct bnet b;
  if (bnet_load (s, BRIDGE_DEFAULT, &b, err) < 0)
    return NULL;
  struct strv v = { 0 };
  strv_add (&v, BRIDGE_DEFAULT);
  _cleanup_close_ int fd = openat (s->dirfd, "networks", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  struct dirent **names = NULL;
  int n = fd >= 0 ? scandirat (fd, ".", &names, NULL, alphasort) : 0;
  for (int i = 0; i < n; i++)
    {
      size_t len = strlen (names[i]->d_name);
      if (len > 5 && strcmp (names[i]->d_name + len - 5, ".json") == 0)
        {
          names[i]->d_name[len - 5] = '\0';
          if (strcmp (names[i]->d_name, BRIDGE_DEFAULT) != 0 && name_ok (names[i]->d_name))
            strv_add (&v, names[i]->d_name);
        }
      free (names[i]);
    }
  free (names);
  if (v.v == NULL)
    bento_err_make (err, ENOMEM, "networks");
  return v.v;
}

/* ---- create ------------------------------------------------------------------- */

/* Every definition of the store (bento0 among them), read once for a
 * create to check its candidates against. */
struct bnets
{
  struct bnet *v;
  size_t n;
};

static int
bnets_read (struct store *s, struct bnets *out, bento_err *err)
{
  char **names = bnet_names (s, err);
  size_t count = 0;
  while (names && names[count])
    count++;
  out->n = 0;
  out->v = names ? calloc (count + 1, sizeof *out->v) : NULL;
  for (size_t i = 0; i < count; i++)
    {
      _cleanup_err_ bento_err ignored = BENTO_ERR_INIT;
      if (out->v && bnet_read (s, names[i], &out->v[out->n], &ignored) == 0)
        out->n++;
      free (names[i]);
    }
  free (names);
  if (out->v == NULL)
    return bento_err_is_set (err) ? -1 : bento_err_make (err, ENOMEM, "networks");
  return 0;
}

/* Does the candidate overlap another network or a host route, or take
 * another's interface?  Says which in ERR. */
static int
check_free (const struct bnets *others, const struct bnet *cand, bento_err *err)
{
  char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
  for (size_t i = 0; i < others->n; i++)
    {
      const struct bnet *o = &others->v[i];
      if (strcmp (o->name, cand->name) == 0)
        continue;
      if (overlap4 (cand->net4, cand->prefix4, o->net4, o->prefix4))
        return bento_err_make (err, 0, "subnet %s/%d overlaps network `%s` (%s/%d)",
                               inet_ntop (AF_INET, &cand->net4, a, sizeof a), cand->prefix4, o->name,
                               inet_ntop (AF_INET, &o->net4, b, sizeof b), o->prefix4);
      if (cand->ipv6 && o->ipv6 && overlap6 (&cand->net6, cand->prefix6, &o->net6, o->prefix6))
        return bento_err_make (err, 0, "subnet %s/%d overlaps network `%s` (%s/%d)",
                               inet_ntop (AF_INET6, &cand->net6, a, sizeof a), cand->prefix6, o->name,
                               inet_ntop (AF_INET6, &o->net6, b, sizeof b), o->prefix6);
      if (strcmp (cand->iface, o->iface) == 0)
        return bento_err_make (err, 0, "interface `%s` is network `%s`'s", o->iface, o->name);
    }
  char dev[64];
  if (host_route_overlaps4 (cand->net4, cand->prefix4, dev, sizeof dev) && strcmp (dev, cand->iface) != 0)
    return bento_err_make (err, 0, "subnet %s/%d overlaps a route of the host's (on %s)",
                           inet_ntop (AF_INET, &cand->net4, a, sizeof a), cand->prefix4, dev);
  if (cand->ipv6 && host_route_overlaps6 (&cand->net6, cand->prefix6, dev, sizeof dev)
      && strcmp (dev, cand->iface) != 0)
    return bento_err_make (err, 0, "subnet %s/%d overlaps a route of the host's (on %s)",
                           inet_ntop (AF_INET6, &cand->net6, a, sizeof a), cand->prefix6, dev);
  return 0;
}

static int
set_subnet4 (struct bnet *b, const char *subnet, const char *gateway, bento_err *err)
{
  if (parse_cidr (subnet, AF_INET, &b->net4, &b->prefix4) < 0 || b->prefix4 > 30 || b->prefix4 < 8)
    return bento_err_make (err, 0, "--subnet `%s`: want an IPv4 network such as 10.90.1.0/24 (prefix 8 to 30)",
                           subnet);
  b->net4.s_addr &= mask4 (b->prefix4);
  b->gw4.s_addr = htonl (ntohl (b->net4.s_addr) + 1);
  if (gateway && (inet_pton (AF_INET, gateway, &b->gw4) != 1 || !host_address4 (b, b->gw4)))
    return bento_err_make (err, 0, "--gateway `%s`: not a host address of %s", gateway, subnet);
  return 0;
}

static int
set_subnet6 (struct bnet *b, const char *subnet, const char *gateway, bento_err *err)
{
  if (parse_cidr (subnet, AF_INET6, &b->net6, &b->prefix6) < 0 || b->prefix6 > 120 || b->prefix6 < 48)
    return bento_err_make (err, 0, "--subnet `%s`: want an IPv6 network such as fd90:0:0:1::/64 (prefix 48 to 120)",
                           subnet);
  mask6 (&b->net6, b->prefix6);
  b->gw6 = b->net6;
  b->gw6.s6_addr[15] |= 1;
  if (gateway)
    {
      struct in6_addr g;
      if (inet_pton (AF_INET6, gateway, &g) != 1 || !overlap6 (&g, 128, &b->net6, b->prefix6))
        return bento_err_make (err, 0, "--gateway `%s`: not an address of %s", gateway, subnet);
      b->gw6 = g;
    }
  b->ipv6 = true;
  return 0;
}

/* The first 10.90.N.0/24 (and fd90:0:0:N::/64) that is free; a subnet
 * given is checked later, by itself. */
static int
pick_subnets (const struct bnets *others, struct bnet *b, bool want4, bool want6, bento_err *err)
{
  _cleanup_err_ bento_err why = BENTO_ERR_INIT;
  bool given6 = b->ipv6 && !want6;
  struct bnet cand;
  for (unsigned n = 1; n < 256; n++)
    {
      char s4[32], s6[48];
      snprintf (s4, sizeof s4, "10.90.%u.0/24", n);
      snprintf (s6, sizeof s6, "fd90:0:0:%x::/64", n);
      if ((want4 && set_subnet4 (b, s4, NULL, err) < 0) || (want6 && set_subnet6 (b, s6, NULL, err) < 0))
        return -1;
      bento_err_clear (&why);
      cand = *b;
      cand.ipv6 = b->ipv6 && !given6;
      if (check_free (others, &cand, &why) == 0)
        return 0;
    }
  return bento_err_make (err, 0, "no free subnet left in 10.90.0.0/16: give one with --subnet");
}

/* bentoN, the first N that no network of the store and no link has. */
static int
pick_iface (const struct bnets *others, struct bnet *b, bento_err *err)
{
  for (unsigned n = 1; n < 1000; n++)
    {
      snprintf (b->iface, sizeof b->iface, "bento%u", n);
      bool taken = if_nametoindex (b->iface) != 0;
      for (size_t i = 0; i < others->n && !taken; i++)
        taken = strcmp (others->v[i].iface, b->iface) == 0;
      if (!taken)
        return 0;
    }
  return bento_err_make (err, 0, "no free interface name: give one with --interface-name");
}

static int
fill_new (struct bnet *b, const char *name, bento_err *err)
{
  memset (b, 0, sizeof *b);
  if (!name_ok (name))
    return bento_err_make (err, 0, "network name `%s`: only letters, digits and _ . - are allowed", name);
  snprintf (b->name, sizeof b->name, "%s", name);
  if (ctr_new_id (b->id, err) < 0)
    return -1;
  ctr_now (b->created, sizeof b->created);
  return 0;
}

static int
define (const struct bnets *others, const char *name, const struct bnet_opts *o, struct bnet *b, bento_err *err)
{
  if (fill_new (b, name, err) < 0)
    return -1;
  b->internal = o->internal;
  if (o->iface)
    {
      if (strlen (o->iface) >= IFNAMSIZ || !name_ok (o->iface))
        return bento_err_make (err, 0, "--interface-name `%s`: not a valid interface name", o->iface);
      if (if_nametoindex (o->iface) != 0)
        return bento_err_make (err, EEXIST, "--interface-name `%s`", o->iface);
      snprintf (b->iface, sizeof b->iface, "%s", o->iface);
    }
  else if (strcmp (name, BRIDGE_DEFAULT) == 0)
    snprintf (b->iface, sizeof b->iface, "%s", BRIDGE_DEFAULT);
  else if (pick_iface (others, b, err) < 0)
    return -1;
  if (o->gateway4 && !o->subnet4)
    return bento_err_make (err, 0, "--gateway `%s` needs --subnet", o->gateway4);
  if (o->subnet4 && set_subnet4 (b, o->subnet4, o->gateway4, err) < 0)
    return -1;
  if (o->subnet6 && set_subnet6 (b, o->subnet6, o->gateway6, err) < 0)
    return -1;
  bool want6 = o->ipv6 && !o->subnet6;
  if ((!o->subnet4 || want6) && pick_subnets (others, b, !o->subnet4, want6, err) < 0)
    return -1;
  return check_free (others, b, err);
}

/* ---- the lock ------------------------------------------------------------------- */

int
bnet_lock (struct store *s, bento_err *err)
{
  if (mkdirat (s->dirfd, "networks", 0700) < 0 && errno != EEXIST)
    return bento_err_make (err, errno, "create %s/networks", s->root);
  int fd = openat (s->dirfd, "networks/lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return bento_err_make (err, errno, "open %s/networks/lock", s->root);
  if (flock (fd, LOCK_EX) < 0)
    {
      int e = errno;
      close (fd);
      return bento_err_make (err, e, "lock %s/networks/lock", s->root);
    }
  return fd;
}

int
bnet_create (struct store *s, const char *name, const struct bnet_opts *o, struct bnet *out, bento_err *err)
{
  _cleanup_close_ int lock = bnet_lock (s, err);
  if (lock < 0)
    return -1;
  if (strcmp (name, BRIDGE_DEFAULT) == 0 || bnet_read (s, name, out, err) == 0)
    return bento_err_make (err, 0, "network `%s` already exists", name);
  bento_err_clear (err);
  struct bnets others;
  if (bnets_read (s, &others, err) < 0)
    return -1;
  int r = define (&others, name, o, out, err);
  free (others.v);
  if (r < 0 || bnet_write (s, out, true, err) < 0)
    return -1;
  set_table (s, out);
  return 0;
}

int
bnet_load (struct store *s, const char *name, struct bnet *out, bento_err *err)
{
  if (!name_ok (name))
    return bento_err_make (err, 0, "network `%s`: not a valid network name", name);
  _cleanup_err_ bento_err missing = BENTO_ERR_INIT;
  if (bnet_read (s, name, out, &missing) == 0)
    return 0;
  if (missing.errnum != ENOENT)
    {
      bento_err_set_raw (err, missing.errnum, missing.msg);
      return -1;
    }
  if (strcmp (name, BRIDGE_DEFAULT) != 0)
    return bento_err_make (err, 0, "network `%s` does not exist (bento network ls)", name);
  /* the default: written once, 10.90.0.0/24 on bento0 */
  struct bnet_opts o = { .subnet4 = DEFAULT_SUBNET4 };
  if (fill_new (out, name, err) < 0)
    return -1;
  snprintf (out->iface, sizeof out->iface, "%s", BRIDGE_DEFAULT);
  if (set_subnet4 (out, o.subnet4, NULL, err) < 0 || bnet_write (s, out, false, err) < 0)
    return bento_err_wrap (err, "network `%s`", name);
  set_table (s, out);
  return 0;
}

/* The containers (any state) on network NAME: with REMOVE, each is removed
 * (rm -f); else the first one's name, or NULL. */
static char *
network_users (struct engine *e, const char *name, bool remove, bento_err *err)
{
  char **ids = NULL;
  size_t n = 0;
  char *who = NULL;
  _cleanup_err_ bento_err ignored = BENTO_ERR_INIT;
  if (ctr_list (e->store, &ids, &n, &ignored) < 0)
    return NULL;
  for (size_t i = 0; i < n; i++)
    {
      struct ctr c;
      if (ctr_open (e->store, ids[i], &c, &ignored) == 0)
        {
          const char *net = ctr_str (&c, "network");
          if (net && strcmp (net, name) == 0 && remove && !bento_err_is_set (err))
            engine_remove (e, &c, true, err);
          else if (net && strcmp (net, name) == 0 && who == NULL)
            who = strdup (ctr_str (&c, "name") ? ctr_str (&c, "name") : ids[i]);
        }
      bento_err_clear (&ignored);
      ctr_close (&c);
      free (ids[i]);
    }
  free (ids);
  return who;
}

int
bnet_remove (struct engine *e, const char *name, bool force, bento_err *err)
{
  struct bnet b;
  if (bnet_load (e->store, name, &b, err) < 0)
    return -1;
  if (strcmp (name, BRIDGE_DEFAULT) == 0)
    return bento_err_make (err, 0, "network `%s` is the default: it cannot be removed", name);
  _cleanup_free_ char *user = network_users (e, name, false, err);
  if (user && !force)
    return bento_err_make (err, 0, "network `%s` is used by container `%s` (remove it first, or -f)", name, user);
  if (user)
    {
      free (network_users (e, name, true, err));
      if (bento_err_is_set (err))
        return bento_err_wrap (err, "network `%s`", name);
    }
  _cleanup_close_ int lock = bnet_lock (e->store, err);
  _cleanup_free_ char *rel = def_path (name);
  if (lock < 0 || rel == NULL)
    return -1;
  if (unlinkat (e->store->dirfd, rel, 0) < 0)
    return bento_err_make (err, errno, "remove network `%s`", name);
  return 0;
}

bool
bnet_exists (struct store *s, const char *name)
{
  _cleanup_free_ char *rel = name_ok (name) ? def_path (name) : NULL;
  return strcmp (name, BRIDGE_DEFAULT) == 0
         || (rel && faccessat (s->dirfd, rel, F_OK, AT_SYMLINK_NOFOLLOW) == 0);
}

int
bridge_check (struct engine *e, const char *network, const char *ip, const char *mac, bento_err *err)
{
  struct bnet b;
  if (bnet_load (e->store, network, &b, err) < 0)
    return bento_err_wrap (err, "--network");
  struct in_addr a;
  if (ip && (inet_pton (AF_INET, ip, &a) != 1 || !host_address4 (&b, a) || a.s_addr == b.gw4.s_addr))
    {
      char net[INET_ADDRSTRLEN];
      inet_ntop (AF_INET, &b.net4, net, sizeof net);
      return bento_err_make (err, 0, "--ip `%s`: not a free host address of network `%s` (%s/%d)", ip, network, net,
                             b.prefix4);
    }
  uint8_t m[6];
  if (mac && !bnet_parse_mac (mac, m))
    return bento_err_make (err, 0, "--mac-address `%s`: want six hex bytes such as 02:42:0a:5a:00:02", mac);
  return 0;
}

bool
bnet_parse_mac (const char *s, uint8_t mac[6])
{
  unsigned v[6];
  char tail;
  if (sscanf (s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &tail) != 6)
    return false;
  for (int i = 0; i < 6; i++)
    mac[i] = (uint8_t) v[i];
  /* a multicast address cannot be an interface's */
  return (mac[0] & 1) == 0 && strlen (s) == 17;
}

uint32_t
bnet_mask4 (int prefix)
{
  return mask4 (prefix);
}

int
bridge_gateway (struct store *s, const char *network, char *out, size_t len)
{
  struct bnet b;
  _cleanup_err_ bento_err ignored = BENTO_ERR_INIT;
  if (bnet_load (s, network, &b, &ignored) < 0 || inet_ntop (AF_INET, &b.gw4, out, (socklen_t) len) == NULL)
    return -1;
  return 0;
}
