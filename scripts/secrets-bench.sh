#!/usr/bin/env bash
# Single-thread throughput of the secret engine with all rules enabled (MB/s):
# text without candidates (target >= 1 GB/s) and a mixed corpus of this machine's
# /usr/share, /usr/lib and /etc text files (target >= 300 MB/s).
# Usage: scripts/secrets-bench.sh [MB per corpus, default 64]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p drydock-secrets --example secrets_bench
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs (numbers drop when the machine is busy)"
"${CARGO_TARGET_DIR:-target}/release/examples/secrets_bench" "${1:-64}"
