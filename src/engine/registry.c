#include "engine/registry.h"
#include "engine/auth.h"
#include "engine/fsutil.h"
#include "engine/manifest.h"
#include "engine/reference.h"
#include "shared/cleanup.h"
#include "shared/log.h"

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define ERROR_BODY_MAX (64 * 1024)
#define SYSTEM_CA_BUNDLE "/etc/ssl/certs/ca-certificates.crt"

struct token
{
  char *scope;
  char *value;
  time_t expires;
};

struct registry
{
  char *domain;
  char *host;
  bool plain_http;
  bool verify;
  bool may_fall_back; /* --tls-verify=false: HTTP when TLS fails */
  char *user, *pass;
  bool use_basic;     /* the registry asked for basic auth */
  char *ca;           /* system bundle + cert dir, or NULL */
  size_t ca_len;
  pthread_mutex_t lock;
  struct token *tokens;
  size_t n_tokens;
  volatile sig_atomic_t *cancel, *cancel_too;
};

struct registry_conn
{
  struct registry *r;
  CURL *h;
  char errbuf[CURL_ERROR_SIZE];
};

struct response
{
  struct registry_conn *c;
  char *www_auth;
  char *content_type;
  long long content_length;
  registry_write_fn write; /* streamed body, or */
  void *ctx;
  bento_err *err;
  bool sink_failed;
  char *buf;               /* body in memory, up to max */
  size_t len, cap, max;
  bool too_big;
  char *ebuf;              /* body of an error answer */
  size_t elen;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void
curl_init_once (void)
{
  curl_global_init (CURL_GLOBAL_DEFAULT);
}

const char *
registry_scheme (const struct registry *r)
{
  return r->plain_http ? "http" : "https";
}

static char *
default_cert_dir (const char *domain)
{
  if (geteuid () == 0)
    return xasprintf ("/etc/bento/certs.d/%s", domain);
  _cleanup_free_ char *leaf = xasprintf ("certs.d/%s", domain);
  return leaf ? user_bento_path ("XDG_CONFIG_HOME", ".config", leaf) : NULL;
}

static int
append_file (char **buf, size_t *len, int dirfd, const char *name, bento_err *err)
{
  _cleanup_free_ char *data = NULL;
  size_t n;
  if (read_file_at (dirfd, name, 4 << 20, &data, &n, err) < 0)
    return -1;
  char *g = realloc (*buf, *len + n + 2);
  if (g == NULL)
    return bento_err_make (err, ENOMEM, "CA certificates");
  memcpy (g + *len, data, n);
  *len += n;
  g[(*len)++] = '\n';
  g[*len] = '\0';
  *buf = g;
  return 0;
}

/* The system CAs plus every *.crt of DIR, as one PEM bundle. */
static int
load_cert_dir (struct registry *r, const char *dir, bool explicit, bento_err *err)
{
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return explicit ? bento_err_make (err, errno, "cert dir `%s`", dir) : 0;
  _cleanup_closedir_ DIR *d = fdopendir (fd);
  if (d == NULL)
    {
      close (fd);
      return bento_err_make (err, errno, "cert dir `%s`", dir);
    }
  struct dirent *de;
  while ((de = readdir (d)))
    {
      size_t n = strlen (de->d_name);
      if (n < 5 || strcmp (de->d_name + n - 4, ".crt") != 0)
        continue;
      if (r->ca == NULL && access (SYSTEM_CA_BUNDLE, R_OK) == 0
          && append_file (&r->ca, &r->ca_len, AT_FDCWD, SYSTEM_CA_BUNDLE, err) < 0)
        return -1;
      if (append_file (&r->ca, &r->ca_len, dirfd (d), de->d_name, err) < 0)
        return bento_err_wrap (err, "cert dir `%s`", dir);
    }
  return 0;
}

static int
registry_setup (struct registry *r, const char *domain, const struct registry_opts *o, bento_err *err)
{
  r->domain = strdup (domain);
  r->host = strdup (ref_api_host (domain));
  if (r->domain == NULL || r->host == NULL)
    return bento_err_make (err, ENOMEM, "registry");
  r->plain_http = o->tls_verify < 0 && ref_domain_is_local (domain);
  r->verify = o->tls_verify != 0;
  r->may_fall_back = o->tls_verify == 0;
  r->cancel = o->cancel;
  r->cancel_too = o->cancel_too;
  if (o->user)
    {
      r->user = strdup (o->user);
      r->pass = strdup (o->pass ? o->pass : "");
      if (r->user == NULL || r->pass == NULL)
        return bento_err_make (err, ENOMEM, "registry");
    }
  else
    {
      _cleanup_free_ char *path = o->auth_file ? strdup (o->auth_file) : auth_default_path ();
      if (path == NULL)
        return bento_err_make (err, ENOMEM, "registry");
      if (auth_lookup (path, domain, &r->user, &r->pass, err) < 0)
        return -1;
    }
  _cleanup_free_ char *dir = o->cert_dir ? strdup (o->cert_dir) : default_cert_dir (domain);
  if (dir == NULL)
    return bento_err_make (err, ENOMEM, "registry");
  if (load_cert_dir (r, dir, o->cert_dir != NULL, err) < 0)
    return -1;
  /* CA certificates for a local registry mean it speaks TLS (as Docker
   * reads certs.d) */
  if (r->ca && o->tls_verify < 0)
    r->plain_http = false;
  return 0;
}

int
registry_new (const char *domain, const struct registry_opts *o, struct registry **out, bento_err *err)
{
  pthread_once (&curl_once, curl_init_once);
  struct registry *r = calloc (1, sizeof *r);
  if (r == NULL)
    return bento_err_make (err, ENOMEM, "registry");
  pthread_mutex_init (&r->lock, NULL);
  if (registry_setup (r, domain, o, err) < 0)
    {
      registry_free (r);
      return -1;
    }
  *out = r;
  return 0;
}

void
registry_free (struct registry *r)
{
  if (r == NULL)
    return;
  for (size_t i = 0; i < r->n_tokens; i++)
    {
      free (r->tokens[i].scope);
      free (r->tokens[i].value);
    }
  free (r->tokens);
  free (r->domain);
  free (r->host);
  free (r->user);
  free (r->pass);
  free (r->ca);
  pthread_mutex_destroy (&r->lock);
  free (r);
}

static int
xferinfo_cb (void *data, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
  struct registry_conn *c = data;
  return (c->r->cancel && *c->r->cancel) || (c->r->cancel_too && *c->r->cancel_too) ? 1 : 0;
}

struct registry_conn *
registry_conn_new (struct registry *r)
{
  struct registry_conn *c = calloc (1, sizeof *c);
  if (c == NULL)
    return NULL;
  c->r = r;
  c->h = curl_easy_init ();
  if (c->h == NULL)
    {
      free (c);
      return NULL;
    }
  CURL *h = c->h;
  curl_easy_setopt (h, CURLOPT_ERRORBUFFER, c->errbuf);
  curl_easy_setopt (h, CURLOPT_USERAGENT, "bento/0.1");
  curl_easy_setopt (h, CURLOPT_HTTP_VERSION, (long) CURL_HTTP_VERSION_2TLS);
  curl_easy_setopt (h, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt (h, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt (h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt (h, CURLOPT_PROTOCOLS_STR, "http,https");
  /* credentials stay with the registry's host, never a redirect target */
  curl_easy_setopt (h, CURLOPT_UNRESTRICTED_AUTH, 0L);
  curl_easy_setopt (h, CURLOPT_CONNECTTIMEOUT, 30L);
  curl_easy_setopt (h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt (h, CURLOPT_LOW_SPEED_TIME, 60L);
  curl_easy_setopt (h, CURLOPT_BUFFERSIZE, 256L * 1024);
  curl_easy_setopt (h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (h, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (h, CURLOPT_XFERINFOFUNCTION, xferinfo_cb);
  curl_easy_setopt (h, CURLOPT_XFERINFODATA, c);
  curl_easy_setopt (h, CURLOPT_SSL_VERIFYPEER, r->verify ? 1L : 0L);
  curl_easy_setopt (h, CURLOPT_SSL_VERIFYHOST, r->verify ? 2L : 0L);
  if (r->ca)
    {
      struct curl_blob blob = { .data = r->ca, .len = r->ca_len, .flags = CURL_BLOB_NOCOPY };
      curl_easy_setopt (h, CURLOPT_CAINFO_BLOB, &blob);
    }
  return c;
}

void
registry_conn_free (struct registry_conn *c)
{
  if (c == NULL)
    return;
  curl_easy_cleanup (c->h);
  free (c);
}

static void
response_reset (struct response *resp)
{
  free (resp->www_auth);
  free (resp->content_type);
  free (resp->ebuf);
  resp->www_auth = resp->content_type = resp->ebuf = NULL;
  resp->elen = 0;
  resp->len = 0;
  resp->too_big = resp->sink_failed = false;
  resp->content_length = -1;
}

static void
response_free (struct response *resp)
{
  response_reset (resp);
  free (resp->buf);
  resp->buf = NULL;
}

static char *
header_value (const char *line, size_t n, const char *name)
{
  size_t k = strlen (name);
  if (n <= k || strncasecmp (line, name, k) != 0 || line[k] != ':')
    return NULL;
  const char *v = line + k + 1;
  const char *end = line + n;
  while (v < end && (*v == ' ' || *v == '\t'))
    v++;
  while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
    end--;
  return strndup (v, (size_t) (end - v));
}

static size_t
header_cb (char *line, size_t size, size_t n, void *data)
{
  struct response *resp = data;
  size_t len = size * n;
  char *v;
  /* a new status line: the headers of a redirect target follow */
  if (len > 5 && strncmp (line, "HTTP/", 5) == 0)
    {
      free (resp->www_auth);
      free (resp->content_type);
      resp->www_auth = resp->content_type = NULL;
      resp->content_length = -1;
    }
  else if ((v = header_value (line, len, "www-authenticate")))
    {
      free (resp->www_auth);
      resp->www_auth = v;
    }
  else if ((v = header_value (line, len, "content-type")))
    {
      free (resp->content_type);
      resp->content_type = v;
    }
  else if ((v = header_value (line, len, "content-length")))
    {
      resp->content_length = strtoll (v, NULL, 10);
      free (v);
    }
  return len;
}

static bool
append (char **buf, size_t *len, size_t *cap, const char *data, size_t n)
{
  if (*len + n + 1 > *cap)
    {
      size_t nc = (*len + n + 1) * 2;
      char *g = realloc (*buf, nc);
      if (g == NULL)
        return false;
      *buf = g;
      *cap = nc;
    }
  memcpy (*buf + *len, data, n);
  *len += n;
  (*buf)[*len] = '\0';
  return true;
}

static size_t
write_cb (char *data, size_t size, size_t n, void *ud)
{
  struct response *resp = ud;
  size_t len = size * n;
  long code = 0;
  curl_easy_getinfo (resp->c->h, CURLINFO_RESPONSE_CODE, &code);
  if (code < 200 || code > 299)
    {
      size_t take = resp->elen + len > ERROR_BODY_MAX ? ERROR_BODY_MAX - resp->elen : len;
      size_t ecap = resp->ebuf ? ERROR_BODY_MAX + 1 : 0;
      if (take > 0 && resp->ebuf == NULL && (resp->ebuf = malloc (ERROR_BODY_MAX + 1)) != NULL)
        ecap = ERROR_BODY_MAX + 1;
      if (take > 0 && resp->ebuf)
        append (&resp->ebuf, &resp->elen, &ecap, data, take);
      return len;
    }
  if (resp->write)
    {
      if (resp->write (resp->ctx, data, len, resp->err) < 0)
        {
          resp->sink_failed = true;
          return 0;
        }
      return len;
    }
  if (resp->len + len > resp->max || (resp->content_length > 0 && (size_t) resp->content_length > resp->max))
    {
      resp->too_big = true;
      return 0;
    }
  return append (&resp->buf, &resp->len, &resp->cap, data, len) ? len : 0;
}

/* key="value" of a WWW-Authenticate challenge */
static char *
challenge_param (const char *ch, const char *key)
{
  size_t k = strlen (key);
  for (const char *p = ch; (p = strcasestr (p, key)) != NULL; p += k)
    {
      if ((p != ch && p[-1] != ' ' && p[-1] != ',') || p[k] != '=')
        continue;
      const char *v = p + k + 1;
      if (*v == '"')
        {
          const char *end = strchr (v + 1, '"');
          return end ? strndup (v + 1, (size_t) (end - v - 1)) : NULL;
        }
      return strndup (v, strcspn (v, ", "));
    }
  return NULL;
}

static const char *
find_token (struct registry *r, const char *scope)
{
  const char *t = NULL;
  time_t now = time (NULL);
  for (size_t i = 0; i < r->n_tokens; i++)
    if (strcmp (r->tokens[i].scope, scope) == 0 && r->tokens[i].expires > now)
      t = r->tokens[i].value;
  return t;
}

static int
save_token (struct registry *r, const char *scope, const char *value, long long ttl)
{
  struct token *g = realloc (r->tokens, (r->n_tokens + 1) * sizeof *g);
  if (g == NULL)
    return -1;
  r->tokens = g;
  g[r->n_tokens] = (struct token){ strdup (scope), strdup (value), time (NULL) + (ttl > 10 ? ttl - 5 : ttl) };
  if (g[r->n_tokens].scope == NULL || g[r->n_tokens].value == NULL)
    {
      free (g[r->n_tokens].scope);
      free (g[r->n_tokens].value);
      return -1;
    }
  r->n_tokens++;
  return 0;
}

static void
set_auth (struct registry_conn *c, const char *token)
{
  CURL *h = c->h;
  struct registry *r = c->r;
  curl_easy_setopt (h, CURLOPT_XOAUTH2_BEARER, NULL);
  curl_easy_setopt (h, CURLOPT_USERNAME, NULL);
  curl_easy_setopt (h, CURLOPT_PASSWORD, NULL);
  curl_easy_setopt (h, CURLOPT_HTTPAUTH, (long) CURLAUTH_NONE);
  if (token)
    {
      curl_easy_setopt (h, CURLOPT_HTTPAUTH, (long) CURLAUTH_BEARER);
      curl_easy_setopt (h, CURLOPT_XOAUTH2_BEARER, token);
    }
  else if (r->use_basic && r->user)
    {
      curl_easy_setopt (h, CURLOPT_HTTPAUTH, (long) CURLAUTH_BASIC);
      curl_easy_setopt (h, CURLOPT_USERNAME, r->user);
      curl_easy_setopt (h, CURLOPT_PASSWORD, r->pass);
    }
}

/* The registry's own words from an error body {"errors":[{"code","message"}]}. */
static char *
registry_message (const struct response *resp)
{
  if (resp->ebuf == NULL)
    return NULL;
  json_error_t jerr;
  _cleanup_ (json_decrefp) json_t *root = json_loadb (resp->ebuf, resp->elen, 0, &jerr);
  json_t *e = json_array_get (json_object_get (root, "errors"), 0);
  const char *msg = json_string_value (json_object_get (e, "message"));
  const char *code = json_string_value (json_object_get (e, "code"));
  char *s = NULL;
  if (msg && (s = xasprintf ("%s%s%s%s", msg, code ? " (" : "", code ? code : "", code ? ")" : "")) == NULL)
    s = NULL;
  return s;
}

static int perform (struct registry_conn *c, const char *url, const char *accept, struct response *resp,
                    const char *token, bento_err *err);

static int
fetch_token (struct registry_conn *c, const char *challenge, const char *scope, bento_err *err)
{
  struct registry *r = c->r;
  _cleanup_free_ char *realm = challenge_param (challenge, "realm");
  _cleanup_free_ char *service = challenge_param (challenge, "service");
  if (realm == NULL || (strncmp (realm, "https://", 8) != 0 && strncmp (realm, "http://", 7) != 0))
    return bento_err_make (err, 0, "the registry's token challenge has no usable realm");
  char *esc_service = service ? curl_easy_escape (c->h, service, 0) : NULL;
  char *esc_scope = curl_easy_escape (c->h, scope, 0);
  /* no scope for a login (Docker sends none): the token proves the
   * credentials, not a right to a repository */
  _cleanup_free_ char *q_scope = *scope && esc_scope ? xasprintf ("scope=%s", esc_scope) : NULL;
  _cleanup_free_ char *q_service = esc_service ? xasprintf ("service=%s", esc_service) : NULL;
  _cleanup_free_ char *url = xasprintf ("%s%c%s%s%s", realm, strchr (realm, '?') ? '&' : '?', q_scope ? q_scope : "",
                                        q_scope && q_service ? "&" : "", q_service ? q_service : "");
  curl_free (esc_service);
  curl_free (esc_scope);
  if (url == NULL)
    return bento_err_make (err, ENOMEM, "token");
  struct response resp = { .c = c, .max = 1 << 20, .content_length = -1 };
  /* basic credentials go to the token service, which hands out the token */
  bool saved = r->use_basic;
  r->use_basic = r->user != NULL;
  int rc = perform (c, url, "application/json", &resp, NULL, err);
  r->use_basic = saved;
  if (rc < 0)
    {
      response_free (&resp);
      return bento_err_wrap (err, "get a token from `%s`", realm);
    }
  long code = 0;
  curl_easy_getinfo (c->h, CURLINFO_RESPONSE_CODE, &code);
  if (code < 200 || code > 299)
    {
      _cleanup_free_ char *msg = registry_message (&resp);
      response_free (&resp);
      return bento_err_make (err, 0, "get a token from `%s`: the token service answered %ld%s%s", realm, code,
                             msg ? ": " : "", msg ? msg : "");
    }
  json_error_t jerr;
  _cleanup_ (json_decrefp) json_t *root = json_loadb (resp.buf ? resp.buf : "", resp.len, 0, &jerr);
  response_free (&resp);
  const char *tok = json_string_value (json_object_get (root, "token"));
  if (tok == NULL)
    tok = json_string_value (json_object_get (root, "access_token"));
  if (tok == NULL || *tok == '\0')
    return bento_err_make (err, 0, "the token service at `%s` gave no token", realm);
  json_int_t ttl = json_integer_value (json_object_get (root, "expires_in"));
  pthread_mutex_lock (&r->lock);
  int s = save_token (r, scope, tok, ttl > 0 ? ttl : 60);
  pthread_mutex_unlock (&r->lock);
  return s < 0 ? bento_err_make (err, ENOMEM, "token") : 0;
}

static int
perform (struct registry_conn *c, const char *url, const char *accept, struct response *resp, const char *token,
         bento_err *err)
{
  struct curl_slist *hdrs = NULL;
  _cleanup_free_ char *acc = NULL;
  if (accept && (acc = xasprintf ("Accept: %s", accept)) != NULL)
    hdrs = curl_slist_append (hdrs, acc);
  CURL *h = c->h;
  response_reset (resp);
  curl_easy_setopt (h, CURLOPT_URL, url);
  curl_easy_setopt (h, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt (h, CURLOPT_HTTPHEADER, hdrs);
  curl_easy_setopt (h, CURLOPT_HEADERFUNCTION, header_cb);
  curl_easy_setopt (h, CURLOPT_HEADERDATA, resp);
  curl_easy_setopt (h, CURLOPT_WRITEFUNCTION, write_cb);
  curl_easy_setopt (h, CURLOPT_WRITEDATA, resp);
  set_auth (c, token);
  c->errbuf[0] = '\0';
  CURLcode rc = curl_easy_perform (h);
  curl_easy_setopt (h, CURLOPT_HTTPHEADER, NULL);
  curl_slist_free_all (hdrs);
  if (rc == CURLE_OK)
    {
      long version = 0, code = 0;
      curl_easy_getinfo (h, CURLINFO_HTTP_VERSION, &version);
      curl_easy_getinfo (h, CURLINFO_RESPONSE_CODE, &code);
      log_debug ("registry: GET %s: %s %ld", url,
                 version == CURL_HTTP_VERSION_2_0 ? "HTTP/2" : version == CURL_HTTP_VERSION_3 ? "HTTP/3" : "HTTP/1.1",
                 code);
      return 0;
    }
  if (resp->sink_failed)
    return -1;
  if (resp->too_big)
    return bento_err_make (err, 0, "GET %s: answer over %zu bytes refused", url, resp->max);
  if (rc == CURLE_ABORTED_BY_CALLBACK)
    {
      bento_err_make (err, 0, "GET %s: interrupted", url);
      err->errnum = EINTR;
      return -1;
    }
  return bento_err_make (err, 0, "GET %s: %s", url, c->errbuf[0] ? c->errbuf : curl_easy_strerror (rc));
}

/* The token cached for SCOPE, copied (NULL when none). */
static char *
cached_token (struct registry *r, const char *scope)
{
  pthread_mutex_lock (&r->lock);
  const char *t = find_token (r, scope);
  char *copy = t ? strdup (t) : NULL;
  pthread_mutex_unlock (&r->lock);
  return copy;
}

/* Answer a 401's challenge: 1 to try again, 0 when there is nothing to
 * answer with, -1 on error. */
static int
answer_challenge (struct registry_conn *c, const char *www_auth, const char *scope, bento_err *err)
{
  struct registry *r = c->r;
  if (strncasecmp (www_auth, "bearer", 6) == 0)
    return fetch_token (c, www_auth, scope, err) < 0 ? -1 : 1;
  if (strncasecmp (www_auth, "basic", 5) == 0 && r->user)
    {
      r->use_basic = true;
      return 1;
    }
  return 0;
}

/* One try: 0 answered (any status), 1 to retry over plain HTTP, -1 error. */
static int
request_once (struct registry_conn *c, const char *path, const char *accept, struct response *resp,
              const char *scope, bento_err *err)
{
  struct registry *r = c->r;
  _cleanup_free_ char *url = xasprintf ("%s://%s%s", registry_scheme (r), r->host, path);
  _cleanup_free_ char *token = cached_token (r, scope);
  if (url == NULL)
    return bento_err_make (err, ENOMEM, "request");
  int rc = perform (c, url, accept, resp, token, err);
  if (rc < 0 && r->may_fall_back && !r->plain_http && !resp->sink_failed && resp->len == 0
      && strstr (c->errbuf, "SSL") != NULL)
    {
      log_debug ("registry %s: TLS failed (%s), trying plain HTTP", r->domain, c->errbuf);
      bento_err_clear (err);
      r->plain_http = true;
      return 1;
    }
  return rc;
}

static int
status_error (struct registry_conn *c, const char *path, long code, const struct response *resp, bento_err *err)
{
  struct registry *r = c->r;
  _cleanup_free_ char *msg = registry_message (resp);
  if (code == 401)
    return bento_err_make (err, 0, "GET %s://%s%s: unauthorized: %s%s", registry_scheme (r), r->host, path,
                           msg ? msg : "authentication required", r->user ? "" : " (no credentials: `bento login`)");
  return bento_err_make (err, 0, "GET %s://%s%s: the registry answered %ld%s%s", registry_scheme (r), r->host, path,
                         code, msg ? ": " : "", msg ? msg : "");
}

/* One request with authentication: on a 401, answer the challenge once. */
static int
request (struct registry_conn *c, const char *repo, const char *path, const char *accept, struct response *resp,
         bento_err *err)
{
  _cleanup_free_ char *scope = *repo ? xasprintf ("repository:%s:pull", repo) : strdup ("");
  bool answered = false;
  if (scope == NULL)
    return bento_err_make (err, ENOMEM, "request");
  for (int tries = 0; tries < 4; tries++)
    {
      int rc = request_once (c, path, accept, resp, scope, err);
      if (rc < 0)
        return -1;
      if (rc == 1)
        continue;
      long code = 0;
      curl_easy_getinfo (c->h, CURLINFO_RESPONSE_CODE, &code);
      if (code >= 200 && code <= 299)
        return 0;
      if (code == 401 && !answered && resp->www_auth)
        {
          answered = true;
          int a = answer_challenge (c, resp->www_auth, scope, err);
          if (a < 0)
            return -1;
          if (a == 1)
            continue;
        }
      return status_error (c, path, code, resp, err);
    }
  return bento_err_make (err, 0, "GET %s: too many retries", path);
}

int
registry_get_manifest (struct registry_conn *c, const char *repo, const char *ref, char **buf, size_t *len,
                       char **content_type, char digest[DIGEST_MAX], bento_err *err)
{
  _cleanup_free_ char *path = NULL;
  if ((path = xasprintf ("/v2/%s/manifests/%s", repo, ref)) == NULL)
    return bento_err_make (err, ENOMEM, "manifest");
  struct response resp = { .c = c, .max = MANIFEST_MAX_SIZE, .content_length = -1 };
  int r = request (c, repo, path, MANIFEST_ACCEPT, &resp, err);
  if (r == 0 && resp.buf == NULL)
    r = bento_err_make (err, 0, "empty manifest");
  if (r == 0)
    {
      digest_buffer (digest_valid (ref) ? ref : "sha256", resp.buf, resp.len, digest);
      if (digest_valid (ref) && strcmp (digest, ref) != 0)
        r = bento_err_make (err, 0, "manifest digest mismatch: want %s, got %s", ref, digest);
    }
  if (r < 0)
    {
      if (resp.too_big)
        {
          bento_err_clear (err);
          bento_err_make (err, 0, "manifest is over the %d MiB limit", MANIFEST_MAX_SIZE >> 20);
        }
      response_free (&resp);
      return bento_err_wrap (err, "fetch manifest `%s`", ref);
    }
  *buf = TAKE_PTR (resp.buf);
  *len = resp.len;
  *content_type = TAKE_PTR (resp.content_type);
  response_free (&resp);
  return 0;
}

int
registry_get_blob (struct registry_conn *c, const char *repo, const char *digest, size_t max, char **buf,
                   size_t *len, bento_err *err)
{
  _cleanup_free_ char *path = NULL;
  char got[DIGEST_MAX];
  if ((path = xasprintf ("/v2/%s/blobs/%s", repo, digest)) == NULL)
    return bento_err_make (err, ENOMEM, "blob");
  struct response resp = { .c = c, .max = max, .content_length = -1 };
  int r = request (c, repo, path, NULL, &resp, err);
  if (r == 0)
    {
      digest_buffer (digest, resp.buf ? resp.buf : "", resp.len, got);
      if (strcmp (got, digest) != 0)
        r = bento_err_make (err, 0, "blob digest mismatch: want %s, got %s", digest, got);
    }
  if (r < 0)
    {
      response_free (&resp);
      return bento_err_wrap (err, "fetch blob %s", digest);
    }
  if (resp.buf == NULL && (resp.buf = calloc (1, 1)) == NULL)
    return bento_err_make (err, ENOMEM, "blob");
  *buf = TAKE_PTR (resp.buf);
  *len = resp.len;
  response_free (&resp);
  return 0;
}

int
registry_stream_blob (struct registry_conn *c, const char *repo, const char *digest, registry_write_fn write,
                      void *ctx, bento_err *err)
{
  _cleanup_free_ char *path = NULL;
  if ((path = xasprintf ("/v2/%s/blobs/%s", repo, digest)) == NULL)
    return bento_err_make (err, ENOMEM, "blob");
  struct response resp = { .c = c, .write = write, .ctx = ctx, .err = err, .content_length = -1 };
  int r = request (c, repo, path, NULL, &resp, err);
  response_free (&resp);
  return r;
}

int
registry_check_login (struct registry_conn *c, bento_err *err)
{
  struct response resp = { .c = c, .max = 1 << 20, .content_length = -1 };
  /* /v2/ answers 401 with the challenge; a token for no repository proves
   * the credentials with a token service, basic auth with the registry */
  int r = request (c, "", "/v2/", NULL, &resp, err);
  response_free (&resp);
  return r;
}
