#include "engine/monitor.h"
#include "engine/engine-internal.h"
#include "shared/cleanup.h"
#include "shared/log.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* One record per line of output; a chunk without its newline yet is a
 * partial record ("P"), as CRI's k8s-file format has it. */
void
log_write (int fd, const char *driver, const char *stream, const char *buf, size_t len)
{
  if (fd < 0 || strcmp (driver, "none") == 0)
    return;
  char when[64];
  ctr_now (when, sizeof when);
  size_t off = 0;
  while (off < len)
    {
      const char *nl = memchr (buf + off, '\n', len - off);
      size_t n = nl ? (size_t) (nl - (buf + off)) : len - off;
      char *line = NULL;
      int r;
      if (strcmp (driver, "json-file") == 0)
        {
          json_auto_t *j = json_pack ("{s:s%, s:s, s:s}", "log", buf + off, n + (nl ? 1 : 0), "stream", stream, "time",
                                      when);
          char *text = j ? json_dumps (j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
          r = text ? asprintf (&line, "%s\n", text) : -1;
          free (text);
        }
      else
        r = asprintf (&line, "%s %s %s %.*s\n", when, stream, nl ? "F" : "P", (int) n, buf + off);
      if (r > 0 && write (fd, line, (size_t) r) != r)
        r = -1;
      free (line);
      off += n + (nl ? 1 : 0);
    }
}

static void
report (int fd, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

static void
report (int fd, const char *fmt, ...)
{
  char buf[4096];
  va_list ap;
  va_start (ap, fmt);
  int n = vsnprintf (buf, sizeof buf, fmt, ap);
  va_end (ap);
  if (fd >= 0 && n > 0 && write (fd, buf, (size_t) (n < (int) sizeof buf ? n : (int) sizeof buf - 1)) < 0)
    return;
}

static bool
should_restart (struct ctr *c, int code)
{
  const char *policy = ctr_str (c, "restart");
  if (policy == NULL || strcmp (policy, "no") == 0 || ctr_bool (c, "stopping"))
    return false;
  if (strcmp (policy, "always") == 0)
    return true;
  if (code == 0)
    return false;
  const char *max = strchr (policy, ':');
  return max == NULL || ctr_int (c, "restartCount") < atoi (max + 1);
}

char *
engine_sibling (const char *name)
{
  char self[4096];
  ssize_t n = readlink ("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0)
    return NULL;
  self[n] = '\0';
  char *slash = strrchr (self, '/'), *out = NULL;
  if (slash == NULL || asprintf (&out, "%.*s/%s", (int) (slash - self), self, name) < 0)
    return NULL;
  return out;
}

static int
keep_across_exec (int fd)
{
  return fd < 0 ? 0 : fcntl (fd, F_SETFD, 0);
}

static _Noreturn void
monitor_fail (struct engine *e, struct ctr *c, int report_fd, bento_err *err)
{
  report (report_fd, "err %d %s", engine_exit_code_for (err), err->msg ? err->msg : "start failed");
  engine_mark_exited (e, c, engine_exit_code_for (err));
  _exit (1);
}

/* Start the container with its stdio on pipes (or a pty), then become
 * bento-monitor; it comes back as `bento monitor-exit ID CODE`. */
static _Noreturn void
monitor_run (struct engine *e, struct ctr *c, int report_fd)
{
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  int out[2] = { -1, -1 }, errp[2] = { -1, -1 };
  bool tty = ctr_bool (c, "tty");
  struct engine_run run;
  int null = open ("/dev/null", O_RDWR | O_CLOEXEC);
  if ((!tty && (pipe2 (out, O_CLOEXEC) < 0 || pipe2 (errp, O_CLOEXEC) < 0)) || null < 0 || dup2 (null, 0) < 0
      || dup2 (tty ? null : out[1], 1) < 0 || dup2 (tty ? null : errp[1], 2) < 0)
    {
      bento_err_make (&err, errno, "set up the container's stdio");
      monitor_fail (e, c, report_fd, &err);
    }
  if (engine_run_start (e, c, false, &run, &err) < 0)
    monitor_fail (e, c, report_fd, &err);
  /* our own 1 and 2 must not hold the pipes open */
  dup2 (null, 1);
  dup2 (null, 2);
  if (!tty)
    {
      close (out[1]);
      close (errp[1]);
    }
  report (report_fd, "ok %d", (int) run.rc.pid);
  if (report_fd >= 0)
    close (report_fd);

  _cleanup_free_ char *mon = engine_sibling ("bento-monitor"), *self = engine_sibling ("bento-engine"), *logpath = NULL;
  char pidfd[16], o[16], e2[16];
  int outfd = tty ? run.rc.tty_master : out[0], errfd = tty ? -1 : errp[0];
  snprintf (pidfd, sizeof pidfd, "%d", run.rc.pidfd);
  snprintf (o, sizeof o, "%d", outfd);
  snprintf (e2, sizeof e2, "%d", errfd);
  if (asprintf (&logpath, "%s/ctr.log", c->dir) < 0 || mon == NULL || self == NULL
      || keep_across_exec (run.rc.pidfd) < 0 || keep_across_exec (outfd) < 0 || keep_across_exec (errfd) < 0)
    _exit (1);
  /* bento-monitor holds a bridge container's host ports while it runs */
  for (size_t i = 0; i < run.net.n_port_fds; i++)
    if (keep_across_exec (run.net.port_fds[i]) < 0)
      _exit (1);
  const char *driver = ctr_str (c, "logDriver") ? ctr_str (c, "logDriver") : "k8s-file";
  const char *argv[16];
  int k = 0;
  argv[k++] = mon;
  argv[k++] = logpath;
  argv[k++] = driver;
  argv[k++] = pidfd;
  argv[k++] = o;
  argv[k++] = e2;
  argv[k++] = "--";
  argv[k++] = self;
  argv[k++] = "--storage-root";
  argv[k++] = e->store->root;
  if (e->runtime_root)
    {
      argv[k++] = "--root";
      argv[k++] = e->runtime_root;
    }
  argv[k++] = "monitor-exit";
  argv[k++] = c->id;
  argv[k] = NULL;
  execv (mon, (char **) argv);
  _exit (1);
}

int
monitor_exited (struct engine *e, struct ctr *c, int code, bento_err *err)
{
  engine_after_exit (e, c, code);
  struct ctr fresh;
  if (ctr_open (e->store, c->id, &fresh, err) < 0)
    {
      ctr_close (&fresh);
      bento_err_clear (err);
      return 0; /* removed meanwhile */
    }
  bool again = should_restart (&fresh, code);
  if (ctr_bool (&fresh, "rm"))
    {
      int r = engine_remove (e, &fresh, true, err);
      ctr_close (&fresh);
      return r;
    }
  if (!again)
    {
      ctr_close (&fresh);
      return 0;
    }
  if (ctr_lock (&fresh, err) == 0)
    {
      ctr_set_int (&fresh, "restartCount", ctr_int (&fresh, "restartCount") + 1);
      ctr_save (&fresh, err);
    }
  ctr_unlock (&fresh);
  bento_err_clear (err);
  /* a short pause, so a crash loop does not spin */
  struct timespec ts = { 0, 200 * 1000 * 1000 };
  nanosleep (&ts, NULL);
  monitor_run (e, &fresh, -1);
}

int
monitor_spawn (struct engine *e, struct ctr *c, bento_err *err)
{
  int rp[2];
  if (pipe2 (rp, O_CLOEXEC) < 0)
    return bento_err_make (err, errno, "pipe");
  pid_t pid = fork ();
  if (pid < 0)
    return bento_err_make (err, errno, "fork the monitor");
  if (pid == 0)
    {
      close (rp[0]);
      /* Its own session, reparented to init (or our subreaper): the monitor
       * outlives this command and the user's shell. */
      setsid ();
      pid_t m = fork ();
      if (m != 0)
        _exit (m < 0);
      monitor_run (e, c, rp[1]);
    }
  close (rp[1]);
  waitpid (pid, NULL, 0);
  char buf[4096] = "";
  ssize_t n = read (rp[0], buf, sizeof buf - 1);
  close (rp[0]);
  if (n <= 0)
    return bento_err_make (err, 0, "the monitor of `%.12s` died before the container started", c->id);
  buf[n] = '\0';
  if (strncmp (buf, "ok ", 3) == 0)
    return 0;
  int code = ENGINE_EXIT_FAILED, off = 0;
  if (sscanf (buf, "err %d %n", &code, &off) >= 1 && off > 0)
    {
      bento_err_set_raw (err, code == ENGINE_EXIT_NOT_FOUND ? ENOENT : code == ENGINE_EXIT_CANNOT_EXEC ? EACCES : 0,
                         buf + off);
      return -1;
    }
  return bento_err_make (err, 0, "start `%.12s`: %s", c->id, buf);
}
