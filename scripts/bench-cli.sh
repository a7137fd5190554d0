#!/usr/bin/env bash
# The command line as a whole process (JVM start included) against Binaryen's wasm-opt, side by
# side, on every npm module over 10 MB, made into processor input. Needs the full npm set
# (scripts/fetch-npm-modules.sh --all), the built jars (mvn -B package -DskipTests) and
# wasm-opt (apt-get install binaryen). Prints wall time, peak memory and the ratio; best of 3.
set -euo pipefail
cd "$(dirname "$0")/.."
engine=$(ls externref-engine/target/externref-engine-*.jar | grep -v -e sources -e tests | head -1)
bench=externref-benchmarks/target/benchmarks.jar
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
big=$(find target/npm-modules -name '*.wasm' -size +10M | sort)
java -cp "$bench" dev.externref.benchmarks.PrepareInputs "$work/in" $big

best() { # best wall seconds and its peak RSS (MB) of 3 runs of "$@"; "failed -" if the tool fails
  local b=999999 m=0
  for _ in 1 2 3; do
    if ! /usr/bin/time -f '%e %M' -o "$work/t" "$@" >/dev/null 2>&1; then
      echo "failed -"
      return
    fi
    read -r s kb < "$work/t"
    if awk "BEGIN{exit !($s < $b)}"; then b=$s; m=$((kb / 1024)); fi
  done
  echo "$b $m"
}

printf '%-38s %8s %10s %8s %10s %8s %7s\n' module MB "cli s" "cli MB" "wasm-opt s" "opt MB" ratio
for f in "$work"/in/*.wasm; do
  mb=$(awk "BEGIN{printf \"%.1f\", $(stat -c %s "$f") / 1e6}")
  read -r cs cm < <(best java -jar "$engine" -o "$work/out.wasm" "$f")
  read -r ws wm < <(best wasm-opt --all-features "$f" -o "$work/out-opt.wasm")
  if [[ $cs == failed || $ws == failed ]]; then ratio=-; else ratio=$(awk "BEGIN{printf \"%.1fx\", $ws / $cs}"); fi
  printf '%-38s %8s %10s %8s %10s %8s %7s\n' "$(basename "$f")" "$mb" "$cs" "$cm" "$ws" "$wm" "$ratio"
done
