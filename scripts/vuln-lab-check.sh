#!/usr/bin/env bash
# Checks "the dpkg inventory equals `dpkg-query -W` run inside that rootfs, package for
# package" on the lab's real Debian bookworm images (../shared/lab builds them under $LAB).
#
# For every OCI image of the lab that has a dpkg database, drydock's inventory
# (`drydock sbom`, i.e. the image walker + inventory) is compared by (package, version,
# architecture) with `dpkg-query --admindir=… -W` on:
#   * the debootstrap rootfs itself for debian-base ($LAB/rootfs/debian-bookworm-minbase);
#   * for the other images, the image's final var/lib/dpkg/status, extracted independently
#     of drydock (python3 applies the layers in order, with whiteouts).
# Packages in `config-files` state have no files installed and are excluded on both sides.
# Exit 0 when every image matches, 1 on a mismatch; images without dpkg are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
LAB="${LAB:-$HOME/drydock-lab}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
if [ ! -d "$LAB/images/oci" ]; then
  echo "!!! SKIPPED: $LAB/images/oci not found (build the lab with ../shared/lab/rebuild-all.sh) !!!" >&2
  exit 0
fi
command -v dpkg-query >/dev/null || { echo "dpkg-query is not installed" >&2; exit 2; }
command -v python3 >/dev/null || { echo "python3 is not installed" >&2; exit 2; }
DRYDOCK="${DRYDOCK:-}"
if [ -z "$DRYDOCK" ]; then
  cargo build --release --quiet -p drydock
  DRYDOCK="$CARGO_TARGET_DIR/release/drydock"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The final var/lib/dpkg/status of an OCI layout, from its layers in order (whiteouts and
# opaque directories honoured); exits 3 when the image has none.
extract_status() {
  python3 - "$1" "$2" <<'PY'
import gzip, io, json, os, sys, tarfile
layout, out = sys.argv[1], sys.argv[2]
def blob(d):
    return open(os.path.join(layout, "blobs", *d.split(":", 1)), "rb").read()
index = json.load(open(os.path.join(layout, "index.json")))
doc = json.loads(blob(index["manifests"][0]["digest"]))
if "manifests" in doc:  # an index: first (host) platform
    doc = json.loads(blob(doc["manifests"][0]["digest"]))
target, status = "var/lib/dpkg/status", None
for l in doc["layers"]:
    raw = blob(l["digest"])
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    elif raw[:4] == b"\x28\xb5\x2f\xfd":
        import subprocess
        raw = subprocess.run(["zstd", "-dc"], input=raw, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(raw)) as t:
        for m in t:
            name = m.name.lstrip("./").lstrip("/")
            d, _, f = name.rpartition("/")
            if f == ".wh..wh..opq" and (target + "/").startswith(d + "/"):
                status = None
            elif f.startswith(".wh.") and (target + "/").startswith((d + "/" if d else "") + f[4:] + "/"):
                status = None
            elif name == target and m.isfile():
                status = t.extractfile(m).read()
if status is None:
    sys.exit(3)
os.makedirs(os.path.join(out, "updates"), exist_ok=True)
os.makedirs(os.path.join(out, "info"), exist_ok=True)
open(os.path.join(out, "status"), "wb").write(status)
PY
}

query() { # admindir -> sorted "pkg\tversion\tarch" of installed packages
  dpkg-query --admindir="$1" -W -f='${db:Status-Status}\t${Package}\t${Version}\t${Architecture}\n' \
    | awk -F'\t' '$1 != "config-files" && $1 != "not-installed" {print $2"\t"$3"\t"$4}' | LC_ALL=C sort
}

ours() { # image dir -> the same lines from drydock's SBOM
  "$DRYDOCK" sbom --format cyclonedx-json "oci:$1" 2>/dev/null | python3 -c '
import json, sys, urllib.parse
for c in json.load(sys.stdin).get("components", []):
    p = c.get("purl", "")
    if p.startswith("pkg:deb/"):
        q = dict(x.split("=", 1) for x in p.split("?", 1)[1].split("&")) if "?" in p else {}
        print("%s\t%s\t%s" % (c["name"], c["version"], urllib.parse.unquote(q.get("arch", ""))))
' | LC_ALL=C sort
}

fail=0
printf '%-26s %9s %9s  %s\n' image dpkg-query drydock result
for img in "$LAB"/images/oci/*/; do
  img=${img%/}; name=$(basename "$img")
  admin="$tmp/$name"
  mkdir -p "$admin"
  if [ "$name" = debian-base ] && [ -d "$LAB/rootfs/debian-bookworm-minbase/var/lib/dpkg" ]; then
    admin="$LAB/rootfs/debian-bookworm-minbase/var/lib/dpkg"; src="rootfs"
  else
    rc=0; extract_status "$img" "$admin" || rc=$?
    if [ $rc -eq 3 ]; then printf '%-26s %9s %9s  %s\n' "$name" - - "no dpkg database (skipped)"; continue; fi
    [ $rc -eq 0 ] || { echo "$name: cannot extract the dpkg status" >&2; fail=1; continue; }
    src="image status"
  fi
  query "$admin" > "$tmp/$name.want"
  if ! "$DRYDOCK" sbom --format cyclonedx-json "oci:$img" > "$tmp/$name.sbom" 2> "$tmp/$name.err"; then
    printf '%-26s %9s %9s  %s\n' "$name" - - "skipped: $(head -c 100 "$tmp/$name.err")"; continue
  fi
  ours "$img" > "$tmp/$name.got"
  w=$(wc -l < "$tmp/$name.want"); g=$(wc -l < "$tmp/$name.got")
  if cmp -s "$tmp/$name.want" "$tmp/$name.got"; then
    printf '%-26s %9s %9s  %s\n' "$name" "$w" "$g" "identical (dpkg-query on the $src)"
  else
    printf '%-26s %9s %9s  %s\n' "$name" "$w" "$g" "DIFFERENT:"
    diff "$tmp/$name.want" "$tmp/$name.got" | head -20 || true
    fail=1
  fi
done
exit $fail
