/* src/runtime/{sysctl,personality,ioprio,sched,oom,timens,lsm}.c: the
 * checks on configs, and each setting applied in a forked child and read
 * back from the kernel. */
#include "runtime/security.h"
#include "shared/cleanup.h"
#include "spec/spec.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/ioprio.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

DEFINE_CLEANUP_FUNC (struct bento_spec *, spec_free)
#define _cleanup_spec_ _cleanup_ (spec_freep)

/* Parse a config (single quotes for double quotes) with ROOT_EXTRA fields at
 * the top level and LINUX_EXTRA in `linux`. */
static struct bento_spec *
parse (const char *top, const char *linux_)
{
  _cleanup_free_ char *text = NULL;
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  struct bento_spec *s = NULL;
  if (asprintf (&text, "{'ociVersion':'1.0.2','root':{'path':'rootfs'}%s%s,'linux':{%s}}", top[0] ? "," : "", top,
                linux_)
      < 0)
    abort ();
  for (char *c = text; *c; c++)
    if (*c == '\'')
      *c = '"';
  if (spec_parse (text, strlen (text), &s, &err) < 0)
    printf ("# parse failed: %s\n", err.msg);
  return s;
}

/* The error of security_check() on a config, "" when it passes. */
static const char *
check_error (const char *top, const char *linux_)
{
  static char msg[512];
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  _cleanup_spec_ struct bento_spec *s = parse (top, linux_);
  msg[0] = '\0';
  if (s == NULL)
    return "(parse failed)";
  if (security_check (s, &err) < 0)
    snprintf (msg, sizeof msg, "%s", err.msg);
  return msg;
}

static void
test_sysctl_keys (void)
{
  _cleanup_free_ char *a = sysctl_key_dotted ("net/ipv4/conf/eth0.100/rp_filter");
  is_str (a, "net.ipv4.conf.eth0/100.rp_filter", "a slash-separated key becomes dotted");
  _cleanup_free_ char *b = sysctl_key_path ("net/ipv4/conf/eth0.100/rp_filter");
  is_str (b, "net/ipv4/conf/eth0.100/rp_filter", "its path keeps the interface's dot");
  _cleanup_free_ char *c = sysctl_key_path ("net.ipv4.ip_forward");
  is_str (c, "net/ipv4/ip_forward", "a dotted key's path");
  _cleanup_free_ char *d = sysctl_key_path ("net.ipv4.conf.eth0/100.rp_filter");
  is_str (d, "net/ipv4/conf/eth0.100/rp_filter", "a dotted key with a slash in a name");
}

static void
test_sysctl_check (void)
{
  is_str (check_error ("", "'namespaces':[{'type':'network'}],'sysctl':{'net.ipv4.ip_forward':'1'}"), "",
          "net.* with a new network namespace passes");
  is_str (check_error ("", "'sysctl':{'net.ipv4.ip_forward':'1'}"),
          "linux.sysctl: `net.ipv4.ip_forward` is not allowed in the host's network namespace",
          "net.* without a network namespace is refused");
  is_str (check_error ("", "'namespaces':[{'type':'network','path':'/proc/self/ns/net'}],'sysctl':{'net.core.somaxconn':'1'}"),
          "linux.sysctl: `net.core.somaxconn` is not allowed in the host's network namespace",
          "net.* in a joined namespace that is the host's is refused");
  is_str (check_error ("", "'namespaces':[{'type':'ipc'}],'sysctl':{'kernel.shmmax':'1','fs.mqueue.msg_max':'20',"
                           "'kernel.sem':'1 2 3 4'}"),
          "", "ipc keys with a new ipc namespace pass");
  is_str (check_error ("", "'namespaces':[{'type':'network'}],'sysctl':{'kernel.msgmax':'1'}"),
          "linux.sysctl: `kernel.msgmax` is not allowed in the host's ipc namespace",
          "an ipc key without an ipc namespace is refused");
  is_str (check_error ("", "'namespaces':[{'type':'uts'}],'sysctl':{'kernel.domainname':'example.org'}"), "",
          "kernel.domainname with a uts namespace passes");
  is_str (check_error ("'hostname':'box'", "'namespaces':[{'type':'uts'}],'sysctl':{'kernel.hostname':'other'}"),
          "linux.sysctl: `kernel.hostname` conflicts with the `hostname` field", "kernel.hostname and hostname conflict");
  is_str (check_error ("", "'sysctl':{'kernel.domainname':'example.org'}"),
          "linux.sysctl: `kernel.domainname` is not allowed in the host's uts namespace",
          "kernel.domainname without a uts namespace is refused");
  is_str (check_error ("", "'namespaces':[{'type':'network'},{'type':'ipc'},{'type':'uts'}],'sysctl':{'vm.swappiness':'1'}"),
          "linux.sysctl: `vm.swappiness` is not in a separate kernel namespace", "a global key is refused, named");
  is_str (check_error ("", "'namespaces':[{'type':'network'}],'sysctl':{'net/ipv4/conf/all/forwarding':'1'}"), "",
          "a slash-separated net key passes");
}

