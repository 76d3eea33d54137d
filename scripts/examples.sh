#!/usr/bin/env bash
# Runs drydock on the bundled examples the way the README's first command does, and checks
# the exit codes: findings in examples/webapp (1), none at or above high in examples/hardened (0).
set -uo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/drydock/target}"
# The debug build is what `cargo test` already made; the README uses --release for speed.
cargo build --quiet -p drydock || exit 2
bin="$CARGO_TARGET_DIR/debug/drydock"
"$bin" scan examples/ --no-color > /tmp/drydock-examples.txt; rc=$?
if [ "$rc" -ne 1 ]; then echo "examples: expected exit 1 (findings), got $rc" >&2; exit 1; fi
"$bin" scan examples/hardened --no-color -q > /dev/null; rc=$?
if [ "$rc" -ne 0 ]; then echo "examples/hardened: expected exit 0, got $rc" >&2; exit 1; fi
echo "examples: ok ($(grep -c '^[a-z]*\[' /tmp/drydock-examples.txt) findings in examples/, none at or above high in examples/hardened)"
