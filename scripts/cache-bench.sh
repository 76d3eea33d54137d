#!/usr/bin/env bash
# Layer cache speed (issue 16, docs/cache.md), on the real CLI in one run:
#
#   1. cold scan (empty cache) vs warm rescan of the lab's large image   (target: >= 10x)
#   2. a second image sharing that image's layers plus one layer of its own: its scan with
#      the first image cached vs its cold scan                          (target: >= 3x)
#   3. from a local docker-registry: a warm rescan downloads no layer blob (GETs counted in
#      the registry's access log; needs docker-registry and skopeo, skipped otherwise).
#
# Every timing runs REPEAT times (default 3) and reports the median wall time. Vulnerability
# matching is on when a database exists ($DRYDOCK_DB or ~/.cache/drydock/osv.sqlite): it is
# never cached, so it is part of every warm scan. Uses the lab's large-python-jdk image:
# LAB=/root/drydock-lab by default (build it with ../shared/lab/rebuild-all.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
LAB=${LAB:-$HOME/drydock-lab}
IMG=${IMG:-large-python-jdk}
REPEAT=${REPEAT:-3}
OCI="$LAB/images/oci/$IMG"
[ -d "$OCI" ] || { echo "no $OCI: build the lab first (../shared/lab/rebuild-all.sh)" >&2; exit 1; }
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
if [ -z "${BIN:-}" ]; then  # BIN=path: a drydock already built (checking the script itself)
  cargo build --release -q -p drydock
  BIN="$CARGO_TARGET_DIR/release/drydock"
