def log = new File(basedir, 'build.log').text
assert log.contains('is wasm-opt version 108')
assert log.contains('binaryen versions before 110 write the export of the externref table with the index of table 0')
assert log.contains('npm install binaryen@132.0.0')
assert !log.contains('\tat ')
// Refused before processing: every module is still what rustc wrote.
['release', 's-cgu1', 'z-lto'].each { name ->
    assert new File(basedir, "target/rust/${name}.wasm").bytes == new File(itFixtures, "${name}.wasm").bytes : name
}
true
