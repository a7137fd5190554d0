import dev.externref.maven.HelloHost

def log = new File(basedir, 'build.log').text
def release = new File(basedir, 'target/wasm32-unknown-unknown/release')
def module = new File(itFixtures, '../../examples/hello-externref/src/main/wasm/hello.wasm')
assert log.contains('[INFO] target/wasm32-unknown-unknown/release/hello_externref_guest.wasm: 3 import(s) and 2 export(s) patched')
assert log.contains('[INFO] externref: 1 module(s): 1 processed, 0 up to date, 0 with nothing to do, 0 skipped')
// The hard link under deps/ still holds what rustc wrote (the module was replaced, not written through).
['deps/hello_externref_guest.wasm', 'build/guest-0123/out/helper.wasm', 'incremental/guest-4567/cache.wasm'].each {
    assert new File(release, it).bytes == module.bytes : it
}
def host = new HelloHost(new File(release, 'hello_externref_guest.wasm').bytes)
assert host.welcome('Ann') == 'Hi'
assert host.events == ['Hi, Ann!', 'released Hi', 'released Ann']
true
