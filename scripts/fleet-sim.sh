#!/usr/bin/env bash
# A fleet run simulated on one machine (docs/fleet.md, "Simulation"):
#   a local docker-registry (plain HTTP, 127.0.0.1) + redis-server, images pushed to it,
#   `drydock registry list` → targets file, then
#   1. one single-process scan (the reference),
#   2. night 1: 3 shard processes at once with the shared Redis cache (cold),
#   3. night 2: the same again (warm cache),
# and checks: every image scanned exactly once per night, the union of the shards' per-target
# reports equals the single-process run (findings JSON compared order-insensitively), night 2
# at least 5× faster than night 1. Prints the figures.
#
# Images: the lab's (`$LAB/images/dir-gzip/*`, see ../shared/lab/README.md) when they exist,
# else images generated here (a shared base layer plus per-image layers, some with planted
# fake secrets), written as OCI layouts and pushed with skopeo.
#
# Usage: scripts/fleet-sim.sh [--shards N] [--images N]   (from the repository root)
#   DRYDOCK=path/to/drydock (default: $CARGO_TARGET_DIR or target, release then debug)
#   LAB=~/drydock-lab   KEEP=1 keeps the work directory.   SIM_DB=osv.sqlite: with vulnerability matching.
# Needs: docker-registry, redis-server, redis-cli, skopeo, python3 (Debian packages).
set -euo pipefail

SHARDS=3
IMAGES=12
while [ $# -gt 0 ]; do
    case "$1" in
        --shards) SHARDS="$2"; shift 2 ;;
        --images) IMAGES="$2"; shift 2 ;;
        *) echo "fleet-sim: unknown argument $1" >&2; exit 2 ;;
    esac
done

die() { echo "fleet-sim: FAIL: $*" >&2; exit 1; }
for tool in docker-registry redis-server redis-cli skopeo python3; do
    command -v "$tool" >/dev/null || die "$tool is not installed (apt-get install docker-registry redis-server redis-tools skopeo python3)"
done

TGT="${CARGO_TARGET_DIR:-target}"
if [ -z "${DRYDOCK:-}" ]; then
    for c in "$TGT/release/drydock" "$TGT/debug/drydock"; do
        if [ -x "$c" ]; then DRYDOCK="$c"; break; fi
    done
fi
[ -n "${DRYDOCK:-}" ] && [ -x "$DRYDOCK" ] || die "no drydock binary: cargo build --release -p drydock (or set DRYDOCK=)"
DRYDOCK="$(cd "$(dirname "$DRYDOCK")" && pwd)/$(basename "$DRYDOCK")"
echo "fleet-sim: drydock = $DRYDOCK"

WORK="$(mktemp -d /tmp/drydock-fleet-sim.XXXXXX)"
REG_PID=""
REDIS_PID=""
cleanup() {
    [ -n "$REG_PID" ] && kill "$REG_PID" 2>/dev/null || true
    [ -n "$REDIS_PID" ] && kill "$REDIS_PID" 2>/dev/null || true
    wait 2>/dev/null || true
    if [ "${KEEP:-0}" = 1 ]; then echo "fleet-sim: kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
    for _ in $(seq 200); do
        if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),0.2)" 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    die "nothing listens on 127.0.0.1:$1 ($2)"
}

# --- registry and redis ------------------------------------------------------------------
REG_PORT="$(free_port)"
mkdir -p "$WORK/registry"
cat > "$WORK/registry/config.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: $WORK/registry/storage
http:
  addr: 127.0.0.1:$REG_PORT
  secret: fleet-sim
EOF
docker-registry serve "$WORK/registry/config.yml" >"$WORK/registry/log" 2>&1 &
REG_PID=$!
wait_port "$REG_PORT" docker-registry
REDIS_PORT="$(free_port)"
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
    --dir "$WORK" --maxmemory 2gb --maxmemory-policy allkeys-lru >"$WORK/redis.log" 2>&1 &
REDIS_PID=$!
wait_port "$REDIS_PORT" redis-server
REG="127.0.0.1:$REG_PORT"
echo "fleet-sim: registry $REG, redis 127.0.0.1:$REDIS_PORT"

