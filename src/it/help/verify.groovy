def log = new File(basedir, 'build.log').text
def process = log.substring(log.indexOf('externref:process'))
// Every parameter is documented, with its user property (all but the structured <modules>).
['attach', 'classifier', 'dropFunction', 'excludes', 'failIfNoModules', 'includes', 'inputDirectory',
 'outputDirectory', 'skip', 'tableName', 'useDefaultExcludes', 'excludeForeignDirectories',
 'wasmOpt', 'wasmOptExecutable'].each { name ->
    assert process =~ /(?m)^    ${name}( \(Default: [^)]*\))?\R      \S/ : "parameter $name"
    assert process.contains("User property: externref.$name") : "user property of $name"
}
assert process =~ /(?m)^    modules\R      Per-module settings/
assert process.contains('tableName (Default: externrefs)')
true
