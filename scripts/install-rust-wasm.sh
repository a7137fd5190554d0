#!/usr/bin/env bash
# Installs Debian's wasm32-capable Rust toolchain (rustc-web, its cargo, the library sources the
# wasm32 standard library is built from, and the wasm linker), so that the example builds its
# guest from Rust source in the Maven build. Idempotent: does nothing when they are installed.
# Needs root and apt (Debian); see examples/hello-externref/guest/build-wasm.sh.
set -euo pipefail

packages=(rustc-web cargo-web rust-web-src lld-22)
missing=()
for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
for attempt in 1 2 3; do
    if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; then
        exit 0
    fi
    sleep 10   # another apt run holding the lock
done
echo "could not install ${missing[*]}" >&2
exit 1
