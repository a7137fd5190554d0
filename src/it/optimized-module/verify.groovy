def log = new File(basedir, 'build.log').text
assert log =~ /externref: target\/wasm\/optimized\.wasm: .*guard/
assert log.contains('wasm-opt')
assert log.contains('(the module was left untouched)')
assert !log.contains('\tat dev.externref')
assert new File(basedir, 'target/wasm/optimized.wasm').bytes == new File(itModules, 'optimized.wasm').bytes
true
