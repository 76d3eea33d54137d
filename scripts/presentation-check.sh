#!/usr/bin/env bash
# Measures the presentation bars of issue 14 on the shared corpus (figures in
# docs/output-formats.md, "Measured"):
#  - table view: at most one line per finding plus a summary;
#  - default text view: lines per finding against Hadolint's on the same Dockerfiles;
#  - HTML of 5,000 findings: size and render time (the Chromium test prints both).
# Usage: scripts/presentation-check.sh [CORPUS]   (default /work/shared/corpus)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-/work/shared/corpus}
cargo build -q -p drydock
bin=${CARGO_TARGET_DIR:-target}/debug/drydock
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Every scanned target, every finding (JSON) for the counts the views must account for.
"$bin" scan --no-vulns --format json "$corpus" >"$tmp/all.json" 2>/dev/null || true
findings=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$tmp/all.json")
"$bin" scan --no-vulns --format table "$corpus" >"$tmp/table.txt" 2>/dev/null || true
table_lines=$(wc -l <"$tmp/table.txt")
echo "corpus: $findings findings (json)"
echo "table view: $table_lines lines = $findings rows + $((table_lines - findings)) other (header, package groups, summary)"
[ "$table_lines" -le $((findings + 60)) ] || echo "  FAIL: more than one line per finding plus a summary"

# Text view vs Hadolint, on the Dockerfiles only (Hadolint reads nothing else).
find "$corpus" -type f \( -name 'Dockerfile*' -o -name 'Containerfile*' -o -name '*.Dockerfile' \) \
    | sort >"$tmp/dockerfiles"
n=$(wc -l <"$tmp/dockerfiles")
xargs -d '\n' "$bin" scan --no-vulns --color never --format json <"$tmp/dockerfiles" >"$tmp/df.json" 2>/dev/null || true
df_findings=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$tmp/df.json")
xargs -d '\n' "$bin" scan --no-vulns --color never <"$tmp/dockerfiles" >"$tmp/text.txt" 2>/dev/null || true
text_lines=$(wc -l <"$tmp/text.txt")
echo "text view of $n Dockerfiles: $text_lines lines for $df_findings findings"
if command -v hadolint >/dev/null; then
    xargs -d '\n' hadolint --no-fail --no-color <"$tmp/dockerfiles" >"$tmp/hadolint.txt" 2>&1 || true
    h=$(wc -l <"$tmp/hadolint.txt")
    echo "hadolint $(hadolint --version | grep -o '[0-9.]*' | head -1): $h lines (one line per finding)"
    python3 - "$text_lines" "$h" <<'PY'
import sys
t, h = int(sys.argv[1]), int(sys.argv[2])
print(f"text/hadolint line ratio: {t / h:.2f} (bar: <= 3)")
if t > 3 * h:
    print("  FAIL: text view is more than 3x Hadolint's line count")
PY
else
    # The issue's figure: Hadolint printed 62 lines for 22 Dockerfiles (97 of our findings).
    echo "hadolint not installed: compare lines per finding with the issue's 62/97 = 0.64"
    python3 -c "import sys; print(f'text lines per finding: {$text_lines/max($df_findings,1):.2f} (bar: <= {3*62/97:.2f})')"
fi

echo "HTML of 5,000 findings (size and render time):"
cargo test -q -p drydock-report --test html_chromium five_thousand -- --nocapture 2>&1 \
    | grep -E "HTML report of|render time|SKIPPED|panicked" || true
