// Needs npm binaryen 108 (scripts/install-binaryen.sh); in CI its absence fails the build instead.
def exe = new File(itBinaryen, '108.0.0/node_modules/.bin/wasm-opt')
if (!exe.canExecute() && System.getenv('CI') != 'true') {
    println "SKIPPED wasm-opt-refused IT: $exe not installed (run bash scripts/install-binaryen.sh)"
    return false
}
true
