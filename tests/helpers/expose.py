#!/usr/bin/env python3
"""expose.py IN.tar OUT.tar NAME PORT... : a copy of the oci-archive IN.tar
named NAME whose image config has ExposedPorts PORT... ("80/tcp")."""
import hashlib
import io
import json
import sys
import tarfile

src, dst, name, ports = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
files = {}
with tarfile.open(src) as t:
    for m in t.getmembers():
        if m.isfile():
            files[m.name] = t.extractfile(m).read()


def blob(data):
    h = hashlib.sha256(data).hexdigest()
    files["blobs/sha256/" + h] = data
    return "sha256:" + h, len(data)


index = json.loads(files["index.json"])
mdesc = index["manifests"][0]
manifest = json.loads(files["blobs/sha256/" + mdesc["digest"].split(":")[1]])
config = json.loads(files["blobs/sha256/" + manifest["config"]["digest"].split(":")[1]])
config.setdefault("config", {})["ExposedPorts"] = {p: {} for p in ports}
manifest["config"]["digest"], manifest["config"]["size"] = blob(json.dumps(config).encode())
mdesc["digest"], mdesc["size"] = blob(json.dumps(manifest).encode())
mdesc["annotations"] = {"org.opencontainers.image.ref.name": name}
files["index.json"] = json.dumps(index).encode()
with tarfile.open(dst, "w") as t:
    for n, data in sorted(files.items()):
        info = tarfile.TarInfo(n)
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
