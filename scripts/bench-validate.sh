#!/usr/bin/env bash
# Single-threaded processing beside V8's WebAssembly.validate of the same modules, in one run:
# every npm module (scripts/fetch-npm-modules.sh --all) made into processor input, validated
# warm by the running Node (scripts/validate-time.mjs) before and after the processor's warm
# single-threaded runs (ProcessTimes); the better of the two validate times is the reference.
# V8 is timed twice over: as Node runs it (on several threads) and confined to one thread
# (node --single-threaded, V8's own flag). Times are wall time and CPU time of the working
# thread (Node: of the process), best of RUNS (default 10); on a busy machine CPU time is the
# steadier. A last column sets the engine as the command line and the plugin run it (code
# sections over 4 MB written on all cores) beside V8 as Node runs it: all cores against all cores.
# Each side is timed twice, before and after the other, and keeps the better run: this machine's
# speed drifts within minutes. The JVM's heap is touched at start (-XX:+AlwaysPreTouch), as a
# long-running JVM's is: otherwise every module's output buffer lands on pages never touched
# before, and their page faults (about 0.5 ms per MB here) are timed as processing.
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
# V8 as Node runs it (validation on several threads), and confined to one thread
# (--single-threaded), each before and after the processor's runs; the processor on one
# thread and on all cores, each twice between them.
java_opts="-Xms2g -Xmx2g -XX:+AlwaysPreTouch"
process() { # OUT [ProcessTimes options]
    local out=$1
    shift
    java $java_opts -cp "$bench" dev.externref.benchmarks.ProcessTimes --runs "$runs" "$@" "$work"/in/*.wasm > "$out"
}
node scripts/validate-time.mjs --runs "$runs" "$work"/in/*.wasm > "$work/validate1"
node --single-threaded scripts/validate-time.mjs --runs "$runs" "$work"/in/*.wasm > "$work/one1"
process "$work/process1"
process "$work/all1" --threads 0
process "$work/all2" --threads 0
process "$work/process2"
node --single-threaded scripts/validate-time.mjs --runs "$runs" "$work"/in/*.wasm > "$work/one2"
node scripts/validate-time.mjs --runs "$runs" "$work"/in/*.wasm > "$work/validate2"

printf '%-38s %6s %9s %9s %7s %10s %10s %10s %7s %7s %10s %7s\n' module MB "V8 cpu" "proc cpu" "cpu" \
    "V8 ms" "V8 1t ms" "proc ms" "wall" "wall 1t" "all ms" "all"
best() { # the better of two runs (validate-time.mjs or ProcessTimes), per module: name MB cpu wall
    join <(sort "$1") <(sort "$2") | awk '$4 == "does" { print $1, $2, "-", "-"; next }
        { print $1, $2, ($4 < $12 ? $4 : $12), ($6 < $14 ? $6 : $14) }'
}
join <(best "$work/validate1" "$work/validate2") <(best "$work/one1" "$work/one2") \
    | join - <(best "$work/process1" "$work/process2" | awk '{ print $1, $3, $4 }') \
    | join - <(best "$work/all1" "$work/all2" | awk '{ print $1, $4 }') | awk '
  $3 == "-" { printf "%-38s %6s %9s\n", $1, $2, "not valid here"; next }
  {
    # $3 V8 cpu, $4 V8 wall, $6 V8 one-thread cpu, $7 V8 one-thread wall, $8 processing cpu, $9 processing wall,
    # $10 processing wall on all cores
    printf "%-38s %6s %9.1f %9.1f %6.2fx %10.1f %10.1f %10.1f %6.2fx %6.2fx %10.1f %6.2fx\n", $1, $2, $3, $8, $3 / $8, $4, $7, $9,
        $4 / $9, $7 / $9, $10, $4 / $10
  }'
echo "cpu, wall, wall 1t: V8's time / processing's time (above 1: processing is faster). Processing runs on one"
echo "thread; V8 validates on several as Node runs it (V8 ms), or on one with node --single-threaded (V8 1t ms)."
echo "all: V8 ms / processing as the command line runs it (all ms: code sections over 4 MB on all cores)."
echo "Best of $runs runs each, warm, the better of two such runs per side. Node $(node --version), $(java -version 2>&1 | head -1)"
