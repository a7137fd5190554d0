import dev.externref.maven.BuildLog

// No warning, under any Maven (under 3.9 and 4 with plugin validation VERBOSE).
BuildLog.assertNoWarnings(basedir)

def log = new File(basedir, 'build.log').text
// The failure names the file and carries the engine's message, without a stack trace.
assert log.contains('externref: 1 of 2 module(s) could not be processed; no module was written:')
assert log =~ /  target\/wasm\/malformed\.wasm: not a well-formed WebAssembly module: .*\(at byte offset \d+\)/
assert !log.contains('\tat dev.externref')
// Nothing was written: the bad module and the good one are as they were.
assert new File(basedir, 'target/wasm/malformed.wasm').bytes == new File(itModules, 'malformed.wasm').bytes
assert new File(basedir, 'target/wasm/hello.wasm').bytes == new File(itModules, 'hello.wasm').bytes
true
