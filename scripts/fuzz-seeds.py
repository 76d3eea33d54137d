#!/usr/bin/env python3
"""Write a small seed corpus for the AFL++ targets (scripts/fuzz.sh): one directory per
target under the given root. Seeds are generated here (no stored blobs): Dockerfiles with
expansions and heredocs, tar layers in every header flavour (ustar, GNU long names, PAX,
sparse, links, whiteouts) plain/gzip, OCI/Docker manifests and indexes, Compose/K8s YAML."""
import gzip, io, json, os, sys, tarfile

root = sys.argv[1] if len(sys.argv) > 1 else "fuzz/seeds"

def put(target, name, data):
    d = os.path.join(root, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())

put("dockerfile", "basic", "FROM alpine:3.20 AS base\nARG V=1\nENV A=${V:-x} B=$A\nRUN echo $A && \\\n  apk add curl\nCOPY --from=base /a /b\nUSER 1000\n")
put("dockerfile", "heredoc", "# syntax=docker/dockerfile:1\nFROM debian\nRUN <<EOF bash\nset -e\necho hi\nEOF\nCMD [\"sh\", \"-c\", \"x\"]\n")
put("dockerfile", "expand", "ARG A0=ab\nARG A1=${A0}${A0}\nFROM scratch\nARG A1\nENV X=${A1%%b*} Y=${A1/a/z} Z=${A1:+set}\nLABEL k=\"$X\"\n")
put("dockerfile", "escape", "# escape=`\nFROM mcr.microsoft.com/windows\nRUN dir `\n  c:\\\nONBUILD RUN x\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\n")

def tar_bytes(fmt, entries):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as t:
        for name, kind, data, link in entries:
            ti = tarfile.TarInfo(name)
            ti.type = kind
            ti.size = len(data) if kind == tarfile.REGTYPE else 0
            if link:
                ti.linkname = link
            t.addfile(ti, io.BytesIO(data) if kind == tarfile.REGTYPE else None)
    return buf.getvalue()

common = [
    ("etc/os-release", tarfile.REGTYPE, b"ID=alpine\nVERSION_ID=3.20.3\n", None),
    ("etc/passwd", tarfile.REGTYPE, b"root:x:0:0:root:/root:/bin/sh\n", None),
    ("app", tarfile.DIRTYPE, b"", None),
    ("app/.env", tarfile.REGTYPE, b"TOKEN=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\n", None),
    ("app/.wh.old", tarfile.REGTYPE, b"", None),
    ("app/.wh..wh..opq", tarfile.REGTYPE, b"", None),
    ("bin/sh", tarfile.SYMTYPE, b"", "busybox"),
    ("bin/ash", tarfile.LNKTYPE, b"", "bin/sh"),
]
longname = [("d/" + "x" * 200 + "/f", tarfile.REGTYPE, b"long", None)]
for fmt, tag in [(tarfile.USTAR_FORMAT, "ustar"), (tarfile.GNU_FORMAT, "gnu"), (tarfile.PAX_FORMAT, "pax")]:
    ents = common + (longname if fmt != tarfile.USTAR_FORMAT else [])
    t = tar_bytes(fmt, ents)
    put("layer", tag, t)
    put("layer", tag + ".gz", gzip.compress(t, 1))

# An old-GNU sparse entry written by hand (Python does not write them).
h = bytearray(512)
h[0:6] = b"sparse"
for off, val, w in [(100, 0o644, 8), (108, 0, 8), (116, 0, 8), (124, 512, 12), (136, 0, 12)]:
    h[off:off + w] = ("%0*o\0" % (w - 1, val)).encode()
h[156] = ord("S")
h[257:265] = b"ustar  \0"
h[386:398] = b"%011o\0" % 1024
h[398:410] = b"%011o\0" % 512
h[483:495] = b"%011o\0" % 1536
h[148:156] = b" " * 8
h[148:156] = b"%06o\0 " % sum(h)
put("layer", "sparse", bytes(h) + b"z" * 512 + b"\0" * 1024)

d = "sha256:" + "a" * 64
put("manifest", "oci-manifest", json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": d, "size": 2},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": d, "size": 3}]}))
put("manifest", "docker-list", json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",
    "manifests": [{"mediaType": "application/vnd.docker.distribution.manifest.v2+json", "digest": d, "size": 7,
                   "platform": {"architecture": "arm64", "os": "linux", "variant": "v8"}}]}))
put("manifest", "oci-index", json.dumps({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
    "digest": d, "size": 7, "annotations": {"org.opencontainers.image.ref.name": "1.0"}}]}))
put("manifest", "config", json.dumps({"architecture": "amd64", "os": "linux", "config": {"User": "1000", "Env": ["A=1"]},
    "rootfs": {"type": "layers", "diff_ids": [d]}, "history": [{"created_by": "RUN x"}]}))

put("yaml", "compose", "services:\n  web:\n    image: nginx:${TAG:-1.25}\n    privileged: true\n    ports: ['80:80']\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\nx-base: &b {user: root}\n")
put("yaml", "k8s", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: busybox\n    securityContext: {privileged: true}\n---\nkind: List\nitems: []\n")
put("yaml", "anchors", "a: &a [1, 2, {k: |\n  block\n  }]\nb: *a\nc: !!str 3\nd: >-\n  folded\n")
