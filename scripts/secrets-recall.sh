#!/usr/bin/env bash
# Held-out secret-detection benchmark: generates a labelled file tree (seeded), runs
# `drydock secrets` on it and prints recall / false hits per provider family and file syntax.
# Usage: scripts/secrets-recall.sh [--seed N] [--mode matrix|rootfs|both] [-v] [--keep DIR]
# Binary: $DRYDOCK, else target/release/drydock. Needs python3 (stdlib only).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export DRYDOCK="${DRYDOCK:-$here/../target/release/drydock}"
cd "$here"
exec python3 -m secrets_recall "$@"
