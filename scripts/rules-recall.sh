#!/usr/bin/env bash
# Held-out Dockerfile / Compose / Kubernetes cases, labelled with Hadolint, Checkov, KICS,
# kube-score and CIS check ids, run through `drydock scan`: per-check caught / flagged rates.
# Usage: scripts/rules-recall.sh [-v] [--keep DIR] [--json FILE]
# Binary: $DRYDOCK, else target/release/drydock. Needs python3 (stdlib only).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export DRYDOCK="${DRYDOCK:-$here/../target/release/drydock}"
cd "$here"
exec python3 -m rules_recall "$@"
