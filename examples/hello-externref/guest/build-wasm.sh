#!/usr/bin/env bash
# Builds the guest (this directory's crate) for wasm32-unknown-unknown and writes the module to
# OUT and, if given, over COPY: the Maven build's generate-resources step. Without a usable wasm32
# Rust toolchain it says so and writes nothing (the build then uses the committed
# src/main/wasm/hello.wasm, which the Maven build has already copied to COPY).
#
#   bash guest/build-wasm.sh OUT [COPY]
#
# The toolchain is Debian's rustc-web (apt-get install rustc-web cargo-web rust-web-src lld-22),
# which has no prebuilt wasm32 standard library: core, alloc and compiler_builtins are built once
# from Debian's library sources into a cache (${XDG_CACHE_HOME:-~/.cache}/externref-example/),
# about 40 s on 2 cores. Same flags as the project's fixtures/build.sh, so the module is
# byte-identical to the committed one. rustup users with the wasm32 target installed
# (rustup target add wasm32-unknown-unknown) need none of this: the plain cargo build is used.
set -euo pipefail

OUT=${1:?usage: build-wasm.sh OUT [COPY]}
COPY=${2:-}
GUEST=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TARGET=wasm32-unknown-unknown
CRATE_OUT=$GUEST/target/$TARGET/release/hello_externref_guest.wasm

say() { echo "[hello-externref] $*"; }
fallback() { say "$1: using the committed module src/main/wasm/hello.wasm"; exit 0; }

export LC_ALL=C SOURCE_DATE_EPOCH=0
unset RUSTFLAGS CARGO_BUILD_RUSTFLAGS CARGO_ENCODED_RUSTFLAGS RUSTC_WRAPPER CARGO_TARGET_DIR CARGO_BUILD_TARGET_DIR

build() {
    (cd "$GUEST" && rm -rf target && cargo build --quiet --locked --release --target $TARGET "$@")
    mkdir -p "$(dirname "$OUT")"
    cp "$CRATE_OUT" "$OUT"
    rm -rf "$GUEST/target"
    [ -z "$COPY" ] || cp "$OUT" "$COPY"
}

# Whether the module just built is the committed one, byte for byte.
compared() {
    if cmp -s "$OUT" "$GUEST/../src/main/wasm/hello.wasm"; then
        echo "identical to the committed src/main/wasm/hello.wasm"
    else
        echo "differs from the committed src/main/wasm/hello.wasm (another toolchain or flags)"
    fi
}

# 1. rustup (or any rustc) with a prebuilt wasm32 standard library.
if command -v rustc >/dev/null && [ -d "$(rustc --print sysroot 2>/dev/null)/lib/rustlib/$TARGET" ]; then
    build
    say "built the guest from Rust source with $(rustc -V) (prebuilt $TARGET standard library): $(compared)"
    exit 0
fi

# 2. Debian's rustc-web: build the standard library from its sources once.
export PATH=/usr/bin:$PATH
for tool in rustc cargo rust-lld; do
    command -v $tool >/dev/null || fallback "no wasm32 Rust toolchain ($tool not found)"
done
RUSTC_VV=$(rustc -vV)
COMMIT=$(sed -n 's/^commit-hash: //p' <<<"$RUSTC_VV")
RELEASE=$(sed -n 's/^release: //p' <<<"$RUSTC_VV")
LIBRARY_SRC=/usr/src/rustc-$RELEASE/library
[ -d "$LIBRARY_SRC/vendor" ] || fallback "no wasm32 standard library for $(rustc -V) (Debian: apt-get install rust-web-src)"

# Paths that would otherwise end up in panic locations and debug info.
REMAP=(
    "--remap-path-prefix=$GUEST=/externref-maven/examples/hello-externref/guest"
    "--remap-path-prefix=$LIBRARY_SRC=/rustc/$COMMIT/library"
    "--remap-path-prefix=/usr/lib/rustlib/src/rust=/rustc/$COMMIT"
)
SYSROOT=${EXTERNREF_WASM32_SYSROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/externref-example/sysroot/$COMMIT}
SYSLIB=$SYSROOT/lib/rustlib/$TARGET/lib
if ! ls "$SYSLIB"/libcore-*.rlib >/dev/null 2>&1; then
    say "building the $TARGET standard library for $(rustc -V) once, into $SYSROOT"
    scratch=$(mktemp -d)
    trap 'rm -rf "$scratch"' EXIT
    mkdir -p "$scratch/src" "$scratch/.cargo" "$SYSLIB"
    cat >"$scratch/Cargo.toml" <<'TOML'
[package]
name = "sysroot-scratch"
version = "0.0.0"
edition = "2024"
publish = false

[profile.release]
debug = 1
codegen-units = 1
panic = "abort"
TOML
    cat >"$scratch/.cargo/config.toml" <<TOML
[source.crates-io]
replace-with = "debian-std-vendor"
[source.debian-std-vendor]
directory = "$LIBRARY_SRC/vendor"
[net]
offline = true
TOML
    echo '#![no_std]' >"$scratch/src/lib.rs"
    (cd "$scratch" && RUSTC_BOOTSTRAP=1 RUSTFLAGS="-Cembed-bitcode=yes ${REMAP[*]}" \
        cargo build --quiet --release -Zbuild-std=core,alloc --target $TARGET)
    for lib in core alloc compiler_builtins; do
        cp "$scratch/target/$TARGET/release/deps"/lib$lib-*.rlib "$SYSLIB/"
    done
    ln -sfn /usr/lib/rustlib/x86_64-unknown-linux-gnu "$SYSROOT/lib/rustlib/x86_64-unknown-linux-gnu"
fi
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="--sysroot=$SYSROOT ${REMAP[*]}" build
say "built the guest from Rust source with $(rustc -V): $(compared)"
