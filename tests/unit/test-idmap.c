#include "shared/cleanup.h"
#include "shared/idmap.h"
#include "tap.h"

#include <stdlib.h>
#include <unistd.h>

int
main (void)
{
  struct bento_idmap m[] = { { 0, 1000, 1 }, { 1, 100000, 65536 } };
  {
    _cleanup_free_ char *t = idmap_format (m, 2);
    is_str (t, "0 1000 1\n1 100000 65536\n", "maps format one line per entry");
  }
  {
    _cleanup_err_ bento_err err = BENTO_ERR_INIT;
    is_int (idmap_check ("linux.uidMappings", m, 2, &err), 0, "disjoint ranges pass");
    struct bento_idmap bad[] = { { 0, 1000, 10 }, { 5, 5000, 10 } };
    is_int (idmap_check ("linux.uidMappings", bad, 2, &err), -1, "overlapping container ids fail");
    is_str (err.msg, "linux.uidMappings[1]: container ids overlap entry 0", "the error names the entry");
    struct bento_idmap zero[] = { { 0, 1000, 0 } };
    idmap_check ("linux.gidMappings", zero, 1, &err);
    is_str (err.msg, "linux.gidMappings[0]: size must not be 0", "size 0 is refused");
    struct bento_idmap wrap[] = { { 0xffffff00u, 0, 0x1000 } };
    is_int (idmap_check ("m", wrap, 1, &err), -1, "a range past 2^32 is refused");
  }
  {
    uint32_t h = 0;
    ok (idmap_to_host (m, 2, 0, &h) && h == 1000, "id 0 maps to host 1000");
    ok (idmap_to_host (m, 2, 10, &h) && h == 100009, "id 10 maps into the second range");
    ok (!idmap_to_host (m, 2, 70000, &h), "an id past every range is unmapped");
  }
  {
    char path[] = "/tmp/test-idmap-XXXXXX";
    int fd = mkstemp (path);
    const char *text = "# comment\nalice:100000:65536\nbob:165536:65536\n1234:300000:10\nalice:400000:5\nbad:line\nalice:x:5\n";
    ok (fd >= 0 && write (fd, text, strlen (text)) == (ssize_t) strlen (text), "write a subuid file");
    close (fd);
    _cleanup_err_ bento_err err = BENTO_ERR_INIT;
    _cleanup_free_ struct bento_idmap *r = NULL;
    size_t n = 0;
    is_int (idmap_read_subids (path, "alice", 1000, &r, &n, &err), 0, "read alice's ranges");
    is_int (n, 2, "both of alice's valid entries, malformed ones skipped");
    ok (n == 2 && r[0].host_id == 100000 && r[0].size == 65536 && r[1].host_id == 400000, "ranges in file order");
    free (TAKE_PTR (r));
    idmap_read_subids (path, "nobody-here", 1234, &r, &n, &err);
    ok (n == 1 && r[0].host_id == 300000, "an entry by numeric uid matches");
    free (TAKE_PTR (r));
    is_int (idmap_read_subids ("/nonexistent/subuid", "alice", 1, &r, &n, &err), 0, "a missing file is no ranges");
    is_int (n, 0, "... and zero entries");
    unlink (path);
  }
  {
    /* keep-id from the store's map: 0 -> 1000 (you), 1..65536 -> 100000.. */
    struct bento_idmap base[] = { { 0, 1000, 1 }, { 1, 100000, 65536 } };
    _cleanup_free_ struct bento_idmap *k = NULL;
    size_t nk = 0;
    _cleanup_err_ bento_err err = BENTO_ERR_INIT;
    is_int (idmap_keep_id (base, 2, 1000, &k, &nk, &err), 0, "keep-id map built");
    _cleanup_free_ char *t = idmap_format (k, nk);
    is_str (t, "0 100000 1000\n1000 1000 1\n1001 101000 64536\n", "keep-id: below, you, above");
    is_int (idmap_keep_id_shift (0, 1000), 1, "root's files go to id 1 of the base (shows as 0)");
    is_int (idmap_keep_id_shift (1000, 1000), 0, "the keep id's files go to base 0 (you)");
    is_int (idmap_keep_id_shift (5000, 1000), 5000, "ids above stay");
    _cleanup_free_ struct bento_idmap *k2 = NULL;
    is_int (idmap_keep_id (base, 2, 70000, &k2, &nk, &err), -1, "a uid past the subordinate ids is refused");
  }
  return tap_done ();
}
