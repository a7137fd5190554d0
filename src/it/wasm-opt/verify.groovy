import dev.externref.engine.format.WasmModule
import dev.externref.maven.HelloHost

// Behaviour after processing and wasm-opt, not only validity: each module runs its whole scenario
// in V8 (fixtures/rust-guest/host.mjs), hello also on Chicory with Java objects.
def log = new File(basedir, 'build.log').text
def hostMjs = new File(itFixtures, '../rust-guest/host.mjs').canonicalPath
['release', 's-cgu1', 'z-lto', 'hello'].each { name ->
    def file = new File(basedir, "target/rust/${name}.wasm")
    def line = (log =~ /\[INFO\] target\/rust\/${name}\.wasm: .*; (\d+) -> (\d+) bytes, wasm-opt -> (\d+) bytes, \d+ ms/)
    assert line.find() : "no wasm-opt line for $name in the log"
    assert (line.group(3) as int) < (line.group(2) as int) : "wasm-opt -Os made $name smaller"
    assert file.length() == (line.group(3) as long)
    assert WasmModule.parse(file.bytes).customSection('__externrefs') == null
    def hook = name == 'hello' ? 'host::released' : 'host::dropped'
    def p = ['node', hostMjs, file.path, '--drop-fn', hook].execute()
    def out = new StringBuilder(), err = new StringBuilder()
    p.waitForProcessOutput(out, err)
    assert p.exitValue() == 0 : "$name after wasm-opt, in V8:\n$out\n$err"
    assert err.toString().contains("PASS ${name}.wasm")
}
assert log.contains('[INFO] externref: 4 module(s): 4 processed, 0 up to date, 0 with nothing to do, 0 skipped')

def host = new HelloHost(new File(basedir, 'target/rust/hello.wasm').bytes)
assert host.welcome('Ann') == 'Hi'
assert host.welcomeAll('Bob', 'Alice') == 8
// In the order of the guest's source: welcome_all drops b, then a.
assert host.events == ['Hi, Ann!', 'released Hi', 'released Ann',
                       'Hi, Bob!', 'released Hi', 'Hello, Alice!', 'released Hello', 'released Alice', 'released Bob']
true
