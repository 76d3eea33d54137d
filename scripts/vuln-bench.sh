#!/usr/bin/env bash
# Speed checks of drydock-vuln (release build): OSV zip import (~130 MB, 200k advisories,
# target < 30 s), matching 5,000 packages against 200k advisories (target < 1 s), and
# inventory throughput on this machine's files. Exits non-zero when a target is missed.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
cargo run --release --quiet -p drydock-vuln --example vuln-bench