fi
DB=${DRYDOCK_DB:-${XDG_CACHE_HOME:-$HOME/.cache}/drydock/osv.sqlite}
VULN=(--no-vulns)
[ -f "$DB" ] && VULN=(--db "$DB")
TMP=$(mktemp -d)
REG_PID=
cleanup() { [ -n "$REG_PID" ] && kill "$REG_PID" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

# timed LABEL PREP CMD...: REPEAT runs of CMD, each after `eval PREP`; median wall in $MED.
timed() {
  local label=$1 prep=$2; shift 2
  local walls=()
  for i in $(seq "$REPEAT"); do
    eval "$prep"
    /usr/bin/time -o "$TMP/t" -f '%e %U %S %M' "$@" >/dev/null 2>"$TMP/err" || {
      echo "$label: command failed:" >&2; cat "$TMP/err" >&2; exit 1; }
    read -r e u s m <"$TMP/t"
    printf '  %-40s run %d: %6.2fs wall  %6.2fs user  %5.2fs sys  %5d MiB peak RSS  (%s)\n' \
      "$label" "$i" "$e" "$u" "$s" $((m / 1024)) "$(grep -ho 'layer cache: .*' "$TMP/err" | head -1)"
    walls+=("$e")
  done
  MED=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
}
ratio() { python3 -c "print(f'{$1/max($2,0.001):.1f}')"; }
SCAN=("$BIN" scan --format json --fail-on none "${VULN[@]}")

echo "image: $IMG  cpus: $(nproc)  load: $(cut -d' ' -f1-3 /proc/loadavg)  vulns: ${VULN[*]}"
cat "$OCI"/blobs/sha256/* >/dev/null  # page cache warm for every run alike

echo "== 1. cold vs warm rescan"
C1="$TMP/cache1"
timed "cold (empty cache)" 'rm -rf "$C1"' "${SCAN[@]}" --cache-dir "$C1" "oci:$OCI"
cold=$MED
timed "warm rescan" ':' "${SCAN[@]}" --cache-dir "$C1" "oci:$OCI"
warm=$MED
echo "  median: cold ${cold}s, warm ${warm}s = $(ratio "$cold" "$warm")x faster (target >= 10x)"

echo "== 2. a second image sharing the base"
# Same layers (blobs hard-linked) plus one small layer of its own.
OCI2="$TMP/second"
python3 - "$OCI" "$OCI2" <<'PY'
import hashlib, io, json, os, sys, tarfile
src, dst = sys.argv[1:]
os.makedirs(os.path.join(dst, "blobs/sha256"))
for b in os.listdir(os.path.join(src, "blobs/sha256")):
    os.link(os.path.join(src, "blobs/sha256", b), os.path.join(dst, "blobs/sha256", b))
def put(data):
    h = hashlib.sha256(data).hexdigest()
    open(os.path.join(dst, "blobs/sha256", h), "wb").write(data)
    return "sha256:" + h, len(data)
idx = json.load(open(os.path.join(src, "index.json")))
man = json.load(open(os.path.join(src, "blobs/sha256", idx["manifests"][0]["digest"].split(":")[1])))
cfg = json.load(open(os.path.join(src, "blobs/sha256", man["config"]["digest"].split(":")[1])))
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
    data = b"second image's own layer\nTOKEN=not-a-secret\n"
    ti = tarfile.TarInfo("srv/second/app.txt"); ti.size = len(data)
    t.addfile(ti, io.BytesIO(data))
layer = buf.getvalue()
ld, ls = put(layer)
cfg["rootfs"]["diff_ids"].append(ld)
cfg.setdefault("history", []).append({"created_by": "COPY app /srv/second"})
cd, cs = put(json.dumps(cfg).encode())
man["config"] = dict(man["config"], digest=cd, size=cs)
man["layers"].append({"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": ld, "size": ls})
md, ms = put(json.dumps(man).encode())
json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
           "digest": md, "size": ms}]}, open(os.path.join(dst, "index.json"), "w"))
open(os.path.join(dst, "oci-layout"), "w").write('{"imageLayoutVersion":"1.0.0"}')
PY
C2="$TMP/cache2"
timed "second image, cold" 'rm -rf "$C2"' "${SCAN[@]}" --cache-dir "$C2" "oci:$OCI2"
cold2=$MED
timed "second image, first one cached" 'rm -rf "$C2"; "${SCAN[@]}" --cache-dir "$C2" "oci:$OCI" >/dev/null 2>&1' \
  "${SCAN[@]}" --cache-dir "$C2" "oci:$OCI2"
shared=$MED
echo "  median: cold ${cold2}s, sharing the base ${shared}s = $(ratio "$cold2" "$shared")x faster (target >= 3x)"

echo "== 3. registry: warm rescan downloads no layer blob"
REGBIN=$(command -v docker-registry || command -v registry || true)
if [ -z "$REGBIN" ] || ! command -v skopeo >/dev/null; then
  echo "  SKIPPED: needs docker-registry and skopeo (apt-get install docker-registry skopeo)"
  exit 0
fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$TMP/reg"
cat >"$TMP/reg/config.yml" <<YML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $TMP/reg/storage
http:
  addr: 127.0.0.1:$PORT
YML
"$REGBIN" serve "$TMP/reg/config.yml" >"$TMP/reg/log" 2>&1 &
REG_PID=$!
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.1; done
skopeo copy -q --dest-tls-verify=false "oci:$OCI" "docker://127.0.0.1:$PORT/lab/$IMG:1"
: >"$TMP/reg/log"
C3="$TMP/cache3"
"${SCAN[@]}" --insecure --cache-dir "$C3" "127.0.0.1:$PORT/lab/$IMG:1" >/dev/null 2>&1
cold_gets=$(grep -c '"GET /v2/.*/blobs/' "$TMP/reg/log" || true)
: >"$TMP/reg/log"
/usr/bin/time -o "$TMP/t" -f '%e' "${SCAN[@]}" --insecure --cache-dir "$C3" "127.0.0.1:$PORT/lab/$IMG:1" >/dev/null 2>"$TMP/err"
warm_gets=$(grep -c '"GET /v2/.*/blobs/' "$TMP/reg/log" || true)
echo "  blob GETs: cold $cold_gets (config + layers), warm rescan $warm_gets (config only; target 1), warm wall $(cat "$TMP/t")s"
