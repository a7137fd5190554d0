package dev.externref.engine.cli;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The run that records the command line's class-data-sharing archive ({@code bin/externref}
 * sets {@value #PROPERTY}): after its own work it loads every class of this jar, so that the
 * archive serves the next runs whatever they process. Without it the archive holds only what
 * the first module needed: a plain module's archive lacks the reference analysis, and a later
 * module that has references ran about 13% slower than with an archive recorded on its kind.
 */
final class ArchiveRecording {
    /** The system property the launcher sets on the recording run. */
    static final String PROPERTY = "externref.cds.record";

    private ArchiveRecording() {
    }

    static boolean requested() {
        return Boolean.getBoolean(PROPERTY);
    }

    /**
     * Loads (without initializing) the classes of the jar this class came from; the JVM links
     * them when it writes the archive. Best effort: the archive only makes later runs faster,
     * so any failure leaves it as it is.
     */
    static void loadAllClasses() {
        try {
            CodeSource source = ArchiveRecording.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return;
            }
            Path jar = Path.of(source.getLocation().toURI());
            ClassLoader loader = ArchiveRecording.class.getClassLoader();
            try (JarFile file = new JarFile(jar.toFile())) {
                Enumeration<JarEntry> entries = file.entries();
                while (entries.hasMoreElements()) {
                    String name = entries.nextElement().getName();
                    if (name.endsWith(".class") && !name.endsWith("module-info.class")) {
                        Class.forName(name.substring(0, name.length() - 6).replace('/', '.'), false, loader);
                    }
                }
            }
        } catch (IOException | URISyntaxException | ClassNotFoundException | LinkageError | RuntimeException e) {
            // Not recorded in full; the runs still work.
        }
    }
}
