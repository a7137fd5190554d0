#!/usr/bin/env bash
# Fetches real, large WebAssembly modules from npm packages at pinned versions into
# <checkout>/target/npm-modules/, for tests that read, round-trip and validate them.
#
#   scripts/fetch-npm-modules.sh          the CI-sized subset (rows with ci=yes)
#   scripts/fetch-npm-modules.sh --all    every row of scripts/npm-modules.tsv
#   options: --out DIR (default <checkout>/target/npm-modules), -h/--help
#
# Which file of which package is listed, with its size and sha256, in scripts/npm-modules.tsv.
# Idempotent: a file already present with the recorded sha256 is not fetched again.
# Each package is fetched with `npm pack` into a temporary directory and the listed .wasm
# files are extracted with tar; nothing is installed, no package script runs, and nothing
# outside the output directory is written except npm's own cache.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
LIST="$SCRIPT_DIR/npm-modules.tsv"
OUT="$ROOT/target/npm-modules"
ALL=no

usage() { sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  case "$1" in
    --all) ALL=yes ;;
    --out) [ $# -ge 2 ] || { echo "error: --out needs a directory" >&2; exit 2; }; OUT=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "error: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

for tool in npm tar sha256sum; do
  command -v "$tool" >/dev/null || { echo "error: '$tool' is not on PATH" >&2; exit 1; }
done
[ -r "$LIST" ] || { echo "error: cannot read $LIST" >&2; exit 1; }

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/fetch-npm-modules.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
human() { awk -v n="$1" 'BEGIN { if (n >= 1048576) printf "%.1f MB", n / 1048576; else printf "%.0f KB", n / 1024 }'; }
sha() { sha256sum "$1" | cut -d' ' -f1; }

# The rows to fetch: package version path file size sha256 (header and comments skipped).
ROWS="$TMP/rows.tsv"
awk -F'\t' -v all="$ALL" 'NR > 1 && $0 !~ /^#/ && NF >= 7 && (all == "yes" || $7 == "yes") { print $1 "\t" $2 "\t" $3 "\t" $4 "\t" $5 "\t" $6 }' "$LIST" > "$ROWS"
[ -s "$ROWS" ] || { echo "error: no rows selected from $LIST" >&2; exit 1; }

# Packages that still have a missing or wrong file, in list order.
declare -A NEEDED=()
ORDER=()
while IFS=$'\t' read -r pkg ver path file size sum; do
  target="$OUT/$file"
  if [ -f "$target" ] && [ "$(stat -c %s "$target")" = "$size" ] && [ "$(sha "$target")" = "$sum" ]; then
    continue
  fi
  key="$pkg@$ver"
  if [ -z "${NEEDED[$key]+x}" ]; then NEEDED[$key]=1; ORDER+=("$key"); fi
done < "$ROWS"

FAILED=0
FETCHED=0
START=$(now)
for key in "${ORDER[@]}"; do
  pkg=${key%@*}; ver=${key##*@}
  dir="$TMP/pack/$(echo "$key" | tr '/@' '__')"
  mkdir -p "$dir/x"
  t0=$(now)
  if ! npm pack "$key" --pack-destination "$dir" --ignore-scripts --loglevel=error > "$dir/npm.out" 2> "$dir/npm.err"; then
    echo "FAILED  npm pack $key:" >&2
    sed 's/^/        /' "$dir/npm.err" >&2
    FAILED=1
    continue
  fi
  tgz=$(find "$dir" -maxdepth 1 -name '*.tgz' | head -n 1)
  [ -n "$tgz" ] || { echo "FAILED  npm pack $key produced no tarball" >&2; FAILED=1; continue; }
  FETCHED=$((FETCHED + 1))
  echo "fetched $key ($(human "$(stat -c %s "$tgz")") tarball) in $(elapsed "$t0" "$(now)") s"
  while IFS=$'\t' read -r rpkg rver path file size sum; do
    [ "$rpkg@$rver" = "$key" ] || continue
    if ! tar -xzf "$tgz" -C "$dir/x" "$path" 2> "$dir/tar.err"; then
      echo "FAILED  $file: $path is not in the $key tarball: $(cat "$dir/tar.err")" >&2
      FAILED=1
      continue
    fi
    got=$(sha "$dir/x/$path")
    if [ "$got" != "$sum" ]; then
      echo "FAILED  $file: sha256 $got, expected $sum (from $key $path)" >&2
      FAILED=1
      continue
    fi
    cp "$dir/x/$path" "$OUT/.$file.part"
    mv -f "$OUT/.$file.part" "$OUT/$file"
  done < "$ROWS"
  rm -rf "$dir"
done
END=$(now)

TOTAL=0
echo
echo "target: $OUT ($( [ "$ALL" = yes ] && echo 'all modules' || echo 'CI subset'))"
while IFS=$'\t' read -r pkg ver path file size sum; do
  target="$OUT/$file"
  if [ -f "$target" ] && [ "$(sha "$target")" = "$sum" ]; then
    printf '  %-40s %10s  %s@%s\n' "$file" "$(human "$size")" "$pkg" "$ver"
    TOTAL=$((TOTAL + size))
  else
    printf '  %-40s %10s  %s@%s\n' "$file" "MISSING" "$pkg" "$ver"
    FAILED=1
  fi
done < "$ROWS"
echo "  total $(human "$TOTAL"); $FETCHED package(s) downloaded in $(elapsed "$START" "$END") s"
exit "$FAILED"
