/* The streaming unpack: a layer made here with libarchive, plain, gzip and
 * zstd; whiteouts in overlay's form; every kind of escape refused. */
#include "engine/fsutil.h"
#include "engine/unpack.h"
#include "tap.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

struct ent
{
  const char *name;
  mode_t type;
  mode_t perm;
  const char *data; /* file content, symlink or hardlink target */
  bool hardlink;
};

/* A tar of ENTS, with FILTER (0 none, 'g' gzip, 'z' zstd); *LEN bytes. */
static char *
make_tar (const struct ent *ents, int filter, size_t *len)
{
  size_t cap = 1 << 20;
  char *buf = malloc (cap);
  struct archive *a = archive_write_new ();
  archive_write_set_format_pax_restricted (a);
  if (filter == 'g')
    archive_write_add_filter_gzip (a);
  else if (filter == 'z')
    archive_write_add_filter_zstd (a);
  archive_write_set_bytes_in_last_block (a, 1);
  archive_write_open_memory (a, buf, cap, len);
  for (const struct ent *e = ents; e->name; e++)
    {
      struct archive_entry *ae = archive_entry_new ();
      archive_entry_set_pathname (ae, e->name);
      archive_entry_set_filetype (ae, e->type);
      archive_entry_set_perm (ae, e->perm);
      archive_entry_set_mtime (ae, 1000000000, 0);
      if (e->hardlink)
        archive_entry_set_hardlink (ae, e->data);
      else if (e->type == AE_IFLNK)
        archive_entry_set_symlink (ae, e->data);
      else if (e->type == AE_IFREG && e->data)
        archive_entry_set_size (ae, (la_int64_t) strlen (e->data));
      archive_write_header (a, ae);
      if (e->type == AE_IFREG && e->data && !e->hardlink)
        archive_write_data (a, e->data, strlen (e->data));
      archive_entry_free (ae);
    }
  archive_write_close (a);
  archive_write_free (a);
  return buf;
}

static char tmpdir[] = "/tmp/test-unpack.XXXXXX";

/* Unpack BUF into a fresh DIR under tmpdir; the error message in *MSG. */
static int
unpack_buf (const char *buf, size_t len, const char *dir, struct unpack_result *res, char **msg)
{
  char path[256], src[256];
  snprintf (src, sizeof src, "%s/%s.tar", tmpdir, dir);
  snprintf (path, sizeof path, "%s/%s", tmpdir, dir);
  int fd = open (src, O_RDWR | O_CREAT | O_TRUNC, 0600);
  write_all (fd, buf, len);
  lseek (fd, 0, SEEK_SET);
  mkdir (path, 0755);
  int dfd = open (path, O_RDONLY | O_DIRECTORY);
  struct unpack_options o = { .overlay_xattr = "user.overlay.", .rootless = geteuid () != 0 };
  bento_err err = BENTO_ERR_INIT;
  int r = unpack_layer (fd, dfd, &o, res, &err);
  *msg = err.msg ? strdup (err.msg) : NULL;
  bento_err_clear (&err);
  close (fd);
  close (dfd);
  return r;
}

static const struct ent good[] = {
  { "./", AE_IFDIR, 0755, NULL, false },
  { "./a", AE_IFDIR, 0750, NULL, false },
  { "./a/f", AE_IFREG, 0640, "hello", false },
  { "a/l", AE_IFLNK, 0777, "f", false },
  { "a/h", AE_IFREG, 0640, "a/f", true },
  { "a/p", AE_IFIFO, 0600, NULL, false },
  { "a/s", AE_IFREG, 04755, "suid", false },
  { "a/.wh.gone", AE_IFREG, 0600, NULL, false },
  { "o/.wh..wh..opq", AE_IFREG, 0600, NULL, false },
  { "o/kept", AE_IFREG, 0644, "k", false },
  { "deep/er/file", AE_IFREG, 0644, "x", false },
  { "a/f", AE_IFREG, 0600, "later wins", false },
  { NULL, 0, 0, NULL, false },
};

