package dev.externref.maven;

import org.codehaus.plexus.util.AbstractScanner;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Finds the modules to process: the {@code .wasm} files among the project's artifacts, and the
 * files under the input directory that match an include and no exclude.
 *
 * <p>The scan never descends into:
 * <ul>
 *   <li>the pruned directories it is given: output directories of this plugin (its own
 *       outputs are never inputs) and the plugin's work directory;</li>
 *   <li>with {@code excludeForeignDirectories} on: the input directory's {@code it/} and {@code local-repo/}
 *       (the invoker plugin's cloned projects and private repositories), {@code test-classes/}
 *       (test fixtures, which may be deliberately unprocessed or malformed), hidden directories,
 *       nested Maven projects (any directory below the input directory holding a
 *       {@code pom.xml}, such as archetype or invoker test projects), and in a cargo profile
 *       directory (one holding {@code .cargo-lock}, such as
 *       {@code target/wasm32-unknown-unknown/release/}) its {@code deps/}, {@code build/} and
 *       {@code incremental/}: {@code deps/} holds hard-linked copies of the modules beside it,
 *       the others build scripts and compiler caches;</li>
 *   <li>directories that an exclude ending in {@code /**} covers.</li>
 * </ul>
 * Modules are returned sorted by relative path, then by absolute path; a file found twice
 * (as an artifact and by the scan) is returned once.
 */
final class ModuleFinder {
    /** Directories directly under the input directory skipped while foreign directories are excluded. */
    static final List<String> DEFAULT_EXCLUDED_DIRECTORIES = List.of("it", "local-repo", "test-classes");
    static final List<String> DEFAULT_INCLUDES = List.of("**/*.wasm");
    /** Subdirectories of a cargo profile directory skipped while default excludes are on. */
    static final List<String> CARGO_INTERNAL_DIRECTORIES = List.of("deps", "build", "incremental");

    /**
     * One module found.
     *
     * @param file         absolute, normalized path
     * @param relativePath {@code /}-separated path relative to the input directory; the file
     *                     name for an artifact outside it. Overrides match against it, and an
     *                     output directory mirrors it.
     */
    record FoundModule(Path file, String relativePath) {
    }

    private final Path inputDirectory;
    private final List<PathPattern> includes;
    private final List<PathPattern> excludes;
    private final boolean excludeForeignDirectories;
    private final List<Path> prunedDirectories;

    ModuleFinder(Path inputDirectory, Collection<String> includes, Collection<String> excludes,
                 boolean excludeForeignDirectories, Collection<Path> prunedDirectories) {
        this.inputDirectory = inputDirectory.toAbsolutePath().normalize();
        this.includes = compile(includes == null || includes.isEmpty() ? DEFAULT_INCLUDES : includes);
        this.excludes = compile(excludes == null ? List.of() : excludes);
        this.excludeForeignDirectories = excludeForeignDirectories;
        // A pruned directory that holds the input directory itself would hide every module: ignored.
        this.prunedDirectories = prunedDirectories.stream().map(p -> p.toAbsolutePath().normalize())
                .filter(p -> !this.inputDirectory.startsWith(p)).toList();
    }

    /**
     * The excludes, plus Maven's default excludes (version control and editor files, as
     * {@code DirectoryScanner} has them) when {@code useDefaultExcludes} is on.
     */
    static List<String> withDefaultExcludes(Collection<String> excludes, boolean useDefaultExcludes) {
        List<String> all = new ArrayList<>(excludes == null ? List.of() : excludes);
        if (useDefaultExcludes) {
            all.addAll(Arrays.asList(AbstractScanner.DEFAULTEXCLUDES));
        }
        return all;
    }

    private static List<PathPattern> compile(Collection<String> patterns) {
        return patterns.stream().filter(p -> p != null && !p.isBlank()).map(PathPattern::compile).toList();
    }

    /** The modules: {@code .wasm} artifact files plus the scan of the input directory. */
    List<FoundModule> find(Collection<Path> artifactFiles) throws IOException {
        Map<Path, FoundModule> found = new LinkedHashMap<>();
        for (Path artifact : artifactFiles) {
            Path file = artifact.toAbsolutePath().normalize();
            if (!file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".wasm")
                    || !Files.isRegularFile(file) || isPruned(file)) {
                continue;
            }
            String relative = file.startsWith(inputDirectory)
                    ? slashes(inputDirectory.relativize(file))
                    : file.getFileName().toString();
            if (!isExcluded(relative)) {
                found.putIfAbsent(key(file), new FoundModule(file, relative));
            }
        }
        if (Files.isDirectory(inputDirectory)) {
            for (FoundModule m : scan()) {
                found.putIfAbsent(key(m.file()), m);
            }
        }
        List<FoundModule> modules = new ArrayList<>(found.values());
        modules.sort(Comparator.comparing(FoundModule::relativePath).thenComparing(m -> m.file().toString()));
        return modules;
    }

    private List<FoundModule> scan() throws IOException {
        List<FoundModule> modules = new ArrayList<>();
        Files.walkFileTree(inputDirectory, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (dir.equals(inputDirectory)) {
                    return FileVisitResult.CONTINUE;
                }
                return skipDirectory(dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    String relative = slashes(inputDirectory.relativize(file));
                    if (includes.stream().anyMatch(p -> p.matches(relative)) && !isExcluded(relative)) {
                        modules.add(new FoundModule(file.toAbsolutePath().normalize(), relative));
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                throw e;
            }
        });
        return modules;
    }

    private boolean skipDirectory(Path dir) {
        Path normalized = dir.toAbsolutePath().normalize();
        if (isPruned(normalized)) {
            return true;
        }
        String relative = slashes(inputDirectory.relativize(normalized));
        if (excludeForeignDirectories) {
            String name = normalized.getFileName().toString();
            if (name.startsWith(".")
                    || DEFAULT_EXCLUDED_DIRECTORIES.contains(relative)
                    || Files.isRegularFile(normalized.resolve("pom.xml"))
                    || isCargoInternal(normalized, name)) {
                return true;
            }
        }
        return excludes.stream().anyMatch(p -> p.coversDirectory(relative));
    }

    /** {@code deps/}, {@code build/} or {@code incremental/} beside cargo's lock file of a profile directory. */
    private static boolean isCargoInternal(Path dir, String name) {
        return CARGO_INTERNAL_DIRECTORIES.contains(name) && Files.isRegularFile(dir.resolveSibling(".cargo-lock"));
    }

    private boolean isPruned(Path file) {
        return prunedDirectories.stream().anyMatch(file::startsWith);
    }

    private boolean isExcluded(String relativePath) {
        return excludes.stream().anyMatch(p -> p.matches(relativePath));
    }

    private static Path key(Path file) {
        try {
            return file.toRealPath();
        } catch (IOException e) {
            return file;
        }
    }

    static String slashes(Path relative) {
        return relative.toString().replace(relative.getFileSystem().getSeparator(), "/");
    }
}
