#!/usr/bin/env bash
# Screenshots of the HTML report for the README (docs/screenshots/*.png), taken with headless
# Chromium, and the report's load time. Builds two small images as docker-archives here (no
# download): one with a secret (deleted in a later layer, still extractable) and one with
# known-vulnerable Debian packages (advisories imported from OSV JSON written here), and scans
# the Dockerfile corpus (../shared/corpus/dockerfiles) when present.
#   scripts/html-screenshots.sh            (needs chromium and python3)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/drydock/target}"
bin="${DRYDOCK_BIN:-$CARGO_TARGET_DIR/debug/drydock}"
[ -n "${DRYDOCK_BIN:-}" ] || cargo build --quiet -p drydock
command -v chromium >/dev/null || { echo "chromium not installed (apt-get install chromium)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=docs/screenshots

python3 - "$tmp" <<'PY'
import hashlib, io, json, sys, tarfile
tmp = sys.argv[1]
def layer(files):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, data in files:
            info = tarfile.TarInfo(name); info.size = len(data); info.mode = 0o644; info.mtime = 1700000000
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()
def archive(path, name, layers, history, user=""):
    blobs = [layer(l) for l in layers]
    diff_ids = ["sha256:" + hashlib.sha256(b).hexdigest() for b in blobs]
    config = {"architecture": "amd64", "os": "linux", "config": {"User": user, "Env": ["PATH=/usr/bin"], "Cmd": ["/app/run"]},
              "rootfs": {"type": "layers", "diff_ids": diff_ids}, "history": history}
    cfg = json.dumps(config).encode()
    cfg_name = hashlib.sha256(cfg).hexdigest() + ".json"
    with tarfile.open(path, "w") as t:
        def add(n, d):
            i = tarfile.TarInfo(n); i.size = len(d); i.mtime = 1700000000; t.addfile(i, io.BytesIO(d))
        add(cfg_name, cfg)
        names = []
        for b, d in zip(blobs, diff_ids):
            n = d.split(":")[1] + "/layer.tar"; names.append(n); add(n, b)
        add("manifest.json", json.dumps([{"Config": cfg_name, "RepoTags": [name], "Layers": names}]).encode())
os_release = b'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n'
status = b"".join(
    b"Package: %s\nStatus: install ok installed\nArchitecture: amd64\nVersion: %s\n%s\n" % (p, v, s)
    for p, v, s in [(b"openssl", b"3.0.11-1~deb12u2", b""), (b"libssl3", b"3.0.11-1~deb12u2", b"Source: openssl\n"),
                    (b"zlib1g", b"1:1.2.13.dfsg-1", b"Source: zlib\n"), (b"curl", b"7.88.1-10+deb12u4", b""),
                    (b"libc6", b"2.36-9+deb12u3", b"Source: glibc\n")])
base = [("etc/os-release", os_release), ("var/lib/dpkg/status", status),
        ("usr/lib/x86_64-linux-gnu/libcrypto.so.3", b"\0" * 4_700_000), ("usr/bin/curl", b"\0" * 280_000)]
hist = lambda cmds: [{"created_by": c, **({"empty_layer": True} if e else {})} for c, e in cmds]
key = b"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACDpUaGE5r3mR4Zq0mXQyY8l0bJtX1nS9n2fF0fC1YbM2wAAAJhx2m0acdpt\n-----END OPENSSH PRIVATE KEY-----\n"
archive(f"{tmp}/secret.tar", "shop/api:2.3", [
    base,
    [("app/.env", b"DATABASE_URL=postgres://app:S3cr3tPassw0rd@db:5432/shop\nAWS_ACCESS_KEY_ID=AKIAQYLPMN5HFIQR7XYZ\nAWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY\n"),
     ("root/.ssh/id_ed25519", key), ("app/run", b"#!/bin/sh\nexec /app/server\n"), ("app/server", b"\0" * 1_200_000)],
    [("app/.wh..env", b""), ("root/.ssh/.wh.id_ed25519", b"")],
], hist([("/bin/sh -c #(nop) ADD file:3b1c8e in / ", False), ("/bin/sh -c #(nop)  CMD [\"bash\"]", True),
         ("COPY . /app # buildkit", False), ("RUN /bin/sh -c rm /app/.env /root/.ssh/id_ed25519 # buildkit", False)]))
archive(f"{tmp}/vulnerable.tar", "shop/web:1.0", [base, [("srv/www/index.html", b"<h1>shop</h1>\n" * 100)]],
        hist([("/bin/sh -c #(nop) ADD file:3b1c8e in / ", False), ("COPY www /srv/www # buildkit", False),
              ("USER 10001", True)]), user="10001")
import os
os.makedirs(f"{tmp}/osv", exist_ok=True)
for i, (pkg, fixed, sev) in enumerate([("openssl", "3.0.14-1~deb12u1", "HIGH"), ("openssl", "3.0.13-1~deb12u1", "MEDIUM"),
                                        ("zlib", "1:1.2.13.dfsg-1+deb12u1", "CRITICAL"), ("curl", "7.88.1-10+deb12u5", "HIGH"),
                                        ("glibc", "2.36-9+deb12u4", "HIGH"), ("openssl", None, "LOW")]):
    ev = [{"introduced": "0"}] + ([{"fixed": fixed}] if fixed else [])
    rec = {"id": f"CVE-2024-{1000 + i}", "modified": "2024-06-01T00:00:00Z", "summary": f"{pkg}: example advisory {i}",
           "affected": [{"package": {"ecosystem": "Debian:12", "name": pkg}, "ranges": [{"type": "ECOSYSTEM", "events": ev}],
                         "ecosystem_specific": {"urgency": sev.lower()}}],
           "database_specific": {"severity": sev}}
    json.dump(rec, open(f"{tmp}/osv/CVE-2024-{1000 + i}.json", "w"))
PY

"$bin" db --db "$tmp/osv.sqlite" import --ecosystem Debian "$tmp/osv" >/dev/null
shot() { # html png height
  chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars \
    --disable-background-networking --disable-component-update --disable-sync --no-first-run \
    --user-data-dir="$tmp/profile" --window-size=1280,"$3" --screenshot="$PWD/$2" "file://$1" 2>/dev/null
  echo "$2: $(stat -c %s "$2") bytes"
}
"$bin" scan --no-vulns --fail-on none --format html -o "$tmp/secret.html" "docker-archive:$tmp/secret.tar"
# Layer 1 selected: its findings and biggest file changes, as a link to the report would show.
shot "$tmp/secret.html#t=0&layer=1" "$out/html-secret-image.png" 1300
"$bin" scan --offline --db "$tmp/osv.sqlite" --fail-on none --format html -o "$tmp/vulnerable.html" "docker-archive:$tmp/vulnerable.tar"
shot "$tmp/vulnerable.html" "$out/html-vulnerable-image.png" 1500
corpus=${CORPUS:-../shared/corpus/dockerfiles}
[ -d "$corpus" ] || corpus=/work/shared/corpus/dockerfiles
if [ -d "$corpus" ]; then
  "$bin" scan --no-build-context --fail-on none --format html -o "$tmp/corpus.html" $(ls -d "$corpus"/*/Dockerfile) 2>/dev/null
  echo "corpus report: $(stat -c %s "$tmp/corpus.html") bytes"
  shot "$tmp/corpus.html" "$out/html-dockerfile-corpus.png" 1400
  # Load time: Chromium's own start-up included, so compare against an empty page.
  : >"$tmp/empty.html"
  for page in empty corpus; do
    start=$(date +%s%N)
    chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --user-data-dir="$tmp/profile" \
      --dump-dom "file://$tmp/$page.html" >"$tmp/$page.dom" 2>/dev/null
    echo "$page: load and render $(( ($(date +%s%N) - start) / 1000000 )) ms (incl. browser start)"
  done
  grep -o 'data-ms="[0-9]*"' "$tmp/corpus.dom" | head -1 | sed 's/^/corpus: script render time /'
fi
