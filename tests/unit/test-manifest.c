/* Manifests, indexes, configs: what is accepted and what is refused. */
#include "engine/image-config.h"
#include "engine/manifest.h"
#include "tap.h"

#include <stdlib.h>

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"

static int
parse (const char *json, const char *ct, struct manifest *m, char **msg)
{
  bento_err err = BENTO_ERR_INIT;
  int r = manifest_parse (json, strlen (json), ct, m, &err);
  *msg = err.msg ? strdup (err.msg) : NULL;
  bento_err_clear (&err);
  return r;
}

static void
refused (const char *json, const char *ct, const char *want, const char *what)
{
  struct manifest m;
  char *msg;
  int r = parse (json, ct, &m, &msg);
  ok (r < 0 && msg && strstr (msg, want), "%s refused: %s", what, msg ? msg : "(accepted)");
  free (msg);
}

int
main (void)
{
  struct manifest m;
  char *msg;
  const char *oci = "{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_MANIFEST "\",\"config\":{\"mediaType\":\"" MT_OCI_CONFIG
                    "\",\"digest\":\"" D1 "\",\"size\":10},\"layers\":[{\"mediaType\":\"" MT_OCI_LAYER_GZIP
                    "\",\"digest\":\"" D2 "\",\"size\":20}]}";
  ok (parse (oci, NULL, &m, &msg) == 0 && m.kind == MANIFEST_IMAGE && m.n_layers == 1, "OCI manifest parses");
  is_str (m.layers[0].digest, D2, "layer digest");
  is_int (m.config.size, 10, "config size");
  manifest_free (&m);

  const char *docker = "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"" MT_DOCKER_CONFIG "\",\"digest\":\"" D1
                       "\",\"size\":1},\"layers\":[]}";
  ok (parse (docker, MT_DOCKER_MANIFEST, &m, &msg) == 0 && m.kind == MANIFEST_IMAGE, "Docker schema 2 from the header");
  is_str (m.media_type, MT_DOCKER_MANIFEST, "media type from Content-Type");
  manifest_free (&m);

  const char *index = "{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_INDEX "\",\"manifests\":["
                      "{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"" D1
                      "\",\"size\":1,\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}},"
                      "{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"" D2
                      "\",\"size\":1,\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}";
  ok (parse (index, NULL, &m, &msg) == 0 && m.kind == MANIFEST_INDEX && m.n_manifests == 2, "index parses");
  struct platform p;
  size_t which = 9;
  bento_err err = BENTO_ERR_INIT;
  platform_parse ("linux/amd64", &p, &err);
  ok (manifest_select (&m, &p, &which, &err) == 0 && which == 1, "linux/amd64 selected");
  platform_free (&p);
  platform_parse ("linux/arm64", &p, &err);
  ok (manifest_select (&m, &p, &which, &err) == 0 && which == 0, "linux/arm64 matches arm64/v8");
  platform_free (&p);
  platform_parse ("linux/s390x", &p, &err);
  ok (manifest_select (&m, &p, &which, &err) < 0 && strstr (err.msg, "linux/arm64/v8, linux/amd64"),
      "no match names the platforms on offer: %s", err.msg);
  bento_err_clear (&err);
  platform_free (&p);
  ok (platform_parse ("linux", &p, &err) < 0, "platform without arch refused");
  bento_err_clear (&err);
  manifest_free (&m);

  refused ("{\"schemaVersion\":1,\"name\":\"x\",\"fsLayers\":[]}", NULL, "schema 1", "schema 1 by version");
  refused ("{\"schemaVersion\":2}", MT_DOCKER_SCHEMA1_SIGNED, "schema 1", "schema 1 by header");
  refused ("{\"schemaVersion\":2,\"mediaType\":\"application/x-nope\"}", NULL, "unknown manifest media type",
           "unknown media type");
  refused ("{not json", NULL, "not valid JSON", "broken JSON");
  refused ("[1]", NULL, "not a JSON object", "an array");
  refused ("{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_MANIFEST "\",\"config\":{\"mediaType\":\"x\",\"digest\":\"sha256:12\",\"size\":1},\"layers\":[]}",
           NULL, "config.digest: malformed digest", "a bad digest");
  refused ("{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_MANIFEST "\",\"config\":{\"mediaType\":\"x\",\"digest\":\"" D1 "\",\"size\":-1},\"layers\":[]}",
           NULL, "config.size", "a negative size");
  refused ("{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_MANIFEST "\",\"layers\":[]}", NULL, "config: required",
           "no config");
  char *big = malloc (MANIFEST_MAX_SIZE + 2);
  memset (big, ' ', MANIFEST_MAX_SIZE + 1);
  big[MANIFEST_MAX_SIZE + 1] = '\0';
  refused (big, NULL, "over the 4 MiB limit", "a manifest over 4 MiB");
  free (big);

  enum layer_compression c;
  ok (layer_media_type (MT_OCI_LAYER_ZSTD, &c, &err) == 0 && c == LAYER_ZSTD, "zstd layers are known");
  ok (layer_media_type ("application/x-tar+lz4", &c, &err) < 0 && strstr (err.msg, "unknown layer media type"),
      "unknown layer type refused");
  bento_err_clear (&err);

  struct image_config cfg;
  const char *config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":[\"A=1\"],\"Cmd\":[\"/bin/sh\"],"
                       "\"ExposedPorts\":{\"80/tcp\":{}},\"Labels\":{\"k\":\"v\"},\"User\":\"1000:1000\"},"
                       "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" D1 "\"]}}";
  ok (image_config_parse (config, strlen (config), &cfg, &err) == 0, "config parses");
  is_str (cfg.cmd[0], "/bin/sh", "Cmd");
  is_str (cfg.exposed_ports[0], "80/tcp", "ExposedPorts");
  is_str (cfg.labels[0], "k=v", "Labels");
  is_str (cfg.user, "1000:1000", "User");
  is_int (cfg.n_diff_ids, 1, "diff_ids");
  image_config_free (&cfg);
  ok (image_config_parse ("nope", 4, &cfg, &err) < 0 && strstr (err.msg, "not valid JSON"), "config not JSON: %s",
      err.msg);
  bento_err_clear (&err);
  const char *nodiff = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"x\"]}}";
  ok (image_config_parse (nodiff, strlen (nodiff), &cfg, &err) < 0 && strstr (err.msg, "rootfs.diff_ids[0]"),
      "bad diff_id named: %s", err.msg);
  bento_err_clear (&err);
  return tap_done ();
}
