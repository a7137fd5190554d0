// Needs npm binaryen 132 (scripts/install-binaryen.sh); in CI its absence fails the build instead.
def exe = new File(itBinaryen, '132.0.0/node_modules/.bin/wasm-opt')
if (!exe.canExecute() && System.getenv('CI') != 'true') {
    println "SKIPPED wasm-opt IT: $exe not installed (run bash scripts/install-binaryen.sh)"
    return false
}
true
