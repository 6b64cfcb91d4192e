#!/usr/bin/env python3
"""Build the test images as OCI image layouts, byte for byte reproducible.

  mkoci.py multi DIR      the multi-layer image: an index with linux/amd64
                          (4 layers: gzip, gzip, zstd, plain tar) and
                          linux/arm64/v8 (1 layer)
  mkoci.py big DIR        two layers of 256 KiB that do not compress
  mkoci.py evil KIND DIR  one layer with an entry that escapes: dotdot,
                          absolute, symlink, hardlink, symlink-abs
  mkoci.py devices DIR    one layer with a file, a character device
                          (dev/null2, 1:3) and a block device (dev/loop9, 7:9)

The layers hold what an unpacker must get right: files of other owners, a
setuid and a setgid file, a symlink (relative and absolute), a hardlink, a
fifo, a whiteout, an opaque directory and a replaced file.
"""
import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile

MTIME = 1700000000


def entry(name, kind=tarfile.REGTYPE, mode=0o644, uid=0, gid=0, data=b"", link="", dev=(0, 0)):
    return dict(name=name, kind=kind, mode=mode, uid=uid, gid=gid, data=data, link=link, dev=dev)


def d(name, mode=0o755, uid=0, gid=0):
    return entry(name, tarfile.DIRTYPE, mode, uid, gid)


def tar_bytes(entries):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for e in entries:
            ti = tarfile.TarInfo(e["name"])
            ti.type = e["kind"]
            ti.mode = e["mode"]
            ti.uid, ti.gid = e["uid"], e["gid"]
            ti.uname = ti.gname = ""
            ti.mtime = MTIME
            ti.linkname = e["link"]
            ti.devmajor, ti.devminor = e["dev"]
            data = e["data"]
            ti.size = len(data) if e["kind"] == tarfile.REGTYPE else 0
            t.addfile(ti, io.BytesIO(data) if ti.size else None)
    return buf.getvalue()


class Layout:
    def __init__(self, root):
        self.root = root
        os.makedirs(os.path.join(root, "blobs", "sha256"), exist_ok=True)

    def blob(self, data):
        h = hashlib.sha256(data).hexdigest()
        with open(os.path.join(self.root, "blobs", "sha256", h), "wb") as f:
            f.write(data)
        return "sha256:" + h, len(data)

    def image(self, layers, arch="amd64", variant=None, cmd=("/bin/sh",)):
        """layers: [(tar bytes, compression)] -> manifest descriptor"""
        descs, diff_ids = [], []
        for raw, comp in layers:
            diff_ids.append("sha256:" + hashlib.sha256(raw).hexdigest())
            if comp == "gzip":
                data, mt = gzip.compress(raw, mtime=0), "application/vnd.oci.image.layer.v1.tar+gzip"
            elif comp == "zstd":
                data = subprocess.run(["zstd", "-q", "-c", "-"], input=raw, stdout=subprocess.PIPE, check=True).stdout
                mt = "application/vnd.oci.image.layer.v1.tar+zstd"
            else:
                data, mt = raw, "application/vnd.oci.image.layer.v1.tar"
            dg, size = self.blob(data)
            descs.append({"mediaType": mt, "digest": dg, "size": size})
        config = {"created": "2023-11-14T22:13:20Z", "architecture": arch, "os": "linux",
                  "config": {"Env": ["PATH=/usr/bin:/bin"], "Cmd": list(cmd), "WorkingDir": "/",
                             "Labels": {"org.example.test": "bento"}},
                  "rootfs": {"type": "layers", "diff_ids": diff_ids}}
        if variant:
            config["variant"] = variant
        cdg, csize = self.blob(json.dumps(config, sort_keys=True).encode())
        manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cdg, "size": csize},
                    "layers": descs}
        mdg, msize = self.blob(json.dumps(manifest, sort_keys=True).encode())
        desc = {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": mdg, "size": msize,
                "platform": {"architecture": arch, "os": "linux"}}
        if variant:
            desc["platform"]["variant"] = variant
        return desc

    def finish(self, desc, tag):
        desc = dict(desc)
        desc["annotations"] = {"org.opencontainers.image.ref.name": tag}
        index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [desc]}
        with open(os.path.join(self.root, "index.json"), "w") as f:
            json.dump(index, f)
        with open(os.path.join(self.root, "oci-layout"), "w") as f:
            f.write('{"imageLayoutVersion":"1.0.0"}')

    def index_of(self, descs):
        idx = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": descs}
        dg, size = self.blob(json.dumps(idx, sort_keys=True).encode())
        return {"mediaType": "application/vnd.oci.image.index.v1+json", "digest": dg, "size": size}


