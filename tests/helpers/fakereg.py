#!/usr/bin/env python3
"""A registry that misbehaves on purpose, for bento's bad-input tests.

  fakereg.py LAYOUT MODE PORTFILE [LOG]

Serves the first image of the OCI layout LAYOUT as <any name>:latest on
127.0.0.1 (a free port, written to PORTFILE), except as MODE says:

  good          behave
  digest        a layer blob with one byte changed (digest mismatch)
  truncated     a layer blob cut short (with a matching Content-Length)
  bigmanifest   a manifest of 5 MiB
  badconfig     a config that is not JSON (the manifest names its digest)
  mediatype     a manifest of an unknown media type
  schema1       a Docker schema 1 manifest
  unauthorized  401 with a Bearer challenge whose token never works
  token         a Bearer challenge as Docker Hub's: the token service at
                /token hands out a token (expires_in 300) for service
                "fake" and a pull scope (or no scope: a login), to
                someone:secret when credentials come; each token request
                is logged to LOG; everything else wants that token
  error500      500 to everything
  redirect      basic auth required; blobs redirect to http://localhost:
                <port of a second server> which logs the request headers
                to LOG and serves the blob
  slow          layer blobs trickle at 32 KiB/s
  hang          a manifest request is logged to LOG, then answered only
                after 60 s
"""
import base64
import hashlib
import http.server
import json
import os
import socketserver
import sys
import threading
import time
import urllib.parse

layout, mode, portfile = sys.argv[1], sys.argv[2], sys.argv[3]
log = sys.argv[4] if len(sys.argv) > 4 else None
with open(os.path.join(layout, "index.json")) as f:
    top = json.load(f)["manifests"][0]


def blob(digest):
    with open(os.path.join(layout, "blobs", "sha256", digest.split(":")[1]), "rb") as f:
        return f.read()


def sha(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


# the image manifest (through the index for the host when there is one)
mbytes = blob(top["digest"])
manifest = json.loads(mbytes)
if "manifests" in manifest:
    top = manifest["manifests"][0]
    mbytes = blob(top["digest"])
    manifest = json.loads(mbytes)
extra = {}
if mode == "bigmanifest":
    mbytes = mbytes[:-1] + b" " * (5 << 20) + b"}"
elif mode == "badconfig":
    bad = b"this is not JSON"
    manifest["config"] = {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": sha(bad), "size": len(bad)}
    extra[sha(bad)] = bad
    mbytes = json.dumps(manifest).encode()
elif mode == "mediatype":
    manifest["mediaType"] = "application/vnd.example.unknown+json"
    mbytes = json.dumps(manifest).encode()
elif mode == "schema1":
    mbytes = json.dumps({"schemaVersion": 1, "name": "x", "tag": "latest", "fsLayers": [], "history": []}).encode()
layers = {l["digest"] for l in manifest.get("layers", [])}
mtype = manifest.get("mediaType", "application/vnd.oci.image.manifest.v1+json")
if mode == "schema1":
    mtype = "application/vnd.docker.distribution.manifest.v1+prettyjws"
side_port = None


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, code, body=b"", ctype="application/json", headers=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        p = self.path
        if mode == "error500":
            return self.send(500, b'{"errors":[{"code":"UNKNOWN","message":"the registry broke"}]}')
        if mode == "unauthorized":
            if p.startswith("/token"):
                return self.send(200, b'{"token":"never-good","expires_in":300}')
            return self.challenge()
        if mode == "token":
            if p.startswith("/token"):
                return self.token()
            if self.headers.get("Authorization") != "Bearer good-token":
                return self.challenge()
        if mode == "redirect" and not self.headers.get("Authorization", "").startswith("Basic "):
            return self.send(401, b'{"errors":[{"code":"UNAUTHORIZED","message":"login first"}]}',
                             headers=[("WWW-Authenticate", 'Basic realm="fake"')])
        if p == "/v2/" or p == "/v2":
            return self.send(200, b"{}")
        parts = p.split("/")
        if len(parts) < 5 or parts[1] != "v2":
            return self.send(404, b'{"errors":[{"code":"NOT_FOUND","message":"no route"}]}')
        kind, ref = parts[-2], parts[-1]
        if kind == "manifests" and mode == "hang":
            with open(log, "a") as f:
                f.write("GET %s\n" % p)
            time.sleep(60)
        if kind == "manifests" and (ref == "latest" or ref == sha(mbytes)):
            return self.send(200, mbytes, mtype)
        if kind == "blobs":
            if ref in extra:
                return self.send(200, extra[ref], "application/octet-stream")
            try:
                data = blob(ref)
            except OSError:
                return self.send(404, b'{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown"}]}')
            if ref in layers:
                if mode == "digest":
                    data = data[:100] + bytes([data[100] ^ 0xFF]) + data[101:]
                elif mode == "truncated":
                    data = data[: len(data) // 2]
                elif mode == "redirect":
                    return self.send(307, b"", headers=[("Location", "http://localhost:%d/blob/%s" % (side_port, ref))])
                elif mode == "slow":
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    for i in range(0, len(data), 4096):
                        self.wfile.write(data[i:i + 4096])
                        self.wfile.flush()
                        time.sleep(0.125)
                    return
            return self.send(200, data, "application/octet-stream")
        return self.send(404, b'{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}')


    def challenge(self):
        host = "http://127.0.0.1:%d" % self.server.server_address[1]
        return self.send(401, b'{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}',
                         headers=[("WWW-Authenticate",
                                   'Bearer realm="%s/token",service="fake",scope="repository:x:pull"' % host)])

    def token(self):
        q = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
        auth = self.headers.get("Authorization", "")
        with open(log, "a") as f:
            f.write("TOKEN scope=%s service=%s auth=%s\n" % (",".join(q.get("scope", [])) or "none",
                                                              ",".join(q.get("service", [])), auth or "none"))
        scopes = q.get("scope", [])
        good_scope = all(sc.startswith("repository:") and sc.endswith(":pull") and len(sc.split(":")) == 3
                         and sc.split(":")[1] for sc in scopes)
        if q.get("service") != ["fake"] or not good_scope:
            return self.send(400, b'{"errors":[{"code":"DENIED","message":"bad service or scope"}]}')
        if auth and auth != "Basic " + base64.b64encode(b"someone:secret").decode():
            return self.send(401, b'{"errors":[{"code":"UNAUTHORIZED","message":"wrong credentials"}]}')
        return self.send(200, b'{"token":"good-token","expires_in":300}')


class Side(http.server.BaseHTTPRequestHandler):
    """The redirect target: logs what it was sent, serves the blob."""
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        with open(log, "a") as f:
            f.write("GET %s\n%s\n" % (self.path, str(self.headers)))
        data = blob(self.path.split("/")[-1])
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


if mode == "redirect":
    side = Server(("127.0.0.1", 0), Side)
    side_port = side.server_address[1]
    threading.Thread(target=side.serve_forever, daemon=True).start()
srv = Server(("127.0.0.1", 0), Handler)
with open(portfile + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(portfile + ".tmp", portfile)
srv.serve_forever()