/* Fork, run FN in the child; its exit status (DIED + signal if killed). */
static int
in_child (int (*fn) (void *), void *arg)
{
  fflush (stdout);
  pid_t pid = fork ();
  if (pid < 0)
    abort ();
  if (pid == 0)
    _exit (fn (arg));
  int status;
  if (waitpid (pid, &status, 0) < 0)
    abort ();
  return WIFEXITED (status) ? WEXITSTATUS (status) : 200 + WTERMSIG (status);
}

static int
read_file_int (const char *path, long *out)
{
  char buf[64];
  _cleanup_close_ int fd = open (path, O_RDONLY | O_CLOEXEC);
  ssize_t n = fd >= 0 ? read (fd, buf, sizeof buf - 1) : -1;
  if (n <= 0)
    return -1;
  buf[n] = '\0';
  *out = strtol (buf, NULL, 10);
  return 0;
}

/* In a new user+network namespace (works as root and as a user), write
 * net.ipv4.ip_forward=1 and net.core.somaxconn=1234, read them back. */
static int
child_sysctl (void *arg)
{
  struct bento_linux *l = arg;
  bento_err err = BENTO_ERR_INIT;
  long fwd = 0, somax = 0;
  if (unshare (CLONE_NEWUSER | CLONE_NEWNET) < 0)
    return 10;
  if (sysctl_apply (l, &err) < 0)
    {
      printf ("# %s\n", err.msg);
      return 11;
    }
  if (read_file_int ("/proc/sys/net/ipv4/ip_forward", &fwd) < 0 || read_file_int ("/proc/sys/net/core/somaxconn", &somax) < 0)
    return 12;
  return fwd == 1 && somax == 1234 ? 0 : 13;
}

static void
test_sysctl_apply (void)
{
  _cleanup_spec_ struct bento_spec *s
      = parse ("", "'namespaces':[{'type':'network'}],'sysctl':{'net.ipv4.ip_forward':'1','net/core/somaxconn':'1234'}");
  long host_fwd = -1;
  read_file_int ("/proc/sys/net/ipv4/ip_forward", &host_fwd);
  is_int (in_child (child_sysctl, s->linux_), 0, "sysctl values are written in the namespace and read back");
  long after = -2;
  read_file_int ("/proc/sys/net/ipv4/ip_forward", &after);
  is_int (after, host_fwd, "the host's own value is untouched");

  _cleanup_spec_ struct bento_spec *bad = parse ("", "'namespaces':[{'type':'network'}],'sysctl':{'net.no.such.key':'1'}");
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  is_int (sysctl_apply (bad->linux_, &err), -1, "an unknown key fails");
  is_str (err.msg, "linux.sysctl: open `/proc/sys/net/no/such/key`: No such file or directory", "... naming its file");
}