def multi(root):
    lay = Layout(root)
    l1 = [d("./"), d("bin/"), d("etc/"), d("home/"), d("home/user/", 0o750, 1000, 1000),
          d("opt/"), d("opt/keep/"), d("opt/opq/"), d("var/"), d("var/tmp/", 0o1777),
          entry("etc/hostname", data=b"multi\n"),
          entry("etc/link", tarfile.SYMTYPE, 0o777, link="hostname"),
          entry("etc/abs", tarfile.SYMTYPE, 0o777, link="/etc/hostname"),
          entry("etc/hard", tarfile.LNKTYPE, 0o644, link="etc/hostname"),
          entry("home/user/notes", mode=0o600, uid=1000, gid=1000, data=b"mine\n"),
          entry("bin/tool", mode=0o4755, data=b"#!/bin/sh\necho tool\n"),
          entry("bin/sgid", mode=0o2755, gid=50, data=b"#!/bin/sh\n"),
          entry("var/fifo", tarfile.FIFOTYPE, 0o640),
          entry("var/nobody", mode=0o644, uid=65534, gid=65534, data=b"nobody\n"),
          entry("opt/gone", data=b"removed by layer 2\n"),
          entry("opt/opq/a", data=b"a\n"), entry("opt/opq/b", data=b"b\n"),
          entry("opt/keep/k1", data=b"k1\n"),
          entry("opt/big", data=bytes(range(256)) * 4096)]
    l2 = [d("opt/"), entry("opt/.wh.gone", mode=0o600),
          d("opt/opq/"), entry("opt/opq/.wh..wh..opq", mode=0o600), entry("opt/opq/c", data=b"c\n"),
          d("etc/"), entry("etc/hostname", data=b"multi, layer 2\n")]
    l3 = [d("usr/"), d("usr/share/"), d("usr/share/doc/", 0o755, 2000, 3000),
          entry("usr/share/doc/readme", mode=0o640, uid=2000, gid=3000, data=b"zstd layer\n"),
          d("etc/"), entry("etc/link2", tarfile.SYMTYPE, 0o777, link="../etc/hostname")]
    l4 = [d("opt/"), d("opt/keep/"), entry("opt/keep/k2", data=b"plain tar layer\n")]
    amd = lay.image([(tar_bytes(l1), "gzip"), (tar_bytes(l2), "gzip"), (tar_bytes(l3), "zstd"),
                     (tar_bytes(l4), "plain")], "amd64")
    arm = lay.image([(tar_bytes([d("./"), d("etc/"), entry("etc/platform", data=b"arm64\n")]), "gzip")],
                    "arm64", "v8")
    lay.finish(lay.index_of([amd, arm]), "latest")


def big(root):
    """two layers of incompressible bytes (256 KiB each), for slow transfers"""
    lay = Layout(root)
    layers = []
    for n in range(2):
        data, h = b"", hashlib.sha256(b"seed%d" % n).digest()
        while len(data) < 256 * 1024:
            h = hashlib.sha256(h).digest()
            data += h
        layers.append((tar_bytes([d("./"), entry("blob%d" % n, data=data)]), "gzip"))
    lay.finish(lay.image(layers), "latest")


EVIL = {
    "dotdot": [entry("../evil", data=b"x")],
    "absolute": [entry("/evil", data=b"x")],
    "symlink": [entry("link", tarfile.SYMTYPE, 0o777, link="../../../../../../.."), entry("link/tmp/evil", data=b"x")],
    "symlink-abs": [entry("link", tarfile.SYMTYPE, 0o777, link="/tmp"), entry("link/evil", data=b"x")],
    "hardlink": [entry("h", tarfile.LNKTYPE, 0o644, link="../../../../../../../etc/passwd")],
}


def evil(kind, root):
    lay = Layout(root)
    ok = [d("./"), entry("fine", data=b"fine\n")]
    lay.finish(lay.image([(tar_bytes(ok + EVIL[kind]), "gzip")]), "latest")


def devices(root):
    lay = Layout(root)
    layer = [d("./"), d("dev/"), entry("fine", data=b"fine\n"),
             entry("dev/null2", tarfile.CHRTYPE, 0o666, dev=(1, 3)),
             entry("dev/loop9", tarfile.BLKTYPE, 0o660, gid=6, dev=(7, 9))]
    lay.finish(lay.image([(tar_bytes(layer), "gzip")]), "latest")


if __name__ == "__main__":
    if sys.argv[1] == "multi":
        multi(sys.argv[2])
    elif sys.argv[1] == "big":
        big(sys.argv[2])
    elif sys.argv[1] == "evil":
        evil(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "devices":
        devices(sys.argv[2])
    else:
        sys.exit("usage: mkoci.py multi DIR | evil KIND DIR")
