def log = new File(basedir, 'build.log').text
// Three builds (test, verify, install), each running the consumer's test on the processed module.
def runs = (log =~ /Tests run: 1, Failures: 0, Errors: 0, Skipped: 0/).count
assert runs >= 3 : "consumer tests ran $runs times"
assert !log.contains('Could not find artifact')
assert log.contains('consumer test runs ' + new File(basedir, 'producer/target/wasm/hello.wasm').canonicalPath)
def installed = new File(localRepositoryPath, 'dev/externref/it/reactor-producer/1.0/reactor-producer-1.0-externref.wasm')
assert installed.isFile()
assert installed.bytes == new File(basedir, 'producer/target/wasm/hello.wasm').bytes
true
