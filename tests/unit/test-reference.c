/* Image references: Docker's normalization and what is refused. */
#include "engine/reference.h"
#include "tap.h"

#include <stdlib.h>

static void
norm (const char *in, const char *want)
{
  struct image_ref r;
  bento_err err = BENTO_ERR_INIT;
  if (ref_parse (in, &r, &err) < 0)
    {
      ok (0, "parse `%s`: %s", in, err.msg);
      bento_err_clear (&err);
      return;
    }
  char *s = ref_string (&r);
  is_str (s, want, "`%s` -> `%s`", in, want);
  free (s);
  ref_free (&r);
}

static void
refuse (const char *in, const char *want_in_msg)
{
  struct image_ref r;
  bento_err err = BENTO_ERR_INIT;
  int rc = ref_parse (in, &r, &err);
  ok (rc < 0 && err.msg && strstr (err.msg, want_in_msg), "`%s` refused (%s)", in, err.msg ? err.msg : "accepted");
  bento_err_clear (&err);
}

int
main (void)
{
  norm ("busybox", "docker.io/library/busybox:latest");
  norm ("busybox:1.36", "docker.io/library/busybox:1.36");
  norm ("library/busybox", "docker.io/library/busybox:latest");
  norm ("user/app:v1", "docker.io/user/app:v1");
  norm ("index.docker.io/busybox", "docker.io/library/busybox:latest");
  norm ("docker.io/busybox", "docker.io/library/busybox:latest");
  norm ("localhost/app", "localhost/app:latest");
  norm ("localhost:5000/a/b:c", "localhost:5000/a/b:c");
  norm ("127.0.0.1:5000/x", "127.0.0.1:5000/x:latest");
  norm ("quay.io/org/img_name.x-y:1.0-rc.1", "quay.io/org/img_name.x-y:1.0-rc.1");
  norm ("a__b/c--d", "docker.io/a__b/c--d:latest");
  norm ("Quay.IO/x", "Quay.IO/x:latest");
  norm ("locaZ5000/a/b:c", "locaZ5000/a/b:c");
  norm ("[::1]:5000/x", "[::1]:5000/x:latest");
  norm ("busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "docker.io/library/busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  norm ("b:t@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "docker.io/library/b:t@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");

  refuse ("", "empty");
  refuse ("BusyBox", "lowercase");
  refuse ("busybox:", "invalid tag");
  refuse ("busybox:-x", "invalid tag");
  refuse ("a//b", "component");
  refuse ("a/-b", "component");
  refuse ("a_/b", "component");
  refuse ("a...b", "component");
  refuse ("busybox@sha256:123", "malformed digest");
  refuse ("busybox@md5:0123456789abcdef0123456789abcdef", "unsupported digest");
  refuse ("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "image id");
  refuse ("-bad.io/x", "invalid registry");
  refuse ("bad..io/x", "invalid registry");
  refuse ("host:99999999/x", "invalid registry");
  char longname[300];
  memset (longname, 'a', sizeof longname - 1);
  longname[sizeof longname - 1] = '\0';
  refuse (longname, "longer than");

  ok (ref_domain_is_local ("localhost:5000"), "localhost is plain HTTP");
  ok (ref_domain_is_local ("127.0.0.1:41000"), "127.0.0.1 is plain HTTP");
  ok (ref_domain_is_local ("[::1]:5000"), "::1 is plain HTTP");
  ok (!ref_domain_is_local ("quay.io"), "quay.io is HTTPS");
  ok (!ref_domain_is_local ("localhost.example.com"), "localhost.example.com is HTTPS");
  ok (ref_domain_is_local ("127.1.2.3"), "127.1.2.3 (all of 127/8), no port, is plain HTTP");
  ok (ref_domain_is_local ("[::1]"), "[::1] without a port is plain HTTP");
  ok (!ref_domain_is_local ("127.example.com"), "127.example.com is a name: HTTPS");
  ok (!ref_domain_is_local ("127.0.0.1.example.com:5000"), "127.0.0.1.example.com is a name: HTTPS");
  ok (!ref_domain_is_local ("[::1]x"), "[::1]x is not ::1");
  ok (!ref_domain_is_local ("[::2]:5000"), "::2 is HTTPS");
  ok (!ref_domain_is_local ("128.0.0.1:5000"), "128.0.0.1 is HTTPS");
  is_str (ref_api_host ("docker.io"), "registry-1.docker.io", "docker.io's API host");
  return tap_done ();
}
