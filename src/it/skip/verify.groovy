assert new File(basedir, 'target/wasm/hello.wasm').bytes == new File(itModules, 'hello.wasm').bytes
def log = new File(basedir, 'build.log').text
assert log.contains('[INFO] externref: skipping (externref.skip)')
assert !new File(basedir, 'target/externref-maven-plugin').exists()
true
