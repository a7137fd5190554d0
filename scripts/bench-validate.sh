#!/usr/bin/env bash
# Single-threaded processing beside V8's WebAssembly.validate of the same modules, in one run:
# every npm module (scripts/fetch-npm-modules.sh --all) made into processor input, validated
# warm by the running Node (scripts/validate-time.mjs) before and after the processor's warm
# single-threaded runs (ProcessTimes); the better of the two validate times is the reference.
# Times are wall time and CPU time of the working thread (Node: of the process, as V8 validates
# on several threads), best of RUNS (default 10); on a busy machine CPU time is the steadier.
# Needs the built jars (mvn -B package -DskipTests) and Node.
#
#   bash scripts/bench-validate.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
bench=externref-benchmarks/target/benchmarks.jar
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
modules=$(find target/npm-modules -name '*.wasm' | sort)
java -cp "$bench" dev.externref.benchmarks.PrepareInputs "$work/in" $modules
node scripts/validate-time.mjs --runs "$runs" "$work"/in/*.wasm > "$work/validate1"
java -Xms2g -Xmx2g -cp "$bench" dev.externref.benchmarks.ProcessTimes --runs "$runs" "$work"/in/*.wasm > "$work/process"
node scripts/validate-time.mjs --runs "$runs" "$work"/in/*.wasm > "$work/validate2"

printf '%-38s %7s %12s %12s %9s %12s %12s %9s\n' module MB "validate cpu" "process cpu" "per cpu" "validate ms" "process ms" "wall"
join <(sort "$work/validate1") <(sort "$work/validate2") | join - <(sort "$work/process") | awk '
  $4 == "does" { printf "%-38s %7s %12s\n", $1, $2, "not valid here"; next }
  {
    # first validate run: $4 cpu, $6 wall; second: $12 cpu, $14 wall; processing: $20 cpu, $22 wall
    vc = ($4 < $12) ? $4 : $12; vw = ($6 < $14) ? $6 : $14
    printf "%-38s %7s %12.1f %12.1f %8.2fx %12.1f %12.1f %8.2fx\n", $1, $2, vc, $20, vc / $20, vw, $22, vw / $22
  }'
echo "per cpu, wall: validate's time / processing's time (above 1: processing is faster). V8 validates on"
echo "several threads (its CPU time is above its wall time on an idle machine); processing here uses one."
echo "Node $(node --version), $(java -version 2>&1 | head -1)"
