package dev.externref.maven;

import dev.externref.engine.ExternrefProcessor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plugin uses the engine's API only: the packages its module descriptor exports. Maven runs
 * the plugin on a class path, where every engine package is reachable and module-info.class is
 * ignored; this test holds the plugin's sources to the module's boundary instead.
 */
class EngineApiTest {
    /** An engine package named in source (group 1), before a class name or {@code *}. */
    private static final Pattern ENGINE_PACKAGE = Pattern.compile("\\b(dev\\.externref\\.engine(?:\\.[a-z][a-z0-9_]*)*)\\.(?:[A-Z]|\\*)");

    @Test
    void theEngineExportsItsApiPackages() throws IOException {
        ModuleDescriptor engine = engineDescriptor();
        assertEquals("dev.externref.engine", engine.name());
        assertEquals(Set.of("dev.externref.engine", "dev.externref.engine.error", "dev.externref.engine.io",
                "dev.externref.engine.wasmopt"), exported(engine));
    }

    @Test
    void pluginSourcesUseOnlyExportedEnginePackages() throws IOException {
        Set<String> exported = exported(engineDescriptor());
        Path sources = Path.of("src/main/java");   // surefire runs in the module directory
        assertTrue(Files.isDirectory(sources.resolve("dev/externref/maven")), "the plugin's sources in " + sources.toAbsolutePath());
        Set<String> used = new TreeSet<>();
        Set<String> violations = new TreeSet<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                Matcher m = ENGINE_PACKAGE.matcher(Files.readString(file));
                while (m.find()) {
                    used.add(m.group(1));
                    if (!exported.contains(m.group(1))) {
                        violations.add(sources.relativize(file) + " uses " + m.group(0) + "... from " + m.group(1));
                    }
                }
            }
        }
        assertTrue(used.contains("dev.externref.engine"), "found the plugin's engine imports: " + used);
        assertEquals(Set.of(), violations, "engine packages the engine's module-info.java does not export " + exported);
    }

    private static Set<String> exported(ModuleDescriptor module) {
        return module.exports().stream().filter(e -> !e.isQualified()).map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** module-info.class of the engine on this test's class path: its classes directory or its jar. */
    private static ModuleDescriptor engineDescriptor() throws IOException {
        Path location;
        try {
            location = Path.of(ExternrefProcessor.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        if (Files.isDirectory(location)) {
            Path descriptor = location.resolve("module-info.class");
            assertTrue(Files.isRegularFile(descriptor), "no module-info.class in " + location);
            try (InputStream in = Files.newInputStream(descriptor)) {
                return ModuleDescriptor.read(in);
            }
        }
        try (JarFile jar = new JarFile(location.toFile())) {
            var entry = jar.getEntry("module-info.class");
            assertTrue(entry != null, "no module-info.class in " + location);
            try (InputStream in = jar.getInputStream(entry)) {
                return ModuleDescriptor.read(in);
            }
        }
    }
}
