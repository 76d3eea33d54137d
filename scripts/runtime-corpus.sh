#!/usr/bin/env bash
# Runtime-hardening review of the real Compose files and Kubernetes manifests in
# ../shared/corpus (issue 6, "Must show"): every file parses or gets a clear one-line YAML
# error, the risky settings in each sources.tsv note are caught, `hardened` files have no
# high finding from the hardening rules, commented-out settings never fire. Prints a
# per-rule summary; DRYDOCK_CORPUS_VERBOSE=1 prints every finding.
#   scripts/runtime-corpus.sh
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${DRYDOCK_CORPUS:-../shared/corpus}"
if [ ! -d "$corpus/compose" ]; then
  echo "!!! $corpus not found (set DRYDOCK_CORPUS): runtime corpus NOT checked" >&2
  exit 0
fi
DRYDOCK_CORPUS="$(cd "$corpus" && pwd)"
export DRYDOCK_CORPUS
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/drydock/target}"
out=$(cargo test --quiet -p drydock-runtime --test corpus -- --nocapture --test-threads=1 2>&1) || {
  echo "$out"
  echo "runtime corpus check FAILED" >&2
  exit 1
}
echo "$out" | grep -E '^(runtime corpus|compose/|kubernetes/)' || true
echo "$out" | grep -E '^test result:'
