#!/usr/bin/env bash
# The CLI distribution as a user gets it: unpacks externref-engine's -bin.tar.gz and -bin.zip
# (built by `mvn package`) and runs bin/externref from each: --help, --version, a real Rust
# module processed twice (the first run records the class-data-sharing archive, the second uses
# it) with output byte-identical to `java -jar`, and a malformed module failing with exit 1.
#
#   bash scripts/cli-dist-check.sh      # after mvn package (or the test command)
set -euo pipefail
cd "$(dirname "$0")/.."

work=$PWD/target/cli-dist-check
rm -rf "$work"
mkdir -p "$work"
shopt -s nullglob
archives=(externref-engine/target/externref-engine-*-bin.tar.gz)
zips=(externref-engine/target/externref-engine-*-bin.zip)
jars=(externref-engine/target/externref-engine-*[0-9T].jar)
if [ ${#archives[@]} -ne 1 ] || [ ${#zips[@]} -ne 1 ] || [ ${#jars[@]} -ne 1 ]; then
    echo "cli-dist-check: expected one -bin.tar.gz, one -bin.zip and one jar in externref-engine/target (run mvn package first)" >&2
    exit 1
fi
mkdir -p "$work/tar"
tar -xzf "${archives[0]}" -C "$work/tar"
mkdir -p "$work/zip"
(cd "$work/zip" && jar xf "$OLDPWD/${zips[0]}")
chmod +x "$work"/zip/*/bin/externref   # jar xf keeps no file modes; unzip would

input=fixtures/modules/release.wasm
java -jar "${jars[0]}" --drop-fn host::released -o "$work/expected.wasm" "$input"

fail() { echo "cli-dist-check: $*" >&2; exit 1; }
for unpacked in "$work"/tar/* "$work"/zip/*; do
    cli=$unpacked/bin/externref
    [ -x "$cli" ] || fail "$cli missing or not executable"
    [ -f "$unpacked/bin/externref.cmd" ] || fail "$unpacked/bin/externref.cmd missing"
    [ -f "$unpacked/lib/externref.jar" ] || fail "$unpacked/lib/externref.jar missing"
    [ -f "$unpacked/LICENSE" ] || fail "$unpacked/LICENSE missing"
    cache=$unpacked/cache
    export EXTERNREF_CACHE_DIR=$cache

    "$cli" --help | grep -q '^Usage: externref' || fail "$cli --help printed no usage"
    "$cli" --version | grep -q '^externref ' || fail "$cli --version printed no version"
    [ -z "$(ls -A "$cache" 2>/dev/null)" ] || fail "--help or --version recorded an archive"

    "$cli" --drop-fn host::released -o "$work/first.wasm" "$input"
    ls "$cache"/*.jsa >/dev/null 2>&1 || fail "the first processing run recorded no class-data-sharing archive in $cache"
    "$cli" --drop-fn host::released -o "$work/second.wasm" "$input"
    cmp -s "$work/expected.wasm" "$work/first.wasm" || fail "$cli output differs from java -jar (first run)"
    cmp -s "$work/expected.wasm" "$work/second.wasm" || fail "$cli output differs from java -jar (with the archive)"

    # An archive recorded on a module with nothing to do (the empty module) still holds every
    # class of the tool: a module with references then loads none of them from the jar.
    rm -f "$cache"/*.jsa
    printf '\0asm\1\0\0\0' > "$work/empty.wasm"
    "$cli" -o "$work/empty-out.wasm" "$work/empty.wasm"
    EXTERNREF_OPTS=-Xlog:class+load=info "$cli" --drop-fn host::released -o "$work/third.wasm" "$input" > "$work/classes.log"
    cmp -s "$work/expected.wasm" "$work/third.wasm" || fail "$cli output differs from java -jar (archive of the empty module)"
    grep -q 'dev.externref.engine.analysis.Analyzer source: shared objects file' "$work/classes.log" \
        || fail "the run with references did not map the analysis from the archive"
    if grep 'dev\.externref' "$work/classes.log" | grep -v 'source: shared objects file' > "$work/unarchived.log"; then
        fail "classes loaded from the jar despite the archive: $(head -3 "$work/unarchived.log")"
    fi

    # A damaged archive must be ignored quietly, not break the command or its output.
    for jsa in "$cache"/*.jsa; do chmod u+w "$jsa"; head -c 4096 /dev/urandom > "$jsa"; done
    "$cli" --drop-fn host::released - < "$input" > "$work/damaged.wasm" 2> "$work/damaged.err"
    cmp -s "$work/expected.wasm" "$work/damaged.wasm" || fail "$cli output differs with a damaged archive"
    [ ! -s "$work/damaged.err" ] || fail "$cli printed with a damaged archive: $(cat "$work/damaged.err")"

    set +e
    printf 'not a module' > "$work/bad.wasm"
    "$cli" "$work/bad.wasm" > /dev/null 2> "$work/bad.err"
    status=$?
    set -e
    [ "$status" -eq 1 ] || fail "$cli on a malformed module exited $status, not 1"
    grep -q 'bad.wasm' "$work/bad.err" || fail "$cli error does not name the file: $(cat "$work/bad.err")"
    echo "cli-dist-check: ${unpacked#"$PWD"/} ok"
done
