import dev.externref.maven.ModuleView

// build.log is the second build's: the module, processed in place by the first build, is
// processed again from the original the plugin kept, under the new table name.
def log = new File(basedir, 'build.log').text
assert log.contains('[INFO] target/wasm/hello.wasm: processed again from its original')
assert ModuleView.of(new File(basedir, 'target/wasm/hello.wasm').bytes).exportedTables() == ['refs']
// A module without __externrefs is "nothing to do" under any settings, without a warning.
assert log.contains('[INFO] target/wasm/plain.wasm: nothing to do')
assert !log.contains('[WARNING] target/wasm/')
assert log.contains('[INFO] externref: 2 module(s): 1 processed, 0 up to date, 1 with nothing to do, 0 skipped')
assert new File(basedir, 'target/wasm/plain.wasm').bytes == new File(itModules, 'plain.wasm').bytes
true
