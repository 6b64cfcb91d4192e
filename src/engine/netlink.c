/* rtnetlink requests (netlink.h).  A message is built in a fixed buffer:
 * the header, the family's struct, then attributes, some nested; a message
 * that would not fit is refused before it is sent. */
#include "engine/netlink.h"

#include <errno.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct msg
{
  union
  {
    struct nlmsghdr h;
    char buf[1024];
  };
  bool overflow;
};

static void
msg_init (struct msg *m, int type, int flags)
{
  memset (m, 0, sizeof *m);
  m->h.nlmsg_len = NLMSG_LENGTH (0);
  m->h.nlmsg_type = (uint16_t) type;
  m->h.nlmsg_flags = (uint16_t) (NLM_F_REQUEST | NLM_F_ACK | flags);
}

/* LEN bytes at the (aligned) end of the message, zeroed. */
static void *
msg_put (struct msg *m, size_t len)
{
  size_t at = NLMSG_ALIGN (m->h.nlmsg_len);
  if (at + RTA_ALIGN (len) > sizeof m->buf)
    {
      m->overflow = true;
      return NULL;
    }
  m->h.nlmsg_len = (uint32_t) (at + RTA_ALIGN (len));
  return memset (m->buf + at, 0, RTA_ALIGN (len));
}

static struct rtattr *
attr_put (struct msg *m, int type, const void *data, size_t len)
{
  struct rtattr *a = msg_put (m, RTA_LENGTH (len));
  if (a == NULL)
    return NULL;
  a->rta_type = (unsigned short) type;
  a->rta_len = (unsigned short) RTA_LENGTH (len);
  if (len)
    memcpy (RTA_DATA (a), data, len);
  return a;
}

static void
attr_str (struct msg *m, int type, const char *s)
{
  attr_put (m, type, s, strlen (s) + 1);
}

static void
attr_u32 (struct msg *m, int type, uint32_t v)
{
  attr_put (m, type, &v, sizeof v);
}

/* A nest: opened empty, its length set to cover what follows when ended. */
static struct rtattr *
nest_start (struct msg *m, int type)
{
  return attr_put (m, type, NULL, 0);
}

static void
nest_end (struct msg *m, struct rtattr *nest)
{
  if (nest)
    nest->rta_len = (unsigned short) (m->buf + m->h.nlmsg_len - (char *) nest);
}

int
nl_open (struct nl *nl, bento_err *err)
{
  nl->seq = 0;
  nl->fd = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (nl->fd < 0)
    return bento_err_make (err, errno, "netlink socket");
  struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
  if (bind (nl->fd, (struct sockaddr *) &sa, sizeof sa) < 0)
    {
      int e = errno;
      nl_close (nl);
      return bento_err_make (err, e, "bind netlink socket");
    }
  return 0;
}

void
nl_close (struct nl *nl)
{
  if (nl->fd >= 0)
    close (nl->fd);
  nl->fd = -1;
}

