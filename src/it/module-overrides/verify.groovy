import dev.externref.maven.BuildLog
import dev.externref.maven.ModuleView

// No warning, under any Maven (under 3.9 and 4 with plugin validation VERBOSE).
BuildLog.assertNoWarnings(basedir)

def hello = ModuleView.of(new File(basedir, 'target/wasm/hello.wasm').bytes)
assert hello.exportedTables() == ['hello_refs']
assert hello.importSignature('host', 'released') == '(externref) -> ()'

def poke = ModuleView.of(new File(basedir, 'target/wasm/poke.wasm').bytes)
assert poke.exportedTables() == []
assert poke.importSignature('env', 'gone') == '(externref) -> ()'
assert !poke.importNames().contains('host.released')

assert new File(basedir, 'target/wasm/plain.wasm').bytes == new File(itModules, 'plain.wasm').bytes
def log = new File(basedir, 'build.log').text
assert log.contains('[INFO] target/wasm/plain.wasm: skipped (<modules> entry sets <skip>)')
assert log.contains('2 processed, 0 up to date, 0 with nothing to do, 1 skipped')
true
