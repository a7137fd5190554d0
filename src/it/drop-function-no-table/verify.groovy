import dev.externref.maven.ModuleView

def hello = ModuleView.of(new File(basedir, 'target/wasm/hello.wasm').bytes)
assert hello.exportedTables() == []
assert hello.module().tables().size() == 1 : 'the table exists, it is just not exported'
assert hello.importNames().contains('host.released')
assert hello.importSignature('host', 'released') == '(externref) -> ()'
assert hello.exportSignature('welcome') == '(externref) -> externref'
true
