/* -p parsing: docker's forms, ranges, what is refused; -P. */
#include "engine/ports.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parse SPEC and print the ports as "ip|host:ctr/proto ..." */
static void
parses (const char *spec, const char *want)
{
  struct port_list l = { 0 };
  bento_err err = BENTO_ERR_INIT;
  if (port_parse (spec, &l, &err) < 0)
    {
      ok (0, "parse `%s`: %s", spec, err.msg);
      bento_err_clear (&err);
      return;
    }
  char got[512] = "";
  for (size_t i = 0; i < l.n; i++)
    snprintf (got + strlen (got), sizeof got - strlen (got), "%s%s|%u:%u/%s", i ? " " : "", l.v[i].host_ip,
              l.v[i].host_port, l.v[i].ctr_port, l.v[i].proto);
  is_str (got, want, "-p %s", spec);
  port_list_free (&l);
}

static void
refuses (const char *spec, const char *want_in_msg)
{
  struct port_list l = { 0 };
  bento_err err = BENTO_ERR_INIT;
  int rc = port_parse (spec, &l, &err);
  ok (rc < 0 && err.msg && strstr (err.msg, want_in_msg) && !strchr (err.msg, '\n'), "-p `%s` refused (%s)", spec,
      err.msg ? err.msg : "accepted");
  bento_err_clear (&err);
  port_list_free (&l);
}

static void
test_json_round_trip (void)
{
  struct port_list l = { 0 }, back = { 0 };
  bento_err err = BENTO_ERR_INIT;
  port_parse ("127.0.0.1:8080-8081:80-81/udp", &l, &err);
  json_t *j = port_list_to_json (&l);
  ok (port_list_from_json (j, &back) == 0 && back.n == 2 && back.v[1].host_port == 8081 && back.v[1].ctr_port == 81
          && strcmp (back.v[0].proto, "udp") == 0 && strcmp (back.v[0].host_ip, "127.0.0.1") == 0,
      "the record's form reads back");
  ok (port_run_length (&l, 0) == 2, "a range is one run");
  json_decref (j);
  port_list_free (&l);
  port_list_free (&back);
}

static void
test_exposed (void)
{
  struct port_list l = { 0 };
  bento_err err = BENTO_ERR_INIT;
  char *exposed[] = { "80/tcp", "53/udp", "443", "9000-9001/tcp", "132/sctp", NULL };
  port_parse ("8080:80", &l, &err);
  ok (port_add_exposed (exposed, &l, &err) == 0, "-P");
  char got[256] = "";
  for (size_t i = 0; i < l.n; i++)
    snprintf (got + strlen (got), sizeof got - strlen (got), "%s%u:%u/%s", i ? " " : "", l.v[i].host_port,
              l.v[i].ctr_port, l.v[i].proto);
  is_str (got, "8080:80/tcp 0:53/udp 0:443/tcp 0:9000/tcp 0:9001/tcp", "-P adds what -p did not publish, not sctp");
  port_list_free (&l);
}

int
main (void)
{
  parses ("80", "|0:80/tcp");
  parses ("8080:80", "|8080:80/tcp");
  parses ("8080:80/udp", "|8080:80/udp");
  parses ("127.0.0.1:8080:80", "127.0.0.1|8080:80/tcp");
  parses ("127.0.0.1::80", "127.0.0.1|0:80/tcp");
  parses ("[::1]:8080:80/tcp", "::1|8080:80/tcp");
  parses ("[::]::53/udp", "::|0:53/udp");
  parses ("8000-8002:80-82", "|8000:80/tcp |8001:81/tcp |8002:82/tcp");
  parses ("80-81", "|0:80/tcp |0:81/tcp");
  parses ("0:80", "|0:80/tcp");
  refuses ("", "is not a port");
  refuses ("abc", "not a port");
  refuses ("8080:", "not a port");
  refuses (":80", "want [IP:][HOST:]CONTAINER");
  refuses ("8080:0", "not a port");
  refuses ("8080:65536", "not a port");
  refuses ("70000:80", "not a port");
  refuses ("8080:80/sctp", "unknown protocol `sctp`");
  refuses ("8080:80/", "unknown protocol");
  refuses ("1.2.3:8080:80", "`1.2.3` is not an IP address");
  refuses ("::1:8080:80", "IPv6 addresses in [ ]");
  refuses ("[::1]8080:80", "want [IP:][HOST:]CONTAINER");
  refuses ("8000-8002:80-81", "differ in length");
  refuses ("8002-8000:80-82", "not a port");
  refuses ("8000-8001:80", "differ in length");
  refuses ("80-", "not a port");
  refuses ("-80", "not a port");
  refuses ("8080:80-81", "differ in length");
  refuses ("1:2:3:4", "want [IP:][HOST:]CONTAINER");
  test_json_round_trip ();
  test_exposed ();
  return tap_done ();
}
