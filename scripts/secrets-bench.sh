#!/usr/bin/env bash
# Single-thread throughput of the secret engine with all rules enabled (MB/s):
# text without candidates (target >= 1 GB/s) and a mixed corpus of this machine's
# /usr/share, /usr/lib and /etc text files (target >= 300 MB/s).
# Each corpus is measured in its own process, RUNS_PER_CORPUS times (default 5): on a shared
# machine the rate differs more between processes than between runs in one process.
# Usage: scripts/secrets-bench.sh [MB per corpus, default 64]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p drydock-secrets --example secrets_bench
bin="${CARGO_TARGET_DIR:-target}/release/examples/secrets_bench"
mb="${1:-64}"
n="${RUNS_PER_CORPUS:-5}"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs (numbers drop when the machine is busy)"
summary() {
  # min / median / max of the numbers on stdin
  sort -n | awk '{v[NR]=$1} END {printf "min %d, median %d, max %d MB/s over %d runs\n", v[1], v[int((NR+1)/2)], v[NR], NR}'
}
for corpus in prose mixed; do
  rates=()
  for _ in $(seq "$n"); do
    out="$("$bin" "$mb" "$corpus")"
    line="$(grep -E '^(text without candidates|mixed corpus)' <<<"$out")"
    [ "${#rates[@]}" -eq 0 ] && echo "$line"
    rates+=("$(sed -E 's/.*: ([0-9]+) MB\/s wall.*/\1/' <<<"$line")")
  done
  label=$([ "$corpus" = prose ] && echo "text without candidates" || echo "mixed corpus")
  echo "$label: $(printf '%s\n' "${rates[@]}" | summary)"
done
