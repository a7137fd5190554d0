#!/usr/bin/env bash
# The command line's whole-process time on small modules: `java -jar` against the
# distribution's bin/externref (class-data-sharing archive, C1 for inputs up to 16 MB), with the
# JVM's own start (java -version) and a file copy as references, in one hyperfine run per module.
# BASELINE_JAR adds `java -jar` of another build of the engine jar (an older commit's, say) to
# the same run.
#
#   mvn -B package -DskipTests && bash scripts/fetch-npm-modules.sh
#   apt-get install hyperfine
#   [BASELINE_JAR=old/externref-engine.jar [ROUNDS=40]] bash scripts/bench-cli-startup.sh [MODULE.wasm ...]
#   # default modules: sql-wasm.wasm resvg.wasm; RUNS: hyperfine's runs per command (20)
#
# Inputs are made processor input first (PrepareInputs, as the other benchmarks do), so every
# run really rewrites the module. Results: target/cli-startup/*.md.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v hyperfine >/dev/null || { echo "bench-cli-startup: needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
work=$PWD/target/cli-startup
rm -rf "$work"
mkdir -p "$work/in" "$work/out"
tar -xzf externref-engine/target/externref-engine-*-bin.tar.gz -C "$work"
dist=$(echo "$work"/externref-*/)
dist=${dist%/}
modules=("$@")
[ ${#modules[@]} -gt 0 ] || modules=(target/npm-modules/sql-wasm.wasm target/npm-modules/resvg.wasm)
java -cp externref-benchmarks/target/benchmarks.jar dev.externref.benchmarks.PrepareInputs "$work/in" "${modules[@]}" >/dev/null

# ROUNDS (with BASELINE_JAR): the baseline, bin/externref and java -version once each per round,
# their order reversed every other round, and the medians; steadier than hyperfine's blocks of
# runs on a machine whose speed drifts. Wall time from bash's $EPOCHREALTIME (no process).
alternate() {
    local in=$1 r c start end
    local names=(baseline bin/externref "java -version")
    local commands=("java -jar $BASELINE_JAR -o $work/out/d.wasm $in" "$dist/bin/externref -o $work/out/b.wasm $in"
        "java -Xshare:auto -version")
    local order=(0 1 2)
    : > "$work/rounds.txt"
    for ((r = 0; r < ROUNDS; r++)); do
        if ((r % 2)); then order=(2 1 0); else order=(0 1 2); fi
        for c in "${order[@]}"; do
            start=$EPOCHREALTIME
            ${commands[c]} > /dev/null 2>&1
            end=$EPOCHREALTIME
            echo "$c ${start/./} ${end/./}" >> "$work/rounds.txt"
        done
    done
    for c in 0 1 2; do
        awk -v c="$c" '$1 == c { print ($3 - $2) / 1000 }' "$work/rounds.txt" | sort -n \
            | awk -v name="${names[c]}" '{ t[NR] = $1 } END { printf "%-15s median %7.1f ms over %d rounds\n", name, t[int((NR + 1) / 2)], NR }'
    done | tee "$work/$(basename "$in" .wasm)-alternating.txt"
    awk 'NR == 1 { b = $3 } NR == 2 { printf "bin/externref / baseline: %.2f\n", $3 / b }' "$work/$(basename "$in" .wasm)-alternating.txt"
}

export EXTERNREF_CACHE_DIR=$work/cache
for m in "${modules[@]}"; do
    in=$work/in/$(basename "$m")
    "$dist/bin/externref" -o "$work/out/warm.wasm" "$in"     # the first run records the archive
    baseline=()
    [ -z "${BASELINE_JAR-}" ] || baseline=(-n "baseline java -jar" "java -jar $BASELINE_JAR -o $work/out/d.wasm $in")
    hyperfine -N --warmup 3 --runs "${RUNS:-20}" --export-markdown "$work/$(basename "$m" .wasm).md" \
        "${baseline[@]}" \
        -n "java -jar" "java -jar $dist/lib/externref.jar -o $work/out/a.wasm $in" \
        -n "bin/externref" "$dist/bin/externref -o $work/out/b.wasm $in" \
        -n "java -version" "java -Xshare:auto -version" \
        -n "cp" "cp $in $work/out/c.wasm"
    cmp "$work/out/a.wasm" "$work/out/b.wasm"
    # A baseline from before commit 8e78fd7 writes another valid output (its plan moves more functions).
    [ -z "${BASELINE_JAR-}" ] || cmp -s "$work/out/a.wasm" "$work/out/d.wasm" \
        || echo "bench-cli-startup: the baseline's output differs from this build's for $(basename "$m")" >&2
    [ "${ROUNDS:-0}" -gt 0 ] && [ -n "${BASELINE_JAR-}" ] && alternate "$in"
done
