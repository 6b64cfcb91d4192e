/* Image manifests, indexes (manifest lists) and descriptors: OCI and Docker
 * schema 2, parsed from registry or archive bytes into bento's own types.
 * Schema 1 is refused with a message that says so. */
#ifndef BENTO_ENGINE_MANIFEST_H
#define BENTO_ENGINE_MANIFEST_H

#include "shared/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits on what is read into memory from outside. */
#define MANIFEST_MAX_SIZE (4 * 1024 * 1024)
#define CONFIG_MAX_SIZE (8 * 1024 * 1024)

#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define MT_OCI_LAYER "application/vnd.oci.image.layer.v1.tar"
#define MT_OCI_LAYER_GZIP "application/vnd.oci.image.layer.v1.tar+gzip"
#define MT_OCI_LAYER_ZSTD "application/vnd.oci.image.layer.v1.tar+zstd"
#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"
#define MT_DOCKER_LAYER_GZIP "application/vnd.docker.image.rootfs.diff.tar.gzip"
#define MT_DOCKER_SCHEMA1 "application/vnd.docker.distribution.manifest.v1+json"
#define MT_DOCKER_SCHEMA1_SIGNED "application/vnd.docker.distribution.manifest.v1+prettyjws"

/* What a registry is asked for: every kind bento reads. */
#define MANIFEST_ACCEPT MT_OCI_INDEX ", " MT_DOCKER_LIST ", " MT_OCI_MANIFEST ", " MT_DOCKER_MANIFEST

struct platform
{
  char *os;           /* "linux" */
  char *architecture; /* "amd64" */
  char *variant;      /* "v8" or NULL */
};

struct descriptor
{
  char *media_type;
  char *digest;
  int64_t size;
  bool has_platform;
  struct platform platform;
  char *ref_name; /* annotation org.opencontainers.image.ref.name, or NULL */
};

enum manifest_kind
{
  MANIFEST_IMAGE,
  MANIFEST_INDEX,
};

struct manifest
{
  enum manifest_kind kind;
  char *media_type;
  struct descriptor config; /* MANIFEST_IMAGE */
  struct descriptor *layers;
  size_t n_layers;
  struct descriptor *manifests; /* MANIFEST_INDEX */
  size_t n_manifests;
};

enum layer_compression
{
  LAYER_UNCOMPRESSED,
  LAYER_GZIP,
  LAYER_ZSTD,
};

/* Parse BUF.  CONTENT_TYPE (the HTTP Content-Type, or NULL) is used when the
 * JSON itself has no mediaType, as Docker schema 2 and OCI allow. */
int manifest_parse (const char *buf, size_t len, const char *content_type, struct manifest *out, bento_err *err);
void manifest_free (struct manifest *m);
void descriptor_free (struct descriptor *d);
int descriptor_copy (const struct descriptor *src, struct descriptor *dst);

/* A layer media type bento can unpack, and its compression; unknown types
 * (and foreign/nondistributable layers) are an error naming the type. */
int layer_media_type (const char *media_type, enum layer_compression *c, bento_err *err);

/* "os/arch[/variant]" */
int platform_parse (const char *s, struct platform *out, bento_err *err);
void platform_free (struct platform *p);
/* The host's platform (linux/amd64, linux/arm64/v8, ...). */
int platform_host (struct platform *out);
char *platform_string (const struct platform *p);
/* The index entry for WANT: exact os/arch, variant when WANT names one.
 * -1 with the platforms on offer named when none matches. */
int manifest_select (const struct manifest *index, const struct platform *want, size_t *which, bento_err *err);

#endif
