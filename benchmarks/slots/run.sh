#!/usr/bin/env bash
# Slot glue benchmark, AMORTIZED against LINEAR_SCAN, in V8 and on Chicory (see README.md).
#
#   benchmarks/slots/run.sh [v8|chicory|all] [options passed to both runners]
#   options: --sizes 1000,10000,100000  --ops N  --budget-seconds S  --reps R
#
# Builds the engine's test classes (offline: mvn -o), writes the processed guests to
# target/slots-bench/, then runs benchmarks/slots/slots-bench.mjs (V8) and
# dev.externref.engine.slots.SlotBenchmark (Chicory) one after the other.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
which="${1:-all}"
case "$which" in v8|chicory|all) shift || true ;; *) which=all ;; esac
out="$root/target/slots-bench"
mkdir -p "$out"
mvn -B -o -q -pl externref-engine test-compile \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$out/classpath.txt"
cp="$root/externref-engine/target/test-classes:$root/externref-engine/target/classes:$(cat "$out/classpath.txt")"
java -cp "$cp" dev.externref.engine.slots.SlotBenchmark --write-modules "$out"
if [ "$which" != chicory ]; then
  echo "== V8"
  node "$root/benchmarks/slots/slots-bench.mjs" "$out/amortized.wasm" "$out/linear-scan.wasm" "$@"
fi
if [ "$which" != v8 ]; then
  echo "== Chicory"
  java -cp "$cp" dev.externref.engine.slots.SlotBenchmark "$@"
fi