static void
check_good (const char *dir, const char *what)
{
  char p[512];
  struct stat st;
  char buf[64] = "";
  snprintf (p, sizeof p, "%s/%s/a/f", tmpdir, dir);
  int fd = open (p, O_RDONLY);
  ssize_t n = fd >= 0 ? read (fd, buf, sizeof buf - 1) : -1;
  if (fd >= 0)
    close (fd);
  buf[n > 0 ? n : 0] = '\0';
  is_str (buf, "later wins", "%s: the later entry of a name wins", what);
  ok (stat (p, &st) == 0 && (st.st_mode & 07777) == 0600, "%s: file mode kept", what);
  snprintf (p, sizeof p, "%s/%s/a/l", tmpdir, dir);
  n = readlink (p, buf, sizeof buf - 1);
  buf[n > 0 ? n : 0] = '\0';
  is_str (buf, "f", "%s: symlink target", what);
  snprintf (p, sizeof p, "%s/%s/a/p", tmpdir, dir);
  ok (lstat (p, &st) == 0 && S_ISFIFO (st.st_mode), "%s: fifo", what);
  snprintf (p, sizeof p, "%s/%s/a/s", tmpdir, dir);
  ok (lstat (p, &st) == 0 && (st.st_mode & 07777) == 04755, "%s: setuid bit kept", what);
  snprintf (p, sizeof p, "%s/%s/a/gone", tmpdir, dir);
  ok (lstat (p, &st) == 0 && S_ISCHR (st.st_mode) && st.st_rdev == makedev (0, 0), "%s: whiteout is a 0:0 device",
      what);
  snprintf (p, sizeof p, "%s/%s/a/.wh.gone", tmpdir, dir);
  ok (lstat (p, &st) < 0, "%s: no .wh. file left", what);
  snprintf (p, sizeof p, "%s/%s/o", tmpdir, dir);
  n = getxattr (p, "user.overlay.opaque", buf, sizeof buf);
  ok (n == 1 && buf[0] == 'y', "%s: opaque directory marked user.overlay.opaque=y", what);
  snprintf (p, sizeof p, "%s/%s/a", tmpdir, dir);
  ok (stat (p, &st) == 0 && (st.st_mode & 07777) == 0750, "%s: directory mode kept", what);
  snprintf (p, sizeof p, "%s/%s/deep/er/file", tmpdir, dir);
  ok (stat (p, &st) == 0, "%s: missing parents created", what);
  snprintf (p, sizeof p, "%s/%s/a", tmpdir, dir);
  ok (stat (p, &st) == 0 && st.st_mtime == 1000000000, "%s: a directory keeps its time though entries were made in it",
      what);
}

static void
escape (const struct ent *ents, const char *want, const char *what)
{
  size_t len;
  char *buf = make_tar (ents, 0, &len), *msg = NULL;
  struct unpack_result res;
  int r = unpack_buf (buf, len, "esc", &res, &msg);
  ok (r < 0 && msg && strstr (msg, want), "%s refused: %s", what, msg ? msg : "(accepted)");
  char p[256];
  struct stat st;
  snprintf (p, sizeof p, "%s/evil", tmpdir);
  ok (lstat (p, &st) < 0, "%s: nothing written outside", what);
  free (msg);
  free (buf);
  bento_err e = BENTO_ERR_INIT;
  rm_rf_at (AT_FDCWD, p, &e);
  snprintf (p, sizeof p, "%s/esc", tmpdir);
  rm_rf_at (AT_FDCWD, p, &e);
  bento_err_clear (&e);
}

