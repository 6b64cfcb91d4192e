/* Image references: `[registry[:port]/]repo[:tag][@digest]`, normalized
 * with Docker's defaults (docker.io, library/, latest).
 *
 *   busybox                      -> docker.io/library/busybox:latest
 *   localhost:5000/a/b@sha256:.. -> localhost:5000/a/b@sha256:..
 *
 * The first path component is a registry when it holds a `.` or a `:` or is
 * `localhost`, as in Docker. */
#ifndef BENTO_ENGINE_REFERENCE_H
#define BENTO_ENGINE_REFERENCE_H

#include "shared/error.h"

#include <stdbool.h>

#define REF_NAME_MAX 255

struct image_ref
{
  char *domain; /* "docker.io", "localhost:5000", "[::1]:5000" */
  char *path;   /* "library/busybox" */
  char *tag;    /* "latest" when neither tag nor digest was given; may be NULL */
  char *digest; /* "sha256:..." or NULL */
  bool domain_given; /* the input named a registry (no short-name defaults) */
};

int ref_parse (const char *s, struct image_ref *out, bento_err *err);
void ref_free (struct image_ref *r);

/* "domain/path" */
char *ref_name (const struct image_ref *r);
/* "domain/path:tag", "domain/path@digest" or "domain/path:tag@digest" */
char *ref_string (const struct image_ref *r);

/* Registries reached over plain HTTP unless told otherwise: localhost,
 * 127.0.0.0/8 and ::1, with any port. */
bool ref_domain_is_local (const char *domain);
/* The host that serves the API: docker.io -> registry-1.docker.io. */
const char *ref_api_host (const char *domain);

/* A valid tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}). */
bool ref_tag_valid (const char *tag);

#endif
