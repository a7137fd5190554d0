// modules/optimized.wat: an import wrapper inlined (the guard is no longer first) and a
// reference merged with an integer. The engine cannot type that and names the likely cause.
def log = new File(basedir, 'build.log').text
assert log =~ /externref: target\/wasm\/optimized\.wasm: export 'poke' .*is a host reference on some paths and an integer on others/
assert log =~ /The call to externref\.guard at byte offset \d+ is not at the start of the function/
assert log.contains('run the externref processor on the compiler\'s output, before wasm-opt or other optimizers')
assert log.contains('(the module was left untouched)')
assert !log.contains('\tat dev.externref')
assert new File(basedir, 'target/wasm/optimized.wasm').bytes == new File(itModules, 'optimized.wasm').bytes
true
