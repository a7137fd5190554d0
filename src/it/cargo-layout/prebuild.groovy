import java.nio.file.Files

// What cargo build --release --target wasm32-unknown-unknown leaves in target/: the module, a hard
// link to it under deps/, build-script output, incremental caches and the profile's lock file.
def module = new File(itFixtures, '../../examples/hello-externref/src/main/wasm/hello.wasm')
def release = new File(basedir, 'target/wasm32-unknown-unknown/release')
new File(release, 'deps').mkdirs()
new File(release, 'build/guest-0123/out').mkdirs()
new File(release, 'incremental/guest-4567').mkdirs()
new File(release, '.cargo-lock').bytes = new byte[0]
new File(release, 'hello_externref_guest.wasm').bytes = module.bytes
Files.createLink(new File(release, 'deps/hello_externref_guest.wasm').toPath(),
        new File(release, 'hello_externref_guest.wasm').toPath())
new File(release, 'build/guest-0123/out/helper.wasm').bytes = module.bytes
new File(release, 'incremental/guest-4567/cache.wasm').bytes = module.bytes
true
