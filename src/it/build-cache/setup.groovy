// The project's "sources": the raw modules (as a Rust build would leave them, committed here)
// and the build cache configuration the plugin ships (externref-maven-plugin/src/main/build-cache).
import java.nio.file.Files
import java.nio.file.StandardCopyOption

def copy = { File from, File to ->
    to.parentFile.mkdirs()
    Files.copy(from.toPath(), to.toPath(), StandardCopyOption.REPLACE_EXISTING)
}
copy(new File(itModules, 'hello.wasm'), new File(basedir, 'src/main/wasm/hello.wasm'))
copy(new File(itModules, 'poke.wasm'), new File(basedir, 'src/main/wasm/poke.wasm'))
copy(new File(buildCacheConfig), new File(basedir, '.mvn/maven-build-cache-config.xml'))
true
