#!/usr/bin/env bash
# Recall/precision of the secret engine over the labelled set built by
# crates/drydock-secrets/tests/eval.rs (targets: recall >= 98%, <= 2% false findings on hard
# negatives), plus the rule self-check (every rule's examples / negative examples).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --release -p drydock-secrets --test eval -- --nocapture 2>&1 | grep -E "secrets eval|test result|panicked|missed|false-positive"
cargo test --release -p drydock-secrets --lib every_rule_example 2>&1 | grep -E "test result|panicked|rule "
