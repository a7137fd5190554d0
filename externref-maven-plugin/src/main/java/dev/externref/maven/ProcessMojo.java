package dev.externref.maven;

import dev.externref.engine.ExternrefProcessor;
import dev.externref.engine.wasmopt.WasmOpt;
import dev.externref.engine.wasmopt.WasmOptException;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.Log;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.apache.maven.project.MavenProjectHelper;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Rewrites WebAssembly modules compiled against the Rust {@code externref} crate so that their
 * imports and exports take and return real {@code externref}s.
 *
 * <p>Modules are the project's main and attached artifacts whose file ends in {@code .wasm},
 * and the files under {@code inputDirectory} that match {@code includes} and no
 * {@code excludes}. The scan never enters this plugin's output directories or its work
 * directory ({@code externref-maven-plugin/} in the build directory); with
 * {@code excludeForeignDirectories} (the default) it also skips {@code it/}, {@code local-repo/}
 * and {@code test-classes/} directly under {@code inputDirectory}, hidden directories, and
 * nested Maven projects (directories holding a {@code pom.xml}). Patterns are matched as
 * Maven's own scanners match them, and {@code useDefaultExcludes} adds Maven's default excludes.
 *
 * <p>Each module is processed in place (replaced atomically) or, with {@code outputDirectory},
 * written there under its path relative to {@code inputDirectory}. A module without an
 * {@code __externrefs} section (not built against the ABI, or already processed) is left as it
 * is. If any module fails, the build fails and no module is written. An unchanged module with
 * unchanged settings is not processed again. With {@code -T}, modules are processed on up to
 * that many threads.
 */
@Mojo(name = "process", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true)
public class ProcessMojo extends AbstractMojo {

    /** Skips the goal: no module is read or written. */
    @Parameter(property = "externref.skip", defaultValue = "false")
    private boolean skip;

    /**
     * The name under which the module exports its table of references, so that the host can read
     * it. Empty or {@code none} (any case): the table stays internal, as the command line's
     * {@code --table none}.
     */
    @Parameter(property = "externref.tableName", defaultValue = "externrefs")
    private String tableName;

    /**
     * A host function, written {@code module::name}, that the module imports as
     * {@code (externref) -> ()} and calls with each reference just before its slot is released,
     * e.g. {@code host::released}. Unset: references are released without a call.
     */
    @Parameter(property = "externref.dropFunction")
    private String dropFunction;

    /** The directory scanned for modules, recursively; {@code includes} and {@code excludes} are relative to it. */
    @Parameter(property = "externref.inputDirectory", defaultValue = "${project.build.directory}")
    private File inputDirectory;

    /**
     * Ant-style patterns, relative to {@code inputDirectory}, of the modules to process. Unset:
     * <code>**&#47;*.wasm</code>, every module in the directory tree.
     */
    @Parameter(property = "externref.includes")
    private List<String> includes;

    /**
     * Ant-style patterns, relative to {@code inputDirectory}, of modules not to process; an
     * artifact outside {@code inputDirectory} is matched by its file name. Unset: none.
     */
    @Parameter(property = "externref.excludes")
    private List<String> excludes;

    /**
     * Adds Maven's default excludes (version control and editor files, such as
     * {@code **}{@code /.git/**}) to {@code excludes}, as Maven's own scanners do.
     */
    @Parameter(property = "externref.useDefaultExcludes", defaultValue = "true")
    private boolean useDefaultExcludes;

    /**
     * Leaves out, while scanning {@code inputDirectory}, directories that hold other builds'
     * files: {@code it/}, {@code local-repo/} and {@code test-classes/} directly under it, hidden
     * directories, and nested Maven projects (directories holding a {@code pom.xml}).
     */
    @Parameter(property = "externref.excludeForeignDirectories", defaultValue = "true")
    private boolean excludeForeignDirectories;

    /**
     * The directory processed modules are written to, under their paths relative to
     * {@code inputDirectory}; modules with nothing to process are copied, so the tree is
     * complete. Unset: each module is replaced in place, atomically.
     */
    @Parameter(property = "externref.outputDirectory")
    private File outputDirectory;

    /** Fails the build when no module is found; otherwise that is only logged. */
    @Parameter(property = "externref.failIfNoModules", defaultValue = "false")
    private boolean failIfNoModules;

    /**
     * Attaches each processed module to the project as an artifact of type {@code wasm} with
     * {@code classifier}, so that {@code install} and {@code deploy} publish it.
     */
    @Parameter(property = "externref.attach", defaultValue = "false")
    private boolean attach;

    /**
     * The classifier of attached modules. Several attached modules need one each: set it per
     * module in {@code modules}.
     */
    @Parameter(property = "externref.classifier", defaultValue = "externref")
    private String classifier;

    /**
     * Per-module settings (no user property). Each {@code <module>} has an {@code <include>}
     * pattern over the module's path relative to {@code inputDirectory} (the file name for an
     * artifact outside it) and any of {@code tableName}, {@code dropFunction} ({@code none}: no
     * hook), {@code skip} and {@code classifier}, which replace the plugin-level values for the
     * modules it matches. The first matching entry applies.
     */
    @Parameter
    private List<ModuleOverride> modules;