static int
child_personality (void *arg)
{
  bento_err err = BENTO_ERR_INIT;
  struct utsname u;
  if (personality_apply (arg, &err) < 0 || uname (&u) < 0)
    return 10;
  return strcmp (u.machine, "i686") == 0 ? 0 : 11;
}

static void
test_personality (void)
{
  struct utsname u;
  if (uname (&u) < 0 || strcmp (u.machine, "x86_64") != 0)
    {
      printf ("ok %d # skip not an x86_64 host\n", ++tap_n);
      return;
    }
  _cleanup_spec_ struct bento_spec *s = parse ("", "'personality':{'domain':'LINUX32'}");
  is_int (in_child (child_personality, s->linux_), 0, "LINUX32: uname reports i686");
}

static int
child_ioprio (void *arg)
{
  bento_err err = BENTO_ERR_INIT;
  const struct bento_process *p = arg;
  if (ioprio_apply (p, &err) < 0)
    return 10;
  long v = syscall (SYS_ioprio_get, IOPRIO_WHO_PROCESS, 0);
  return v == (long) IOPRIO_PRIO_VALUE (p->io_priority_class, p->io_priority) ? 0 : 11;
}

static void
test_ioprio (void)
{
  _cleanup_spec_ struct bento_spec *s = parse ("'process':{'cwd':'/','args':['sh'],'ioPriority':{'class':'IOPRIO_CLASS_BE',"
                                               "'priority':7}}",
                                               "");
  is_int (in_child (child_ioprio, s->process), 0, "IOPRIO_CLASS_BE 7 is set");
  _cleanup_spec_ struct bento_spec *idle
      = parse ("'process':{'cwd':'/','args':['sh'],'ioPriority':{'class':'IOPRIO_CLASS_IDLE','priority':0}}", "");
  is_int (in_child (child_ioprio, idle->process), 0, "IOPRIO_CLASS_IDLE is set");
}

static int
child_sched (void *arg)
{
  bento_err err = BENTO_ERR_INIT;
  const struct bento_process *p = arg;
  if (sched_apply (p, &err) < 0)
    {
      printf ("# %s\n", err.msg);
      return 10;
    }
  errno = 0;
  int nice = getpriority (PRIO_PROCESS, 0);
  return sched_getscheduler (0) == p->sched_policy && nice == p->sched_nice ? 0 : 11;
}

static void
test_sched (void)
{
  _cleanup_spec_ struct bento_spec *s
      = parse ("'process':{'cwd':'/','args':['sh'],'scheduler':{'policy':'SCHED_BATCH','nice':5}}", "");
  is_int (in_child (child_sched, s->process), 0, "SCHED_BATCH with nice 5 is set");
  is_str (check_error ("'process':{'cwd':'/','args':['sh'],'scheduler':{'policy':'SCHED_OTHER','priority':3}}", ""),
          "process.scheduler.priority: only SCHED_FIFO and SCHED_RR take a priority, not SCHED_OTHER",
          "a priority for SCHED_OTHER is refused");
  is_str (check_error ("'process':{'cwd':'/','args':['sh'],'scheduler':{'policy':'SCHED_BATCH','runtime':100}}", ""),
          "process.scheduler: runtime, deadline and period are for SCHED_DEADLINE only, not SCHED_BATCH",
          "a runtime for SCHED_BATCH is refused");
}


static int
child_oom (void *arg)
{
  bento_err err = BENTO_ERR_INIT;
  int want = *(int *) arg;
  struct bento_process p = { .has_oom_score_adj = true, .oom_score_adj = want };
  long got;
  if (oom_score_adj_apply (&p, &err) < 0)
    {
      printf ("# %s\n", err.msg);
      return strstr (err.msg, "needs CAP_SYS_RESOURCE") ? 20 : 10;
    }
  if (read_file_int ("/proc/self/oom_score_adj", &got) < 0)
    return 11;
  return got == want ? 0 : 12;
}

