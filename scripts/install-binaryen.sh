#!/usr/bin/env bash
# Installs binaryen's wasm-opt from npm into <checkout>/target/binaryen/<version>/ (idempotent):
#   132.0.0  the release the tests optimize processed modules with (its bin/wasm-opt runs on Node)
#   108.0.0  the release Debian ships, which the plugin and the CLI must refuse
#
#   scripts/install-binaryen.sh [VERSION...]     default: 132.0.0 108.0.0
#
# The wasm-opt of a version is then target/binaryen/<version>/node_modules/.bin/wasm-opt.
# Tests find the directory through the build property externref.binaryen; without it they skip
# (CI=true: fail).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(132.0.0 108.0.0)

for version in "${versions[@]}"; do
    dir=$ROOT/target/binaryen/$version
    exe=$dir/node_modules/.bin/wasm-opt
    if [ -x "$exe" ] && "$exe" --version 2>/dev/null | grep -q "version ${version%%.*}\b"; then
        continue
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    npm install --silent --no-audit --no-fund --no-save --ignore-scripts --prefix "$dir" "binaryen@$version" >/dev/null
    "$exe" --version >/dev/null
done