# --- images --------------------------------------------------------------------------------
LAB="${LAB:-$HOME/drydock-lab}"
if [ -d "$LAB/images/dir-gzip" ] && [ -n "$(ls -A "$LAB/images/dir-gzip" 2>/dev/null)" ]; then
    echo "fleet-sim: pushing the lab images from $LAB/images/dir-gzip"
    for d in "$LAB/images/dir-gzip"/*/; do
        name="$(basename "$d")"
        skopeo copy --quiet --dest-tls-verify=false "dir:$d" "docker://$REG/lab/$name:1.0"
    done
else
    echo "fleet-sim: no lab images under $LAB; generating $IMAGES images"
    python3 - "$WORK/layouts" "$IMAGES" <<'PY'
import hashlib, io, json, os, random, sys, tarfile, gzip
out, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(20261208)
def blob(root, data):
    d = hashlib.sha256(data).hexdigest()
    p = os.path.join(root, "blobs", "sha256"); os.makedirs(p, exist_ok=True)
    with open(os.path.join(p, d), "wb") as f: f.write(data)
    return "sha256:" + d
def layer(files):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=tarfile.PAX_FORMAT) as t:
        for path, data in files:
            i = tarfile.TarInfo(path); i.size = len(data); i.mtime = 0; i.mode = 0o644
            t.addfile(i, io.BytesIO(data))
    raw = b.getvalue()
    return raw, gzip.compress(raw, compresslevel=1, mtime=0)
def text(k):  # compressible, varied text like a distribution's files
    words = ["alpha", "beta", "config", "library", "shared", "object", "usr", "lib", "value", "enable"]
    return " ".join(rnd.choice(words) for _ in range(k)).encode()
# One base layer shared by every image (~60 MB), one "runtime" layer shared by half.
base = layer([(f"usr/lib/pkg{i}/file{j}.txt", text(2000)) for i in range(60) for j in range(50)])
runtime = layer([(f"opt/runtime/mod{i}.py", text(1500)) for i in range(800)])
for k in range(n):
    root = os.path.join(out, f"app{k}"); os.makedirs(root, exist_ok=True)
    own = [(f"app/src/file{i}.js", text(800)) for i in range(200)]
    if k % 3 == 0:
        own.append(("app/.env", b"AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nAWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"))
    if k % 4 == 1:
        own.append(("root/.ssh/id_rsa", b"-----BEGIN OPENSSH PRIVATE KEY-----\n" + hashlib.sha512(str(k).encode()).hexdigest().encode() * 8 + b"\n-----END OPENSSH PRIVATE KEY-----\n"))
    layers = [base] + ([runtime] if k % 2 == 0 else []) + [layer(own)]
    descs = [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": blob(root, gz), "size": len(gz)} for _, gz in layers]
    config = json.dumps({"architecture": "amd64", "os": "linux",
        "config": {"User": "10001" if k % 2 else "", "Cmd": ["/app/run"]},
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(raw).hexdigest() for raw, _ in layers]},
        "history": [{"created_by": f"layer {i}"} for i in range(len(layers))]}).encode()
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": blob(root, config), "size": len(config)},
        "layers": descs}).encode()
    index = {"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": blob(root, manifest), "size": len(manifest), "annotations": {"org.opencontainers.image.ref.name": "1.0"}}]}
    with open(os.path.join(root, "index.json"), "w") as f: json.dump(index, f)
    with open(os.path.join(root, "oci-layout"), "w") as f: f.write('{"imageLayoutVersion":"1.0.0"}')
PY
    for d in "$WORK/layouts"/*/; do
        name="$(basename "$d")"
        skopeo copy --quiet --dest-tls-verify=false "oci:$d:1.0" "docker://$REG/fleet/$name:1.0"
    done
    rm -rf "$WORK/layouts"
fi

# --- targets ---------------------------------------------------------------------------------
"$DRYDOCK" registry list --tls-verify=false --page-size 5 "$REG" > "$WORK/targets.txt"
TOTAL="$(wc -l < "$WORK/targets.txt")"
echo "fleet-sim: $TOTAL images listed by \`drydock registry list\`"
[ "$TOTAL" -gt 0 ] || die "the registry lists no image"

CACHE=()
if "$DRYDOCK" scan --help | grep -q -- '--cache '; then
    CACHE=(--cache "redis://127.0.0.1:$REDIS_PORT/0")
else
    echo "fleet-sim: NOTE: this drydock has no --cache flag (the layer cache is not in this build):"
    echo "fleet-sim: NOTE: the shards run without a shared cache and the night-2 speed-up is NOT checked."
