import dev.externref.maven.BuildLog
import dev.externref.maven.ModuleView

// No warning, under any Maven (under 3.9 and 4 with plugin validation VERBOSE).
BuildLog.assertNoWarnings(basedir)

// build.log is the second build's.
def log = new File(basedir, 'build.log').text
assert log.contains('[INFO] target/wasm/hello.wasm: up to date')
assert log.contains('[INFO] target/wasm/plain.wasm: up to date')
assert log.contains('[INFO] externref: 2 module(s): 0 processed, 2 up to date, 0 with nothing to do, 0 skipped')
assert ModuleView.of(new File(basedir, 'target/wasm/hello.wasm').bytes).exportedTables() == ['externrefs']
assert new File(basedir, 'target/externref-maven-plugin/default.state').text.contains('module ')
true
