import dev.externref.maven.ModuleView

def fixtures = new File(itFixtures).listFiles().findAll { it.name.endsWith('.wasm') }.collect { it.name }.sort()
assert fixtures.size() >= 7 && fixtures.contains('release-wasm-opt-Os.wasm')
def log = new File(basedir, 'build.log').text
fixtures.each { name ->
    def m = ModuleView.of(new File(basedir, "target/processed/rust/$name").bytes)
    assert m.importNames().every { !it.startsWith('externref.') } : name
    assert m.exportedTables() == ['externrefs'] : name
    assert m.importSignature('host', 'drop_object') == '(externref) -> ()' : name
    assert log.contains("[INFO] target/rust/$name -> target/processed/rust/$name: ") : name
}
assert log.contains("externref: ${fixtures.size()} module(s): ${fixtures.size()} processed")
true
