import dev.externref.maven.BuildLog
import dev.externref.maven.ModuleView

// No warning, under any Maven (under 3.9 and 4 with plugin validation VERBOSE).
BuildLog.assertNoWarnings(basedir)

def modules = new File(itModules)
// Inputs untouched.
assert new File(basedir, 'target/wasm/hello.wasm').bytes == new File(modules, 'hello.wasm').bytes
assert new File(basedir, 'target/wasm/sub/poke.wasm').bytes == new File(modules, 'poke.wasm').bytes

// Outputs mirror the paths relative to target/.
def hello = ModuleView.of(new File(basedir, 'target/processed/wasm/hello.wasm').bytes)
assert hello.exportedTables() == ['externrefs']
assert hello.importNames().every { !it.startsWith('externref.') }
def poke = ModuleView.of(new File(basedir, 'target/processed/wasm/sub/poke.wasm').bytes)
assert poke.importSignature('env', 'touch') == '(externref) -> ()'
assert poke.exportSignature('poke') == '(externref) -> ()'

def log = new File(basedir, 'build.log').text
assert log.contains('[INFO] target/wasm/hello.wasm -> target/processed/wasm/hello.wasm: ')
assert log.contains('[INFO] target/wasm/sub/poke.wasm -> target/processed/wasm/sub/poke.wasm: ')
true
