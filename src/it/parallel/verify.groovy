import dev.externref.maven.ModuleView

def log = new File(basedir, 'build.log').text
assert log.contains('Using the MultiThreadedBuilder implementation with a thread count of 2')
['one', 'two'].each { project ->
    ['wasm/hello.wasm', 'wasm/poke.wasm', 'rust/s-cgu1.wasm', 'rust/dev-debug1.wasm'].each { path ->
        def m = ModuleView.of(new File(basedir, "$project/target/$path").bytes)
        assert m.exportedTables() == ['externrefs'] : "$project/$path"
        assert m.importNames().every { !it.startsWith('externref.') } : "$project/$path"
    }
    assert new File(basedir, "$project/target/wasm/plain.wasm").bytes == new File(itModules, 'plain.wasm').bytes
}
assert log.count('externref: 5 module(s): 4 processed, 0 up to date, 1 with nothing to do, 0 skipped') == 2
true
