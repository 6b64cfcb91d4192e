#include "engine/reference.h"
#include "engine/digest.h"
#include "shared/cleanup.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool
is_alnum_lower (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* path-component: [a-z0-9]+ ((\.|_|__|-+)[a-z0-9]+)* */
static bool
path_component_valid (const char *s, size_t n)
{
  size_t i = 0;
  if (n == 0 || !is_alnum_lower (s[0]))
    return false;
  while (i < n)
    {
      while (i < n && is_alnum_lower (s[i]))
        i++;
      if (i == n)
        return true;
      size_t sep = i;
      if (s[i] == '.')
        i++;
      else if (s[i] == '_')
        i += (i + 1 < n && s[i + 1] == '_') ? 2 : 1;
      else if (s[i] == '-')
        while (i < n && s[i] == '-')
          i++;
      if (i == sep || i == n || !is_alnum_lower (s[i]))
        return false;
    }
  return true;
}

/* domain-component ('.' domain-component)* [':' port], or [v6]:port */
static bool
domain_valid (const char *s)
{
  const char *host_end;
  if (s[0] == '[')
    {
      host_end = strchr (s, ']');
      if (host_end == NULL || host_end == s + 1 || strspn (s + 1, "0123456789abcdefABCDEF:.") != (size_t) (host_end - s - 1))
        return false;
      host_end++;
    }
  else
    {
      host_end = s + strcspn (s, ":");
      const char *p = s;
      while (p < host_end)
        {
          const char *dot = memchr (p, '.', (size_t) (host_end - p));
          const char *end = dot ? dot : host_end;
          if (end == p || !isalnum ((unsigned char) p[0]) || !isalnum ((unsigned char) end[-1]))
            return false;
          for (const char *q = p; q < end; q++)
            if (!isalnum ((unsigned char) *q) && *q != '-')
              return false;
          p = dot ? dot + 1 : end;
          if (dot && p == host_end)
            return false;
        }
    }
  if (*host_end == '\0')
    return host_end > s;
  if (*host_end != ':' || host_end[1] == '\0')
    return false;
  return strspn (host_end + 1, "0123456789") == strlen (host_end + 1) && strlen (host_end + 1) <= 5;
}

bool
ref_tag_valid (const char *tag)
{
  size_t n = strlen (tag);
  if (n == 0 || n > 128)
    return false;
  for (size_t i = 0; i < n; i++)
    {
      char c = tag[i];
      bool word = isalnum ((unsigned char) c) || c == '_';
      if (!(word || (i > 0 && (c == '.' || c == '-'))))
        return false;
    }
  return true;
}

static bool
looks_like_domain (const char *first, size_t n)
{
  if (n == 9 && strncmp (first, "localhost", 9) == 0)
    return true;
  for (size_t i = 0; i < n; i++)
    if (first[i] == '.' || first[i] == ':' || isupper ((unsigned char) first[i]) || first[i] == '[')
      return true;
  return false;
}

static int
check_path (const char *path, const char *input, bento_err *err)
{
  const char *p = path;
  for (const char *q = path; *q; q++)
    if (isupper ((unsigned char) *q))
      return bento_err_make (err, 0, "invalid reference `%s`: repository name must be lowercase", input);
  for (;;)
    {
      const char *slash = strchr (p, '/');
      size_t n = slash ? (size_t) (slash - p) : strlen (p);
      if (!path_component_valid (p, n))
        return bento_err_make (err, 0, "invalid reference `%s`: invalid repository name component `%.*s`", input,
                               (int) n, p);
      if (slash == NULL)
        return 0;
      p = slash + 1;
    }
}

static int
split_tag_digest (char *rest, const char *input, struct image_ref *r, bento_err *err)
{
  char *at = strchr (rest, '@');
  if (at)
    {
      *at = '\0';
      if (digest_check (at + 1, "digest", err) < 0)
        return bento_err_wrap (err, "invalid reference `%s`", input);
      r->digest = strdup (at + 1);
      if (r->digest == NULL)
        return bento_err_make (err, ENOMEM, "parse reference");
    }
  char *slash = strrchr (rest, '/');
  char *colon = strrchr (slash ? slash : rest, ':');
  if (colon)
    {
      *colon = '\0';
      if (!ref_tag_valid (colon + 1))
        return bento_err_make (err, 0, "invalid reference `%s`: invalid tag `%s`", input, colon + 1);
      r->tag = strdup (colon + 1);
      if (r->tag == NULL)
        return bento_err_make (err, ENOMEM, "parse reference");
    }
  return 0;
}

static int
ref_parse_into (const char *s, struct image_ref *r, bento_err *err)
{
  if (*s == '\0')
    return bento_err_make (err, 0, "invalid reference: empty");
  if (strlen (s) == 64 && strspn (s, "0123456789abcdef") == 64)
    return bento_err_make (err, 0, "invalid reference `%s`: a 64-digit hex string is an image id, not a name", s);
  _cleanup_free_ char *buf = strdup (s);
  if (buf == NULL)
    return bento_err_make (err, ENOMEM, "parse reference");

  /* The domain is split off first: its port would look like a tag. */
  char *rest = buf;
  const char *slash = strchr (buf, '/');
  bool has_domain = slash && looks_like_domain (buf, (size_t) (slash - buf));
  if (has_domain)
    {
      r->domain = strndup (buf, (size_t) (slash - buf));
      rest = buf + (slash - buf) + 1;
      if (r->domain == NULL)
        return bento_err_make (err, ENOMEM, "parse reference");
      /* kept as written (Docker does too): lowercased, an uppercase-only
         hint of a registry would read back as a repository */
      if (!domain_valid (r->domain))
        return bento_err_make (err, 0, "invalid reference `%s`: invalid registry `%s`", s, r->domain);
    }
  if (split_tag_digest (rest, s, r, err) < 0)
    return -1;
  if (check_path (rest, s, err) < 0)
    return -1;

  r->domain_given = has_domain;
  if (!has_domain || strcmp (r->domain, "index.docker.io") == 0)
    {
      free (r->domain);
      r->domain = strdup ("docker.io");
    }
  if (strcmp (r->domain ? r->domain : "", "docker.io") == 0 && strchr (rest, '/') == NULL)
    {
      if (asprintf (&r->path, "library/%s", rest) < 0)
        r->path = NULL;
    }
  else
    r->path = strdup (rest);
  if (r->domain == NULL || r->path == NULL)
    return bento_err_make (err, ENOMEM, "parse reference");
  if (strlen (r->domain) + 1 + strlen (r->path) > REF_NAME_MAX)
    return bento_err_make (err, 0, "invalid reference `%s`: name longer than %d characters", s, REF_NAME_MAX);
  if (r->tag == NULL && r->digest == NULL)
    {
      r->tag = strdup ("latest");
      if (r->tag == NULL)
        return bento_err_make (err, ENOMEM, "parse reference");
    }
  return 0;
}

int
ref_parse (const char *s, struct image_ref *out, bento_err *err)
{
  memset (out, 0, sizeof *out);
  if (ref_parse_into (s, out, err) < 0)
    {
      ref_free (out);
      return -1;
    }
  return 0;
}

void
ref_free (struct image_ref *r)
{
  free (r->domain);
  free (r->path);
  free (r->tag);
  free (r->digest);
  memset (r, 0, sizeof *r);
}

char *
ref_name (const struct image_ref *r)
{
  char *s;
  if (asprintf (&s, "%s/%s", r->domain, r->path) < 0)
    return NULL;
  return s;
}

char *
ref_string (const struct image_ref *r)
{
  char *s;
  if (asprintf (&s, "%s/%s%s%s%s%s", r->domain, r->path, r->tag ? ":" : "", r->tag ? r->tag : "",
                r->digest ? "@" : "", r->digest ? r->digest : "")
      < 0)
    return NULL;
  return s;
}

/* localhost, 127.0.0.0/8 or [::1], with or without a port: a numeric
 * address, so that a name like 127.example.com stays HTTPS. */
bool
ref_domain_is_local (const char *domain)
{
  char host[64];
  const char *end;
  if (domain[0] == '[')
    {
      end = strchr (domain, ']');
      if (end == NULL || (end[1] != '\0' && end[1] != ':'))
        return false;
      domain++;
    }
  else
    end = domain + strcspn (domain, ":");
  size_t len = (size_t) (end - domain);
  if (len == 0 || len >= sizeof host)
    return false;
  memcpy (host, domain, len);
  host[len] = '\0';
  if (strcmp (host, "localhost") == 0)
    return true;
  struct in_addr a4;
  struct in6_addr a6;
  if (inet_pton (AF_INET, host, &a4) == 1)
    return (ntohl (a4.s_addr) >> 24) == 127;
  return inet_pton (AF_INET6, host, &a6) == 1 && IN6_IS_ADDR_LOOPBACK (&a6);
}

const char *
ref_api_host (const char *domain)
{
  return strcmp (domain, "docker.io") == 0 ? "registry-1.docker.io" : domain;
}