static void
test_oom (void)
{
  long current = 0;
  read_file_int ("/proc/self/oom_score_adj", &current);
  int up = current < 900 ? (int) current + 100 : 1000;
  is_int (in_child (child_oom, &up), 0, "raising oom_score_adj works");
  int same = (int) current;
  is_int (in_child (child_oom, &same), 0, "the value already in force is accepted");
  /* Below the inherited minimum only with CAP_SYS_RESOURCE; either it is
   * set, or the error says what is missing. */
  int low = -1000;
  int r = in_child (child_oom, &low);
  ok (r == 0 || r == 20, "oom_score_adj -1000 is set, or refused naming CAP_SYS_RESOURCE (child status %d)", r);
}

static int
child_timens (void *arg)
{
  bento_err err = BENTO_ERR_INIT;
  struct timespec host, inside;
  clock_gettime (CLOCK_MONOTONIC, &host);
  if (unshare (CLONE_NEWUSER | CLONE_NEWTIME) < 0)
    return 10;
  if (timens_write_offsets (arg, &err) < 0)
    {
      printf ("# %s\n", err.msg);
      return 11;
    }
  fflush (stdout);
  pid_t pid = fork ();
  if (pid == 0)
    {
      /* In the new time namespace: 10 days ahead. */
      clock_gettime (CLOCK_MONOTONIC, &inside);
      _exit (inside.tv_sec - host.tv_sec >= 864000 && inside.tv_sec - host.tv_sec < 864000 + 60 ? 0 : 12);
    }
  int status;
  waitpid (pid, &status, 0);
  return WIFEXITED (status) ? WEXITSTATUS (status) : 13;
}

static void
test_timens (void)
{
  if (access ("/proc/self/timens_offsets", F_OK) < 0)
    {
      printf ("ok %d # skip no time namespaces\n", ++tap_n);
      return;
    }
  _cleanup_spec_ struct bento_spec *s = parse ("", "'namespaces':[{'type':'time'}],'timeOffsets':{'monotonic':{'secs':864000},"
                                                   "'boottime':{'secs':1728000,'nanosecs':5}}");
  is_int (in_child (child_timens, s->linux_), 0, "the monotonic clock runs 10 days ahead in the new time namespace");
  is_str (check_error ("", "'timeOffsets':{'monotonic':{'secs':1}}"),
          "linux.timeOffsets: needs a new time namespace in linux.namespaces", "offsets without a time namespace");
  is_str (check_error ("", "'namespaces':[{'type':'time','path':'/proc/self/ns/time'}],'timeOffsets':{'monotonic':{'secs':1}}"),
          "linux.timeOffsets: the offsets of a joined time namespace cannot be changed", "offsets of a joined namespace");
}

static void
test_lsm (void)
{
  ok (lsm_apparmor_enabled () == (access ("/sys/module/apparmor/parameters/enabled", F_OK) == 0
                                  && access ("/sys/kernel/security/apparmor", F_OK) == 0),
      "apparmor detection agrees with the host");
  _cleanup_free_ char *data = NULL;
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  lsm_mount_data ("system_u:object_r:container_file_t:s0", "mode=755", &data, &err);
  if (lsm_selinux_enabled ())
    is_str (data, "mode=755,context=\"system_u:object_r:container_file_t:s0\"", "mountLabel becomes a context= option");
  else
    is_str (data, "mode=755", "without SELinux the mount data is unchanged");
  struct bento_process p = { .apparmor_profile = (char *) "bento-test-profile", .selinux_label = NULL };
  if (!lsm_apparmor_enabled ())
    is_int (lsm_apply_exec (&p, &err), 0, "an apparmor profile is ignored where apparmor is off");
}

int
main (void)
{
  test_sysctl_keys ();
  test_sysctl_check ();
  test_sysctl_apply ();
  test_personality ();
  test_ioprio ();
  test_sched ();
  test_oom ();
  test_timens ();
  test_lsm ();
  return tap_done ();
}
