"""Pack a generated root filesystem into a docker-archive (`docker save` layout) with the
standard library, so the same files can be scanned as image layers.

Layer 1 holds the whole tree; layer 2 deletes some planted files with whiteouts (`.wh.NAME`),
as `RUN rm` does, and adds one file: a scanner of images should still report the deleted
secrets (they stay readable in layer 1).
"""

import hashlib
import io
import json
import os
import tarfile

FIXED_MTIME = 1760000000


def _layer(entries):
    """entries: (path in image, bytes or None for a directory). Returns the tar bytes."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        dirs = set()
        for path, data in sorted(entries):
            parts = path.split("/")[:-1]
            for i in range(1, len(parts) + 1):
                d = "/".join(parts[:i])
                if d and d not in dirs:
                    dirs.add(d)
                    info = tarfile.TarInfo(d)
                    info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, FIXED_MTIME
                    tar.addfile(info)
            info = tarfile.TarInfo(path)
            info.size, info.mode, info.mtime = len(data), 0o644, FIXED_MTIME
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def docker_archive(rootfs, out_path, delete):
    """Write `out_path`; `delete` are rootfs-relative paths removed in the second layer."""
    files = []
    for dirpath, _, names in os.walk(rootfs):
        for n in names:
            full = os.path.join(dirpath, n)
            with open(full, "rb") as f:
                files.append((os.path.relpath(full, rootfs), f.read()))
    layer1 = _layer(files)
    wh = [(os.path.join(os.path.dirname(p), ".wh." + os.path.basename(p)), b"") for p in delete]
    layer2 = _layer(wh + [("app/VERSION", b"3.2.0\n")])
    diff_ids = ["sha256:" + hashlib.sha256(x).hexdigest() for x in (layer1, layer2)]
    config = {
        "architecture": "amd64", "os": "linux",
        "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                           "NODE_ENV=production"], "Cmd": ["node", "server.js"], "WorkingDir": "/app",
                   "User": "1000"},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [{"created": "2026-11-01T00:00:00Z", "created_by": "COPY rootfs/ / # buildkit"},
                    {"created": "2026-11-01T00:00:01Z",
                     "created_by": "RUN /bin/sh -c rm -f " + " ".join("/" + p for p in delete) + " # buildkit"}],
    }
    cfg = json.dumps(config).encode()
    cfg_name = hashlib.sha256(cfg).hexdigest() + ".json"
    manifest = [{"Config": cfg_name, "RepoTags": ["recall/rootfs:1"],
                 "Layers": [f"{d[7:]}/layer.tar" for d in diff_ids]}]
    with tarfile.open(out_path, "w") as tar:
        for name, data in [(cfg_name, cfg), ("manifest.json", json.dumps(manifest).encode()),
                           (f"{diff_ids[0][7:]}/layer.tar", layer1), (f"{diff_ids[1][7:]}/layer.tar", layer2)]:
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), FIXED_MTIME
            tar.addfile(info, io.BytesIO(data))
