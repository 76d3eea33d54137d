#!/usr/bin/env bash
# `drydock fix --write --offline` on the corpus Dockerfiles (copied to a temporary
# directory; the corpus is never written): findings of fixable rules before and after, new
# findings at medium or above, files that no longer parse. Figures go to docs/fix.md.
#   scripts/fix-bench.sh [DRYDOCK_BINARY] [CORPUS_DIR]
set -euo pipefail
BIN=${1:-target/debug/drydock}
CORPUS=${2:-../shared/corpus/dockerfiles}
WORK=$(mktemp -d /tmp/drydock-fix-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
for d in "$CORPUS"/*/; do
  n=$(basename "$d")
  [ -f "$d/Dockerfile" ] || continue
  mkdir -p "$WORK/$n"
  cp "$d/Dockerfile" "$WORK/$n/Dockerfile"
done
scan() { "$BIN" scan "$WORK" --no-build-context --min-severity info -f json -o "$1" --fail-on critical >/dev/null 2>&1 || true; }
scan "$WORK/before.json"
"$BIN" fix --offline --write "$WORK" >/dev/null 2>"$WORK/fix.log" || true
scan "$WORK/after.json"
bad=0
for f in "$WORK"/*/Dockerfile; do
  "$BIN" parse "$f" >/dev/null 2>&1 || bad=$((bad + 1))
done
"$BIN" rules -f json > "$WORK/rules.json"
python3 - "$WORK/before.json" "$WORK/after.json" "$bad" "$WORK/rules.json" <<'PY'
import json, sys, collections
before, after = (json.load(open(p))["findings"] for p in sys.argv[1:3])
bad = int(sys.argv[3])
rules = json.load(open(sys.argv[4]))
rules = rules.get("rules", rules) if isinstance(rules, dict) else rules
# The rules with a fixer: those whose explanation says "Fixable: yes".
fixable = {r["id"] for r in rules if "Fixable: yes" in r.get("explanation", "")}
registry = {"DF016", "DF017", "DF018"}
def count(fs, ids):
    return sum(1 for f in fs if f["rule"] in ids)
for label, ids in (("all fixable rules", fixable), ("without digest pins (need a registry)", fixable - registry)):
    b, a = count(before, ids), count(after, ids)
    print(f"{label}: {b} -> {a} ({(b - a) / b * 100 if b else 0:.1f} % fewer)")
per = collections.Counter(f["rule"] for f in before if f["rule"] in fixable)
per_after = collections.Counter(f["rule"] for f in after if f["rule"] in fixable)
for r in sorted(per):
    print(f"  {r}: {per[r]} -> {per_after[r]}")
sev = {"critical", "high", "medium"}
def key(f):
    return (f["location"].get("path"), f["rule"])
cb = collections.Counter(key(f) for f in before if f["severity"] in sev)
ca = collections.Counter(key(f) for f in after if f["severity"] in sev)
new = {k: ca[k] - cb[k] for k in ca if ca[k] > cb[k]}
print(f"new findings at medium or above: {sum(new.values())} {sorted(new)[:10]}")
print(f"fixed files that no longer parse: {bad}")
PY
