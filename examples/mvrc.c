/* mvrc: a minimal viable rootless container.
 *
 *   build/mvrc ROOTFS COMMAND [ARG...]
 *
 * What a container really is: a process with its own namespaces and its own
 * root filesystem.  Run this as an ordinary user; no root, no setuid helper.
 *
 *   1. unshare: new user, mount, pid, uts and ipc namespaces.  The user
 *      namespace comes first and owns the others, which is what lets an
 *      unprivileged user create them.
 *   2. map our uid/gid to 0 inside: root inside, still us outside.
 *   3. fork: the child is PID 1 of the new pid namespace.
 *   4. in the child: private mounts, pivot_root into ROOTFS, /proc, hostname.
 *   5. exec COMMAND; the parent waits and hands back its exit status.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Exit codes as `docker run` uses them. */
enum { SETUP_FAILED = 125, CANNOT_EXEC = 126, NOT_FOUND = 127 };

/* Every step is checked; a failure names the step and the errno. */
static void
die (int code, const char *step)
{
  fprintf (stderr, "mvrc: %s: %s\n", step, strerror (errno));
  exit (code);
}

#define CHECK(call, step)                                                      \
  do {                                                                         \
    if ((call) < 0)                                                            \
      die (SETUP_FAILED, step);                                                \
  } while (0)

static void
write_file (const char *path, const char *text)
{
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  CHECK (fd, path);
  if (write (fd, text, strlen (text)) != (ssize_t) strlen (text))
    die (SETUP_FAILED, path);
  CHECK (close (fd), path);
}

/* Step 2: one line per map, "INSIDE OUTSIDE COUNT".  An unprivileged user may
 * map only its own ids, and must give up setgroups() before writing gid_map. */
static void
map_ids (uid_t uid, gid_t gid)
{
  char map[64];
  snprintf (map, sizeof map, "0 %u 1\n", (unsigned) uid);
  write_file ("/proc/self/uid_map", map);
  write_file ("/proc/self/setgroups", "deny");
  snprintf (map, sizeof map, "0 %u 1\n", (unsigned) gid);
  write_file ("/proc/self/gid_map", map);
}

/* Step 4 and 5, in the child: PID 1 of the new pid namespace. */
static void
container (const char *rootfs, char **argv)
{
  /* Die with mvrc rather than live on as an orphan. */
  CHECK (prctl (PR_SET_PDEATHSIG, SIGKILL), "prctl");
  /* Our mount namespace is a copy of the host's: stop changes propagating
   * back, and make ROOTFS a mount point, as pivot_root requires. */
  CHECK (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), "make mounts private");
  CHECK (mount (rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL), "bind mount rootfs");
  CHECK (chdir (rootfs), "chdir rootfs");
  /* A proc for our pid namespace.  Mounted before the old root goes: the
   * kernel lets a user namespace mount proc only while a full one is visible. */
  CHECK (mount ("proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL), "mount /proc");
  CHECK (sethostname ("mvrc", strlen ("mvrc")), "sethostname");
  /* Swap roots: ROOTFS becomes /, the old root is stacked on it, and we
   * detach it so the host's files are out of sight. */
  CHECK (syscall (SYS_pivot_root, ".", "."), "pivot_root");
  CHECK (umount2 (".", MNT_DETACH), "detach the old root");
  CHECK (chdir ("/"), "chdir /");
  execvp (argv[0], argv);
  die (errno == ENOENT ? NOT_FOUND : CANNOT_EXEC, argv[0]);
}

int
main (int argc, char **argv)
{
  if (argc < 3)
    {
      fprintf (stderr, "usage: mvrc ROOTFS COMMAND [ARG...]\n");
      return SETUP_FAILED;
    }
  uid_t uid = getuid ();
  gid_t gid = getgid ();

  /* Step 1: the user namespace first, so it owns the other four. */
  CHECK (unshare (CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC), "unshare");
  map_ids (uid, gid);

  /* Step 3: unshare(CLONE_NEWPID) moves our children, not us. */
  pid_t pid = fork ();
  CHECK (pid, "fork");
  if (pid == 0)
    container (argv[1], argv + 2);

  int status;
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      die (SETUP_FAILED, "waitpid");
  if (WIFSIGNALED (status))
    return 128 + WTERMSIG (status);
  return WEXITSTATUS (status);
}
