import dev.externref.maven.ModuleView
import java.util.jar.JarFile

def jar = new JarFile(new File(basedir, 'target/jar-resources-1.0.jar'))
def bytes = jar.getInputStream(jar.getEntry('wasm/hello.wasm')).bytes
jar.close()
assert ModuleView.of(bytes).exportedTables() == ['externrefs']
assert ModuleView.of(bytes).importNames().every { !it.startsWith('externref.') }
true
