import dev.externref.engine.DropFunction
import dev.externref.engine.ExternrefProcessor
import dev.externref.maven.BuildLog
import dev.externref.maven.ModuleView

import java.util.zip.ZipFile

// The extension's own dependency resolution may warn about POMs a mirror lacks; nothing may
// warn about the plugin.
BuildLog.assertNoWarningsNaming(basedir, 'externref')

// build.log holds the seven invocations of invoker.properties one after the other; each ends
// with Maven's "Total time" line.
def builds = new File(basedir, 'build.log').text.split(/(?m)^\[INFO\] Total time:.*$/).toList()
assert builds.size() == 8 : "expected 7 builds in build.log, found ${builds.size() - 1}"
def build = { int n -> builds[n - 1] }
def checksum = { String log ->
    def m = log =~ /SHA-256 checksum \[([0-9a-f]{64})\]/
    assert m.find() : 'no cache checksum in the log'
    m.group(1)
}
def goalRan = { String log ->
    log.contains('--- externref:') && log.contains('(into-jar) @ build-cache ---') && log.contains('(attached) @ build-cache ---')
}
def processedLines = { String log -> (log =~ /externref: 1 module\(s\): 1 processed/).count }

// 1. Nothing cached: both executions process their module; the build is saved.
assert build(1).contains('Local build was not found by checksum')
assert goalRan(build(1)) && processedLines(build(1)) == 2
assert build(1).contains('Saved Build to local file')
def first = checksum(build(1))

// 3. Another hello module (the Rust build): other inputs, so a miss; the goal runs.
assert checksum(build(3)) != first
assert build(3).contains('Local build was not found by checksum')
assert goalRan(build(3)) && processedLines(build(3)) == 2

// 4. -Dexternref.tableName=refs: same inputs as 3, but the cached build's parameters differ.
assert checksum(build(4)) == checksum(build(3))
assert build(4).contains('Plugin parameter mismatch found. Parameter: tableName, expected: externrefs, actual: refs')
assert goalRan(build(4)) && processedLines(build(4)) == 2

// 5. A POM setting (profile no-drop-hook): another effective POM, so a miss; the goal runs.
assert checksum(build(5)) != checksum(build(3))
assert build(5).contains('Local build was not found by checksum')
assert goalRan(build(5)) && processedLines(build(5)) == 2

// 7. Back to the module of build 1 after clean: restored from the cache, the goal did not run.
def last = build(7)
assert checksum(last) == first
assert last.contains("Found cached build, restoring dev.externref.it:build-cache from cache by checksum ${first}")
assert (last =~ /Skipping plugin execution \(cached\): externref:process/).count == 2
assert !last.contains('--- externref:') && processedLines(last) == 0

// The restored outputs are the bytes the engine makes of the raw modules with the same settings.
def hello = new File(itModules, 'hello.wasm').bytes
def poke = new File(itModules, 'poke.wasm').bytes
def expectedHello = ExternrefProcessor.builder().dropFunction(DropFunction.parse('host::released')).build().process(hello).output()
def expectedPoke = ExternrefProcessor.builder().build().process(poke).output()

def jar = new File(basedir, 'target/build-cache-1.0.jar')
assert jar.isFile() : 'the main artifact was not restored'
new ZipFile(jar).withCloseable { zip ->
    def entry = zip.getEntry('wasm/hello.wasm')
    assert entry != null : 'the restored jar holds no wasm/hello.wasm'
    def restored = zip.getInputStream(entry).bytes
    assert restored == expectedHello
    assert ModuleView.of(restored).importSignature('host', 'released') == '(externref) -> ()'
}
def attached = new File(basedir, 'target/processed/wasm/poke.wasm')
assert attached.isFile() : 'the attached module was not restored'
assert attached.bytes == expectedPoke
assert ModuleView.of(attached.bytes).exportedTables() == ['externrefs']

// The cache recorded the attached module as an artifact with its classifier.
def records = []
new File(basedir, 'build-cache-store').eachFileRecurse { if (it.name == 'buildinfo.xml') records << it }
def record = records.find { it.path.contains(first) }
assert record != null : "no cache record for ${first}"
assert record.text =~ /(?s)<classifier>externref<\/classifier>\s*<type>wasm<\/type>/
true