int
main (void)
{
  if (mkdtemp (tmpdir) == NULL)
    return 1;
  size_t len, glen, zlen;
  char *plain = make_tar (good, 0, &len), *gz = make_tar (good, 'g', &glen), *zs = make_tar (good, 'z', &zlen);
  char want[DIGEST_MAX], *msg = NULL;
  digest_buffer ("sha256", plain, len, want);
  struct unpack_result res;

  ok (unpack_buf (plain, len, "plain", &res, &msg) == 0, "plain tar unpacks: %s", msg ? msg : "");
  is_str (res.diff_id, want, "plain: diff-id is the tar's sha256");
  check_good ("plain", "plain");
  free (msg);
  ok (unpack_buf (gz, glen, "gzip", &res, &msg) == 0, "gzip tar unpacks: %s", msg ? msg : "");
  is_str (res.diff_id, want, "gzip: diff-id of the uncompressed tar");
  check_good ("gzip", "gzip");
  free (msg);
  ok (unpack_buf (zs, zlen, "zstd", &res, &msg) == 0, "zstd tar unpacks: %s", msg ? msg : "");
  is_str (res.diff_id, want, "zstd: diff-id of the uncompressed tar");
  check_good ("zstd", "zstd");
  free (msg);

  ok (unpack_buf (gz, glen / 2, "trunc", &res, &msg) < 0 && msg && strstr (msg, "truncated gzip"),
      "truncated gzip refused: %s", msg ? msg : "(accepted)");
  free (msg);
  ok (unpack_buf (zs, zlen - 10, "trunc2", &res, &msg) < 0 && msg && strstr (msg, "zstd"),
      "truncated zstd refused: %s", msg ? msg : "(accepted)");
  free (msg);
  char *junk = malloc (glen + 8);
  memcpy (junk, gz, glen);
  memcpy (junk + glen, "garbage!", 8);
  ok (unpack_buf (junk, glen + 8, "junk", &res, &msg) < 0 && msg && strstr (msg, "gzip"),
      "garbage after gzip refused: %s", msg ? msg : "(accepted)");
  free (msg);
  free (junk);

  escape ((const struct ent[]){ { "../evil", AE_IFREG, 0644, "x", false }, { NULL, 0, 0, NULL, false } },
          "`../evil`", "`../` name");
  escape ((const struct ent[]){ { "a/../../evil", AE_IFREG, 0644, "x", false }, { NULL, 0, 0, NULL, false } },
          "`a/../../evil`", "`..` inside a name");
  escape ((const struct ent[]){ { "/evil", AE_IFREG, 0644, "x", false }, { NULL, 0, 0, NULL, false } },
          "absolute", "absolute name");
  escape ((const struct ent[]){ { "l", AE_IFLNK, 0777, "..", false }, { "l/evil", AE_IFREG, 0644, "x", false },
                                { NULL, 0, 0, NULL, false } },
          "layer entry `l/evil`", "symlink to `..`");
  escape ((const struct ent[]){ { "l", AE_IFLNK, 0777, "/tmp", false }, { "l/evil", AE_IFREG, 0644, "x", false },
                                { NULL, 0, 0, NULL, false } },
          "leads outside the layer", "absolute symlink");
  escape ((const struct ent[]){ { "d/l", AE_IFLNK, 0777, "../..", false }, { "d/l/evil", AE_IFDIR, 0755, NULL, false },
                                { NULL, 0, 0, NULL, false } },
          "layer entry `d/l/evil", "nested symlink escape");
  escape ((const struct ent[]){ { "h", AE_IFREG, 0644, "../evil", true }, { NULL, 0, 0, NULL, false } },
          "hardlink target", "hardlink to `..`");
  escape ((const struct ent[]){ { "l", AE_IFLNK, 0777, "/etc", false }, { "h", AE_IFREG, 0644, "l/passwd", true },
                                { NULL, 0, 0, NULL, false } },
          "hardlink target `l/passwd`", "hardlink through a symlink out");
  escape ((const struct ent[]){ { "h", AE_IFREG, 0644, "/etc/passwd", true }, { NULL, 0, 0, NULL, false } },
          "absolute", "absolute hardlink target");

  bento_err err = BENTO_ERR_INIT;
  char out[64];
  ok (unpack_clean_name ("./a//b/./c/", out, sizeof out, &err) == 0 && strcmp (out, "a/b/c") == 0,
      "names are cleaned: %s", out);
  ok (unpack_clean_name ("./", out, sizeof out, &err) == 0 && out[0] == '\0', "./ is the root");

  struct unpack_result rr = { .bytes = 5, .entries = 7, .skipped_devices = 1 };
  strcpy (rr.diff_id, want);
  char *text = unpack_result_format (&rr);
  struct unpack_result back;
  ok (unpack_result_parse (text, &back) == 0 && back.entries == 7 && strcmp (back.diff_id, want) == 0,
      "worker result round trip");
  free (text);

  free (plain);
  free (gz);
  free (zs);
  rm_rf_at (AT_FDCWD, tmpdir, &err);
  bento_err_clear (&err);
  return tap_done ();
}