fi

# Vulnerability matching re-runs every night against the current advisories; give a database
# with SIM_DB=path/osv.sqlite to include it (same file for every run), else it is left out.
VULN=(--no-vulns)
if [ -n "${SIM_DB:-}" ]; then VULN=(--db "$SIM_DB"); fi
COMMON=(scan --tls-verify=false --format json --fail-on none --no-progress "${VULN[@]}" --targets-file "$WORK/targets.txt")
now() { python3 -c 'import time; print(time.monotonic())'; }

# 1. the reference: one process, no shared cache, its own empty cache directory.
XDG_CACHE_HOME="$WORK/xdg-single" "$DRYDOCK" "${COMMON[@]}" --output-dir "$WORK/single" \
    || [ $? -eq 1 ] || die "single-process run failed"

night() {
    local n="$1" pids=() i
    for i in $(seq 0 $((SHARDS - 1))); do
        # Each shard a process of its own with an empty local cache: only Redis is shared.
        XDG_CACHE_HOME="$WORK/xdg-night$n-shard$i" "$DRYDOCK" "${COMMON[@]}" "${CACHE[@]}" \
            --shard "$i/$SHARDS" --output-dir "$WORK/night$n/shard-$i" 2>"$WORK/night$n-shard$i.err" &
        pids+=($!)
    done
    for p in "${pids[@]}"; do
        wait "$p" || { rc=$?; [ "$rc" -eq 1 ] || { cat "$WORK"/night"$n"-shard*.err >&2; die "night $n: a shard exited $rc"; }; }
    done
}

[ ${#CACHE[@]} -gt 0 ] && redis-cli -p "$REDIS_PORT" flushall >/dev/null
T0="$(now)"; night 1; T1="$(now)"
night 2; T2="$(now)"

python3 - "$WORK" "$SHARDS" "$T0" "$T1" "$T2" "${#CACHE[@]}" <<'PY'
import json, os, sys
work, shards, t0, t1, t2, cached = sys.argv[1], int(sys.argv[2]), *map(float, sys.argv[3:6]), int(sys.argv[6])
targets = [l.strip() for l in open(os.path.join(work, "targets.txt")) if l.strip()]
def norm(findings):
    return sorted(json.dumps(f, sort_keys=True) for f in findings)
def load(d):
    s = json.load(open(os.path.join(d, "summary.json")))
    out = {}
    for e in s["targets"]:
        r = json.load(open(os.path.join(d, e["report"])))
        out[e["target"]] = (e, norm(r["findings"]))
    return out
single = load(os.path.join(work, "single"))
fail = []
if sorted(single) != sorted(targets):
    fail.append("the single-process run did not scan every listed image")
for night in (1, 2):
    seen = {}
    for i in range(shards):
        for t, v in load(os.path.join(work, f"night{night}", f"shard-{i}")).items():
            if t in seen:
                fail.append(f"night {night}: {t} scanned twice")
            seen[t] = v
    missing = set(targets) - set(seen)
    if missing:
        fail.append(f"night {night}: not scanned: {sorted(missing)}")
    for t, (e, f) in seen.items():
        if e["errors"]:
            fail.append(f"night {night}: {t}: {e['errors']}")
        if t in single and single[t][1] != f:
            fail.append(f"night {night}: {t}: findings differ from the single-process run")
    total = sum(len(f) for _, f in seen.values())
    print(f"fleet-sim: night {night}: {len(seen)} images in {shards} shards, {total} findings, "
          f"union equal to the single-process run: {'yes' if not any(m.startswith(f'night {night}') for m in fail) else 'NO'}")
n1, n2 = t1 - t0, t2 - t1
ratio = n1 / n2 if n2 > 0 else float("inf")
print(f"fleet-sim: night 1 (cold cache) {n1:.2f} s, night 2 (warm cache) {n2:.2f} s: {ratio:.1f}x faster")
if cached and ratio < 5:
    fail.append(f"night 2 only {ratio:.1f}x faster than night 1 (want >= 5x)")
if not cached:
    print("fleet-sim: (no --cache in this build: the speed-up is not judged)")
for m in fail:
    print("fleet-sim: FAIL:", m, file=sys.stderr)
sys.exit(1 if fail else 0)
PY
echo "fleet-sim: OK"
