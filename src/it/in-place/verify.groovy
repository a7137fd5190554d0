import dev.externref.engine.format.ExternalKind
import dev.externref.engine.format.WasmModule
import dev.externref.maven.BuildLog
import dev.externref.maven.HelloHost

// No warning, under any Maven (under 3.9 and 4 with plugin validation VERBOSE).
BuildLog.assertNoWarnings(basedir)

def hello = new File(basedir, 'target/wasm/hello.wasm')
def plain = new File(basedir, 'target/wasm/plain.wasm')
def log = new File(basedir, 'build.log').text

// Read the processed module's boundary with the engine's reader.
def module = WasmModule.parse(hello.bytes)
def imports = module.imports().collect { "${it.module()}.${it.name()}".toString() }
// In any order: the drop hook, then the last imports, take the surrogates' places (docs/ABI.md).
assert imports.sort(false) == ['host.greet', 'host.name_len', 'host.new_greeting', 'host.released'] : imports
def functionIndex = { String name -> imports.indexOf(name) }
assert module.functionSignature(functionIndex('host.greet')) == '(externref, externref) -> ()'
assert module.functionSignature(functionIndex('host.new_greeting')) == '(i32, i32) -> externref'
assert module.functionSignature(functionIndex('host.released')) == '(externref) -> ()'
def exports = module.exports().collectEntries { [(it.name()): it] }
assert exports.externrefs.kind() == ExternalKind.TABLE
assert module.functionSignature(exports.welcome.index()) == '(externref) -> externref'
assert module.functionSignature(exports.welcome_all.index()) == '(externref, externref) -> i32'
assert module.customSection('__externrefs') == null

// A module without the section is byte for byte what it was.
assert plain.bytes == new File(itModules, 'plain.wasm').bytes

// One line per module, and the summary.
assert log =~ /\[INFO\] target\/wasm\/hello\.wasm: 3 import\(s\) and 2 export\(s\) patched, .*; \d+ -> \d+ bytes, \d+ ms/
assert log.contains('[INFO] target/wasm/plain.wasm: nothing to do (no __externrefs section')
assert log =~ /\[INFO\] target\/rust\/hello\.wasm: 3 import\(s\) and 2 export\(s\) patched, /
assert log.contains('[INFO] externref: 3 module(s): 2 processed, 0 up to date, 1 with nothing to do, 0 skipped')

// Run it: Java objects go in as externrefs and come back out.
def host = new HelloHost(hello.bytes)
assert host.welcome('Ann') == 'Hi'
assert host.welcomeAll('Bob', 'Alice') == 8
assert host.events == ['Hi, Ann!', 'released Hi', 'released Ann',
                       'Hi, Bob!', 'released Hi', 'Hello, Alice!', 'released Hello', 'released Bob', 'released Alice']
assert host.liveCount() == 0

// The same with the Rust guest as rustc built it (the example's hello.wasm). The order of the
// releases inside a call is the compiled code's business: compared as a set per call.
def rust = new HelloHost(new File(basedir, 'target/rust/hello.wasm').bytes)
assert rust.welcome('Ann') == 'Hi'
assert rust.welcomeAll('Bob', 'Alice') == 8
assert rust.events.take(3) == ['Hi, Ann!', 'released Hi', 'released Ann']
assert rust.events.drop(3).sort() == ['Hello, Alice!', 'Hi, Bob!', 'released Alice', 'released Bob', 'released Hello',
                                      'released Hi'].sort()
assert rust.liveCount() == 0
true
