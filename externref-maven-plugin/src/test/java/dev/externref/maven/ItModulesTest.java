package dev.externref.maven;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The invoker ITs' input modules, {@code src/it/modules/*.wasm}, are committed binaries made
 * from the {@code .wat}/{@code .hex} sources beside them by {@link WasmModules}. This test
 * keeps them in step: it fails when a binary differs from its source, and with
 * {@code -Dexternref.regenerateItModules=true} it writes them:
 * <pre>mvn -pl externref-maven-plugin test -Dtest=ItModulesTest -Dexternref.regenerateItModules=true</pre>
 */
class ItModulesTest {
    static final Path MODULES = Path.of("..", "src", "it", "modules");

    @Test
    void committedModulesMatchTheirSources() throws IOException {
        boolean regenerate = Boolean.getBoolean("externref.regenerateItModules");
        List<Path> sources;
        try (Stream<Path> files = Files.list(MODULES)) {
            sources = files.filter(p -> p.toString().endsWith(".wat") || p.toString().endsWith(".hex")).sorted().toList();
        }
        assertFalse(sources.isEmpty(), "no sources in " + MODULES.toAbsolutePath());
        for (Path source : sources) {
            String name = source.getFileName().toString();
            Path binary = MODULES.resolve(name.substring(0, name.lastIndexOf('.')) + ".wasm");
            byte[] generated = WasmModules.fromFile(source);
            if (regenerate) {
                Files.write(binary, generated);
            }
            assertTrue(Files.exists(binary), binary + " is missing: run with -Dexternref.regenerateItModules=true");
            assertArrayEquals(generated, Files.readAllBytes(binary),
                    binary + " differs from " + name + ": run with -Dexternref.regenerateItModules=true");
        }
    }
}