    /**
     * Arguments of binaryen's {@code wasm-opt}, such as {@code -Os} (split on spaces): each
     * processed module is optimized after processing, before it is written (still all or
     * nothing). Unset: not run. Needs binaryen 110 or later; older versions are refused.
     */
    @Parameter(property = "externref.wasmOpt")
    private String wasmOpt;

    /** The {@code wasm-opt} to run with {@code wasmOpt}: a path, or a name looked up on {@code PATH}. */
    @Parameter(property = "externref.wasmOptExecutable", defaultValue = "wasm-opt")
    private String wasmOptExecutable;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    @Parameter(defaultValue = "${session}", readonly = true, required = true)
    private MavenSession session;

    @Parameter(defaultValue = "${mojoExecution}", readonly = true)
    private MojoExecution mojoExecution;

    @Parameter(defaultValue = "${project.build.directory}", readonly = true, required = true)
    private File buildDirectory;

    @Component
    private MavenProjectHelper projectHelper;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("externref: skipping (externref.skip)");
            return;
        }
        WasmOpt optimizer = null;
        if (wasmOpt != null && !wasmOpt.isBlank()) {
            try {
                optimizer = WasmOpt.locate(wasmOptExecutable, wasmOpt);
            } catch (WasmOptException e) {
                throw new MojoExecutionException("externref: " + e.getMessage(), e);
            }
        }
        ProcessExecution.Config config;
        try {
            config = new ProcessExecution.Config(
                    inputDirectory.toPath(), includes, ModuleFinder.withDefaultExcludes(excludes, useDefaultExcludes),
                    excludeForeignDirectories,
                    outputDirectory == null ? null : outputDirectory.toPath(),
                    buildDirectory.toPath().resolve("externref-maven-plugin"),
                    executionId(),
                    new ModuleSettings(ModuleSettings.parseTableName(tableName),
                            ModuleSettings.parseDropFunction(dropFunction), false,
                            classifier == null || classifier.isBlank() ? "externref" : classifier.trim()),
                    modules, failIfNoModules, attach, degreeOfConcurrency(), pluginVersion(),
                    project.getBasedir() == null ? inputDirectory.toPath() : project.getBasedir().toPath(),
                    optimizer);
        } catch (IllegalArgumentException e) {
            throw new MojoExecutionException("externref: " + e.getMessage(), e);
        }
        ProcessExecution.Result result;
        try {
            result = new ProcessExecution(config, new MavenLog(getLog())).run(artifactFiles());
        } catch (ProcessExecution.Failure e) {
            throw new MojoFailureException(e.getMessage(), e.getCause());
        } catch (IllegalArgumentException e) {
            throw new MojoExecutionException("externref: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new MojoExecutionException("externref: " + e.getMessage(), e);
        }
        for (ProcessExecution.Attachment a : result.attachments()) {
            projectHelper.attachArtifact(project, "wasm", a.classifier(), a.file().toFile());
        }
    }

    private String executionId() {
        String id = mojoExecution == null ? null : mojoExecution.getExecutionId();
        return id == null || id.isBlank() ? "default" : id;
    }

    private List<Path> artifactFiles() {
        List<Path> files = new ArrayList<>();
        addFile(files, project.getArtifact());
        for (Artifact a : project.getAttachedArtifacts()) {
            addFile(files, a);
        }
        return files;
    }

    private static void addFile(List<Path> files, Artifact artifact) {
        if (artifact != null && artifact.getFile() != null) {
            files.add(artifact.getFile().toPath());
        }
    }

    private int degreeOfConcurrency() {
        if (session == null || session.getRequest() == null) {
            return 1;
        }
        return Math.max(1, session.getRequest().getDegreeOfConcurrency());
    }

    /**
     * The plugin's version; for a snapshot also the engine jar's size and time, so that a
     * rebuilt engine snapshot does not count as up to date.
     */
    static String pluginVersion() {
        Properties p = new Properties();
        try (InputStream in = ProcessMojo.class.getResourceAsStream("plugin.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // an unknown version only makes the fingerprint less precise
        }
        String version = p.getProperty("version", "unknown");
        if (!version.endsWith("-SNAPSHOT")) {
            return version;
        }
        try {
            File engine = new File(ExternrefProcessor.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return version + "+" + engine.length() + "@" + engine.lastModified();
        } catch (Exception e) {
            return version;
        }
    }

    /** Maven's log behind {@link ProcessExecution.Log}. */
    private record MavenLog(Log log) implements ProcessExecution.Log {
        @Override
        public void info(String message) {
            log.info(message);
        }

        @Override
        public void warn(String message) {
            log.warn(message);
        }

        @Override
        public void debug(String message) {
            log.debug(message);
        }

        @Override
        public boolean isDebugEnabled() {
            return log.isDebugEnabled();
        }
    }
}
