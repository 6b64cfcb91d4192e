#include "engine/monitor.h"
#include "engine/engine-internal.h"
#include "shared/cleanup.h"
#include "shared/log.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
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

/* Copy the container's output into the log until it exits. */
static void
pump_logs (int pidfd, int out, int errfd, int logfd, const char *driver)
{
  bool out_open = out >= 0, err_open = errfd >= 0;
  char buf[16384];
  for (;;)
    {
      struct pollfd p[3] = {
        { .fd = out_open ? out : -1, .events = POLLIN },
        { .fd = err_open ? errfd : -1, .events = POLLIN },
        { .fd = pidfd, .events = POLLIN },
      };
      if (poll (p, 3, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return;
        }
      for (int i = 0; i < 2; i++)
        if (p[i].revents & (POLLIN | POLLHUP | POLLERR))
          {
            ssize_t n = read (p[i].fd, buf, sizeof buf);
            if (n > 0)
              log_write (logfd, driver, i == 0 ? "stdout" : "stderr", buf, (size_t) n);
            else if (n == 0 || errno != EINTR)
              *(i == 0 ? &out_open : &err_open) = false;
          }
      /* the process is gone: drain what is left, then stop */
      if ((p[2].revents & POLLIN) && !out_open && !err_open)
        return;
      if ((p[2].revents & POLLIN))
        {
          struct pollfd d[2] = { { .fd = out_open ? out : -1, .events = POLLIN },
                                 { .fd = err_open ? errfd : -1, .events = POLLIN } };
          if (poll (d, 2, 100) <= 0)
            return;
        }
    }
}

static bool
should_restart (struct ctr *c, int code)
{
  const char *policy = ctr_str (c, "restart");
  if (policy == NULL || strcmp (policy, "no") == 0)
    return false;
  if (strcmp (policy, "always") == 0)
    return true;
  if (code == 0)
    return false;
  const char *max = strchr (policy, ':');
  return max == NULL || ctr_int (c, "restartCount") < atoi (max + 1);
}

/* One run of the container under the monitor: start, log, wait. */
static int
monitor_once (struct engine *e, struct ctr *c, int report_fd, int *code, bento_err *err)
{
  int out[2] = { -1, -1 }, errp[2] = { -1, -1 };
  bool tty = ctr_bool (c, "tty");
  if (!tty && (pipe2 (out, O_CLOEXEC) < 0 || pipe2 (errp, O_CLOEXEC) < 0))
    return bento_err_make (err, errno, "pipe");
  /* The container inherits our fds 0-2: /dev/null in, the pipes out. */
  int null = open ("/dev/null", O_RDWR | O_CLOEXEC);
  if (null < 0 || dup2 (null, 0) < 0 || (!tty && (dup2 (out[1], 1) < 0 || dup2 (errp[1], 2) < 0))
      || (tty && (dup2 (null, 1) < 0 || dup2 (null, 2) < 0)))
    return bento_err_make (err, errno, "set up the container's stdio");
  close (null);
  struct engine_run run;
  int r = engine_run_start (e, c, false, &run, err);
  if (!tty)
    {
      close (out[1]);
      close (errp[1]);
      /* our own stdout/stderr must not keep the pipes open */
      int n2 = open ("/dev/null", O_WRONLY | O_CLOEXEC);
      dup2 (n2, 1);
      dup2 (n2, 2);
      close (n2);
    }
  if (r < 0)
    {
      if (!tty)
        {
          close (out[0]);
          close (errp[0]);
        }
      return -1;
    }
  if (report_fd >= 0)
    report (report_fd, "ok %d", (int) run.rc.pid);
  _cleanup_free_ char *logpath = NULL;
  int logfd = -1;
  if (asprintf (&logpath, "%s/ctr.log", c->dir) >= 0)
    logfd = open (logpath, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  const char *driver = ctr_str (c, "logDriver") ? ctr_str (c, "logDriver") : "k8s-file";
  if (tty)
    pump_logs (run.rc.pidfd, run.rc.tty_master, -1, logfd, driver);
  else
    {
      pump_logs (run.rc.pidfd, out[0], errp[0], logfd, driver);
      close (out[0]);
      close (errp[0]);
    }
  if (logfd >= 0)
    close (logfd);
  return engine_run_finish (e, c, &run, code, err);
}

static _Noreturn void
monitor_main (struct engine *e, struct ctr *c, int report_fd)
{
  _cleanup_err_ bento_err err = BENTO_ERR_INIT;
  prctl (PR_SET_NAME, "bento-monitor", 0, 0, 0);
  for (;;)
    {
      int code = 0;
      if (monitor_once (e, c, report_fd, &code, &err) < 0)
        {
          if (report_fd >= 0)
            report (report_fd, "err %d %s", engine_exit_code_for (&err), err.msg ? err.msg : "start failed");
          engine_mark_exited (e, c, engine_exit_code_for (&err));
          _exit (1);
        }
      if (report_fd >= 0)
        close (report_fd);
      report_fd = -1;
      struct ctr fresh;
      _cleanup_err_ bento_err ignored = BENTO_ERR_INIT;
      if (ctr_open (e->store, c->id, &fresh, &ignored) < 0)
        _exit (0); /* removed meanwhile */
      bool again = !ctr_bool (&fresh, "stopping") && should_restart (&fresh, code);
      bool rm = ctr_bool (&fresh, "rm");
      if (again)
        {
          ctr_lock (&fresh, &ignored);
          ctr_set_int (&fresh, "restartCount", ctr_int (&fresh, "restartCount") + 1);
          ctr_save (&fresh, &ignored);
          ctr_unlock (&fresh);
        }
      ctr_close (&fresh);
      if (rm)
        {
          struct ctr again_c;
          if (ctr_open (e->store, c->id, &again_c, &ignored) == 0)
            engine_remove (e, &again_c, true, &ignored);
          ctr_close (&again_c);
          _exit (0);
        }
      if (!again)
        _exit (0);
      /* a short pause, so a crash loop does not spin */
      struct timespec ts = { 0, 200 * 1000 * 1000 };
      nanosleep (&ts, NULL);
    }
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
      monitor_main (e, c, rp[1]);
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
