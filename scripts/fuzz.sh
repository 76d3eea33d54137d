#!/usr/bin/env bash
# Coverage-guided fuzzing on stable Rust with AFL++ (Debian's `afl++`): the targets in fuzz/
# are instrumented with rustc's SanitizerCoverage (trace-pc-guard + compare tracing, what
# `cargo afl` uses) and linked with AFL++'s libFuzzer-compatible driver (persistent mode).
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     default: 25 s each, all targets
#
# CI runs it time-boxed (4 targets × 25 s ≈ 2 min); a longer run is the same command with a
# larger budget, e.g. `scripts/fuzz.sh 3600 layer`. Crashes and hangs end up in
# $OUT/<target>/default/{crashes,hangs}; the script fails if there is any, printing how to
# replay them (`$BIN/<target> < file` runs one input). Fix each with a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."

SECS="${1:-25}"
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(dockerfile layer manifest yaml)

if ! command -v afl-fuzz >/dev/null || [ ! -f /usr/lib/afl/libAFLDriver.a ]; then
    echo "fuzz: installing afl++"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends afl++ >/dev/null
fi

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}/fuzz"
OUT="${FUZZ_OUT:-$CARGO_TARGET_DIR/out}"
SEEDS="$CARGO_TARGET_DIR/seeds"
rm -rf "$SEEDS"
python3 scripts/fuzz-seeds.py "$SEEDS"

# Instrumentation as cargo-afl does it; debug assertions and overflow checks stay on.
export RUSTFLAGS="-C passes=sancov-module -C codegen-units=1 \
 -C llvm-args=-sanitizer-coverage-level=3 -C llvm-args=-sanitizer-coverage-trace-pc-guard \
 -C llvm-args=-sanitizer-coverage-prune-blocks=0 -C llvm-args=-sanitizer-coverage-trace-compares \
 --cfg fuzzing"
# An explicit --target keeps the flags away from build scripts and proc macros (they run on
# the host without the AFL runtime).
HOST="$(rustc -vV | sed -n 's/^host: //p')"
(cd fuzz && cargo build --release --quiet --target "$HOST")
BIN="$CARGO_TARGET_DIR/$HOST/release"

export AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_SKIP_BIN_CHECK=1 AFL_QUIET=1
# The walker target has ~100k edges (rustls, zstd, flate2 linked in): above AFL's default map.
export AFL_MAP_SIZE="${AFL_MAP_SIZE:-262144}"
failed=0
for t in "${TARGETS[@]}"; do
    rm -rf "$OUT/$t"
    mkdir -p "$OUT/$t"
    echo "fuzz: $t for ${SECS}s"
    # -t: a case slower than 2 s is a hang; -m none: the targets bound their own memory.
    afl-fuzz -i "$SEEDS/$t" -o "$OUT/$t" -V "$SECS" -t 2000 -m none -- "$BIN/$t" >"$OUT/$t.log" 2>&1 || {
        echo "fuzz: afl-fuzz failed for $t:"; tail -20 "$OUT/$t.log"; failed=1; continue; }
    stats="$OUT/$t/default/fuzzer_stats"
    grep -E '^(execs_done|corpus_count|saved_crashes|saved_hangs) ' "$stats" | tr -s ' ' | paste -sd' '
    n=$(find "$OUT/$t/default/crashes" "$OUT/$t/default/hangs" -type f ! -name README.txt | wc -l)
    if [ "$n" -gt 0 ]; then
        echo "fuzz: $t: $n crashing/hanging inputs in $OUT/$t/default/{crashes,hangs}; replay: $BIN/$t < FILE"
        failed=1
    fi
done
exit $failed
