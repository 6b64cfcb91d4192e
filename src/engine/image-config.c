#include "engine/image-config.h"
#include "engine/digest.h"
#include "engine/manifest.h"
#include "shared/cleanup.h"
#include "spec/json.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


void
image_config_free (struct image_config *c)
{
  free (c->architecture);
  free (c->os);
  free (c->variant);
  free (c->created);
  free (c->author);
  free (c->user);
  strv_free (c->env);
  strv_free (c->entrypoint);
  strv_free (c->cmd);
  free (c->working_dir);
  free (c->stop_signal);
  strv_free (c->exposed_ports);
  strv_free (c->volumes);
  strv_free (c->labels);
  strv_free (c->diff_ids);
  memset (c, 0, sizeof *c);
}

/* {"80/tcp": {}} -> ["80/tcp"]; {"k": "v"} -> ["k=v"] when WITH_VALUES. */
static int
object_keys (json_t *obj, const char *key, const char *path, bool with_values, char ***out, bento_err *err)
{
  json_t *o = NULL;
  int r = jget_object (obj, key, path, false, &o, err);
  if (r <= 0)
    return r;
  char **v = calloc (json_object_size (o) + 1, sizeof *v);
  if (v == NULL)
    return bento_err_make (err, ENOMEM, "%s", key);
  size_t i = 0;
  const char *k;
  json_t *val;
  json_object_foreach (o, k, val)
  {
    if (with_values && !json_is_string (val))
      {
        strv_free (v);
        return bento_err_make (err, 0, "%s.%s.%s: expected a string, got %s", path, key, k, jtype_name (val));
      }
    if (with_values ? asprintf (&v[i], "%s=%s", k, json_string_value (val)) < 0 : (v[i] = strdup (k)) == NULL)
      {
        v[i] = NULL;
        strv_free (v);
        return bento_err_make (err, ENOMEM, "%s", key);
      }
    i++;
  }
  *out = v;
  return 1;
}

static int
parse_run_config (json_t *root, struct image_config *c, bento_err *err)
{
  json_t *cfg = NULL;
  int r = jget_object (root, "config", "", false, &cfg, err);
  if (r <= 0)
    return r;
  if (jget_string (cfg, "User", "config", false, &c->user, err) < 0
      || jget_strv (cfg, "Env", "config", &c->env, NULL, err) < 0
      || jget_strv (cfg, "Entrypoint", "config", &c->entrypoint, NULL, err) < 0
      || jget_strv (cfg, "Cmd", "config", &c->cmd, NULL, err) < 0
      || jget_string (cfg, "WorkingDir", "config", false, &c->working_dir, err) < 0
      || jget_string (cfg, "StopSignal", "config", false, &c->stop_signal, err) < 0
      || object_keys (cfg, "ExposedPorts", "config", false, &c->exposed_ports, err) < 0
      || object_keys (cfg, "Volumes", "config", false, &c->volumes, err) < 0
      || object_keys (cfg, "Labels", "config", true, &c->labels, err) < 0)
    return -1;
  return 0;
}

static int
parse_rootfs (json_t *root, struct image_config *c, bento_err *err)
{
  json_t *rootfs;
  _cleanup_free_ char *type = NULL;
  if (jget_object (root, "rootfs", "", true, &rootfs, err) < 0
      || jget_string (rootfs, "type", "rootfs", true, &type, err) < 0)
    return -1;
  if (strcmp (type, "layers") != 0)
    return bento_err_make (err, 0, "rootfs.type: want `layers`, got `%s`", type);
  if (jget_strv (rootfs, "diff_ids", "rootfs", &c->diff_ids, &c->n_diff_ids, err) < 0)
    return -1;
  if (c->diff_ids == NULL)
    return bento_err_make (err, 0, "rootfs.diff_ids: required");
  for (size_t i = 0; i < c->n_diff_ids; i++)
    {
      char what[48];
      snprintf (what, sizeof what, "rootfs.diff_ids[%zu]", i);
      if (digest_check (c->diff_ids[i], what, err) < 0)
        return -1;
    }
  return 0;
}

static int
image_config_parse_into (const char *buf, size_t len, struct image_config *c, bento_err *err)
{
  json_error_t jerr;
  if (len > CONFIG_MAX_SIZE)
    return bento_err_make (err, 0, "image config of %zu bytes is over the %d MiB limit", len, CONFIG_MAX_SIZE >> 20);
  _cleanup_ (json_decrefp) json_t *root = json_loadb (buf, len, 0, &jerr);
  if (root == NULL)
    return bento_err_make (err, 0, "image config is not valid JSON: line %d column %d: %s", jerr.line, jerr.column,
                           jerr.text);
  if (!json_is_object (root))
    return bento_err_make (err, 0, "image config is not a JSON object");
  if (jget_string (root, "architecture", "", true, &c->architecture, err) < 0
      || jget_string (root, "os", "", true, &c->os, err) < 0
      || jget_string (root, "variant", "", false, &c->variant, err) < 0
      || jget_string (root, "created", "", false, &c->created, err) < 0
      || jget_string (root, "author", "", false, &c->author, err) < 0)
    return -1;
  if (parse_run_config (root, c, err) < 0 || parse_rootfs (root, c, err) < 0)
    return -1;
  return 0;
}

int
image_config_parse (const char *buf, size_t len, struct image_config *out, bento_err *err)
{
  memset (out, 0, sizeof *out);
  if (image_config_parse_into (buf, len, out, err) < 0)
    {
      image_config_free (out);
      return bento_err_wrap (err, "image config");
    }
  return 0;
}