/* Send M and wait for its acknowledgement: 0, or the kernel's -errno. */
static int
transact (struct nl *nl, struct msg *m)
{
  if (m->overflow)
    return -EMSGSIZE;
  m->h.nlmsg_seq = ++nl->seq;
  struct sockaddr_nl to = { .nl_family = AF_NETLINK };
  if (sendto (nl->fd, m->buf, m->h.nlmsg_len, 0, (struct sockaddr *) &to, sizeof to) < 0)
    return -errno;
  char reply[4096];
  for (;;)
    {
      ssize_t n = recv (nl->fd, reply, sizeof reply, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -errno;
      for (struct nlmsghdr *h = (struct nlmsghdr *) reply; NLMSG_OK (h, (size_t) n); h = NLMSG_NEXT (h, n))
        {
          if (h->nlmsg_seq != nl->seq)
            continue;
          if (h->nlmsg_type == NLMSG_ERROR)
            return ((struct nlmsgerr *) NLMSG_DATA (h))->error;
          if (h->nlmsg_type == NLMSG_DONE)
            return 0;
        }
    }
}

int
nl_bridge_add (struct nl *nl, const char *name, bento_err *err)
{
  struct msg m;
  msg_init (&m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
  msg_put (&m, sizeof (struct ifinfomsg));
  attr_str (&m, IFLA_IFNAME, name);
  struct rtattr *info = nest_start (&m, IFLA_LINKINFO);
  attr_str (&m, IFLA_INFO_KIND, "bridge");
  nest_end (&m, info);
  int r = transact (nl, &m);
  if (r < 0 && r != -EEXIST)
    return bento_err_make (err, -r, "create bridge `%s`", name);
  return 0;
}

int
nl_veth_add (struct nl *nl, const char *host, int master, const char *peer, int peer_netns, const uint8_t mac[6],
             bento_err *err)
{
  struct msg m;
  msg_init (&m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
  msg_put (&m, sizeof (struct ifinfomsg));
  attr_str (&m, IFLA_IFNAME, host);
  attr_u32 (&m, IFLA_MASTER, (uint32_t) master);
  struct rtattr *info = nest_start (&m, IFLA_LINKINFO);
  attr_str (&m, IFLA_INFO_KIND, "veth");
  struct rtattr *data = nest_start (&m, IFLA_INFO_DATA);
  struct rtattr *p = nest_start (&m, VETH_INFO_PEER);
  msg_put (&m, sizeof (struct ifinfomsg)); /* the peer's own header */
  attr_str (&m, IFLA_IFNAME, peer);
  attr_u32 (&m, IFLA_NET_NS_FD, (uint32_t) peer_netns);
  attr_put (&m, IFLA_ADDRESS, mac, 6);
  nest_end (&m, p);
  nest_end (&m, data);
  nest_end (&m, info);
  int r = transact (nl, &m);
  if (r < 0)
    return bento_err_make (err, -r, "create veth pair `%s`/`%s`", host, peer);
  return 0;
}

int
nl_link_del (struct nl *nl, const char *name, bento_err *err)
{
  struct msg m;
  msg_init (&m, RTM_DELLINK, 0);
  msg_put (&m, sizeof (struct ifinfomsg));
  attr_str (&m, IFLA_IFNAME, name);
  int r = transact (nl, &m);
  if (r < 0 && r != -ENODEV)
    return bento_err_make (err, -r, "delete link `%s`", name);
  return 0;
}

int
nl_link_up (struct nl *nl, int ifindex, bento_err *err)
{
  struct msg m;
  msg_init (&m, RTM_NEWLINK, 0);
  struct ifinfomsg *ifi = msg_put (&m, sizeof *ifi);
  if (ifi)
    {
      ifi->ifi_index = ifindex;
      ifi->ifi_flags = IFF_UP;
      ifi->ifi_change = IFF_UP;
    }
  int r = transact (nl, &m);
  if (r < 0)
    return bento_err_make (err, -r, "set link %d up", ifindex);
  return 0;
}

static size_t
addr_len (int family)
{
  return family == AF_INET6 ? sizeof (struct in6_addr) : sizeof (struct in_addr);
}

int
nl_addr_add (struct nl *nl, int ifindex, int family, const void *addr, int prefix, bento_err *err)
{
  struct msg m;
  msg_init (&m, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
  struct ifaddrmsg *ifa = msg_put (&m, sizeof *ifa);
  if (ifa)
    {
      ifa->ifa_family = (uint8_t) family;
      ifa->ifa_prefixlen = (uint8_t) prefix;
      ifa->ifa_scope = RT_SCOPE_UNIVERSE;
      ifa->ifa_index = (uint32_t) ifindex;
    }
  attr_put (&m, IFA_LOCAL, addr, addr_len (family));
  attr_put (&m, IFA_ADDRESS, addr, addr_len (family));
  if (family == AF_INET6)
    attr_u32 (&m, IFA_FLAGS, IFA_F_NODAD);
  int r = transact (nl, &m);
  if (r < 0 && r != -EEXIST)
    return bento_err_make (err, -r, "add an address to link %d", ifindex);
  return 0;
}

int
nl_route_default (struct nl *nl, int ifindex, int family, const void *gw, bento_err *err)
{
  struct msg m;
  msg_init (&m, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
  struct rtmsg *rt = msg_put (&m, sizeof *rt);
  if (rt)
    {
      rt->rtm_family = (uint8_t) family;
      rt->rtm_table = RT_TABLE_MAIN;
      rt->rtm_protocol = RTPROT_BOOT;
      rt->rtm_scope = RT_SCOPE_UNIVERSE;
      rt->rtm_type = RTN_UNICAST;
    }
  attr_put (&m, RTA_GATEWAY, gw, addr_len (family));
  attr_u32 (&m, RTA_OIF, (uint32_t) ifindex);
  int r = transact (nl, &m);
  if (r < 0 && r != -EEXIST)
    return bento_err_make (err, -r, "add the default route");
  return 0;
}
