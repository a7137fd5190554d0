import dev.externref.maven.BuildLog
import dev.externref.maven.ModuleView

// No warning, under any Maven (under 3.9 and 4 with plugin validation VERBOSE).
BuildLog.assertNoWarnings(basedir)

def installed = new File(localRepositoryPath, 'dev/externref/it/attach-classifier/1.0/attach-classifier-1.0-externref.wasm')
assert installed.isFile()
assert installed.bytes == new File(basedir, 'target/processed/wasm/hello.wasm').bytes
assert ModuleView.of(installed.bytes).exportedTables() == ['externrefs']
true
