#!/usr/bin/env bash
# Speed checks of drydock-vuln (release build):
#  1. OSV zip import (~130 MB, 200k advisories, target < 30 s), matching 5,000 packages
#     against 200k advisories (target < 1 s), inventory throughput on this machine's files;
#  2. "inventory plus matching adds less than 10% to the scan of the ~1 GB lab image":
#     `drydock scan` of $LAB/images/oci/large-python-jdk with and without --no-vulns,
#     against a 200,000-advisory database in which the image's own Debian packages have
#     advisories (built from the image's SBOM), compared by CPU time (user+sys) over
#     $RUNS alternating runs (the machine may be shared; wall time is printed too).
# Exits non-zero when a target is missed. Skips part 2 when the lab is not built.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
LAB="${LAB:-$HOME/drydock-lab}"
RUNS="${RUNS:-5}"
cargo build --release --quiet -p drydock -p drydock-vuln --example vuln-bench
BENCH="$CARGO_TARGET_DIR/release/examples/vuln-bench"
DRYDOCK="$CARGO_TARGET_DIR/release/drydock"
status=0
"$BENCH" || status=1

IMG="$LAB/images/oci/large-python-jdk"
if [ ! -d "$IMG" ]; then
  echo "!!! SKIPPED scan overhead: $IMG not found (build the lab with ../shared/lab/rebuild-all.sh) !!!" >&2
  exit $status
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$DRYDOCK" sbom --format cyclonedx-json "oci:$IMG" > "$tmp/sbom.json"
"$BENCH" realistic-zip "$tmp/sbom.json" "$tmp/image.zip"
"$BENCH" synthetic-zip "$tmp/all.zip"
"$DRYDOCK" db import --db "$tmp/osv.sqlite" --ecosystem Synthetic "$tmp/all.zip" | tail -1
"$DRYDOCK" db import --db "$tmp/osv.sqlite" --ecosystem Debian "$tmp/image.zip" | tail -1
scan() { # label, extra args... ; prints "cpu wall"
  local label=$1; shift
  /usr/bin/time -f "%U %S %e" -o "$tmp/time" \
    "$DRYDOCK" scan --offline --fail-on none --format json --db "$tmp/osv.sqlite" "$@" "oci:$IMG" \
    > "$tmp/$label.json" 2> "$tmp/$label.err" || { cat "$tmp/$label.err" >&2; exit 2; }
  awk '{printf "%.3f %.3f\n", $1 + $2, $3}' "$tmp/time"
}
scan warm --no-vulns > /dev/null # page cache
: > "$tmp/with"; : > "$tmp/without"
for i in $(seq "$RUNS"); do
  scan without --no-vulns >> "$tmp/without"
  scan with >> "$tmp/with"
done
vulns=$(grep -c '"rule": "VU00[12]"' "$tmp/with.json" || true)
echo "scan of $(basename "$IMG"): $(grep -o 'base image[^;]*' "$tmp/with.err" | head -1)"
python3 - "$tmp/without" "$tmp/with" "$vulns" <<'PY' || status=1
import statistics, sys
def load(p):
    rows = [tuple(map(float, l.split())) for l in open(p) if l.strip()]
    return [r[0] for r in rows], [r[1] for r in rows]
(c0, w0), (c1, w1) = load(sys.argv[1]), load(sys.argv[2])
m0, m1 = statistics.median(c0), statistics.median(c1)
over = (m1 - m0) / m0 * 100
print(f"scan --no-vulns : CPU user+sys median {m0:.2f}s (min {min(c0):.2f}, runs {' '.join(f'{x:.2f}' for x in c0)}), wall median {statistics.median(w0):.2f}s")
print(f"scan with vulns : CPU user+sys median {m1:.2f}s (min {min(c1):.2f}, runs {' '.join(f'{x:.2f}' for x in c1)}), wall median {statistics.median(w1):.2f}s, {sys.argv[3]} vulnerability findings")
print(f"inventory + matching overhead: {over:+.1f}% CPU (median), {(min(c1)-min(c0))/min(c0)*100:+.1f}% (min) (target < 10%) {'OK' if over < 10 else 'TOO SLOW'}")
sys.exit(0 if over < 10 else 1)
PY
exit $status
