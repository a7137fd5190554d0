def log = new File(basedir, 'build.log').text
// Processed before the compiler read it, in the same phase.
def process = log.indexOf(':process (default) @ compile-to-bytecode')
def compile = log.indexOf('chicory-compiler-maven-plugin:1.7.5:compile')
assert process >= 0 && compile > process : 'externref:process runs before the compiler'
assert log.contains('Tests run: 1, Failures: 0, Errors: 0, Skipped: 0')
assert log.contains('compiled: [Hi, 8, trap, Hi, Ann!')
assert log.contains('Compiling classes for it.HelloModule from ' + new File(basedir, 'target/wasm/hello.wasm').canonicalPath)
true
