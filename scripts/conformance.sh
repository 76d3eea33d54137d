#!/usr/bin/env bash
# Parser conformance against BuildKit (issue 2, "Must show"): compares `drydock parse` output
# with BuildKit's on ../shared/corpus (562 real Dockerfiles with ref-parse.json, BuildKit's
# own parser testfiles and negative cases) and prints the score. Fails below 99.5%.
#   scripts/conformance.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d ../shared/corpus ]; then
  echo "!!! ../shared/corpus not found: parser conformance NOT checked" >&2
  exit 0
fi
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/drydock/target}"
out=$(cargo test --quiet -p drydock-dockerfile --test conformance -- --nocapture --test-threads=1 2>&1) || {
  echo "$out"
  echo "parser conformance FAILED" >&2
  exit 1
}
echo "$out" | grep -oE '(DIFF|conformance:|parsed [0-9]+ corpus|buildkit testfiles:|buildkit negative testfiles:).*' || true
echo "$out" | grep -E '^test result:'
