// fixtures/modules/release-wasm-opt-Os.wasm: wasm-opt inlined an import wrapper, so a guard
// call is no longer first in its function.
def log = new File(basedir, 'build.log').text
assert log =~ /externref: target\/wasm\/release-wasm-opt-Os\.wasm: .*externref\.guard.* is not at the start of the function/
assert log.contains('wasm-opt')
assert log.contains('(the module was left untouched)')
assert !log.contains('\tat dev.externref')
assert new File(basedir, 'target/wasm/release-wasm-opt-Os.wasm').bytes == new File(itFixtures, 'release-wasm-opt-Os.wasm').bytes
true
