package dev.externref.maven;

import dev.externref.engine.io.AtomicFiles;
import dev.externref.engine.io.FileBytes;
import dev.externref.engine.io.IoErrors;

import dev.externref.engine.error.InvalidModuleException;
import dev.externref.engine.error.MalformedModuleException;
import dev.externref.engine.error.ProcessingException;
import dev.externref.engine.ProcessingResult;
import dev.externref.engine.error.WasmException;
import dev.externref.engine.wasmopt.WasmOpt;
import dev.externref.engine.wasmopt.WasmOptException;
import dev.externref.maven.ModuleFinder.FoundModule;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One run of the {@code process} goal, without Maven types: finds the modules, decides per
 * module whether it is skipped, up to date or to be processed, processes, writes, remembers.
 *
 * <p><b>Consistency.</b> Processing happens in two phases. First every module that needs it is
 * read and processed into memory (concurrently, on up to {@link Config#threads()} threads);
 * nothing is written yet. If any module fails, the run stops with a {@link Failure} naming
 * every failed module, and no file is touched: inputs stay as they were, and so do the other
 * modules, so a build never leaves a mix of processed and unprocessed modules because one of
 * them was bad. Then the results are written one by one, each atomically ({@link AtomicFiles}),
 * in the modules' sorted order. An I/O error there stops the run; the modules written before
 * it are complete, processed modules, and are recorded in the state so the next build does
 * not redo them. The cost of the first phase is holding the processed modules in memory at
 * once, which for WebAssembly modules (typically kilobytes to a few megabytes) is small.
 *
 * <p><b>In place under changed settings.</b> A module processed in place holds the output of
 * that processing, which has no {@code __externrefs} section left to process. So the input of
 * every module processed in place is kept under the work directory, by its sha256; when the
 * settings (or the plugin) change, the kept original is processed again. Without it the module
 * fails with the fix (rebuild it), instead of keeping a module made with other settings.
 *
 * <p><b>Logs</b> are written after the work, in the modules' sorted order, so they do not
 * depend on thread scheduling.
 */
final class ProcessExecution {

    /** Where a run writes its messages; the Mojo adapts Maven's log to it. */
    interface Log {
        void info(String message);

        void warn(String message);

        void debug(String message);

        boolean isDebugEnabled();
    }

    /**
     * Everything a run is configured with.
     *
     * @param inputDirectory     scanned for modules
     * @param includes           patterns under the input directory; empty: {@code **}{@code /*.wasm}
     * @param excludes           patterns under the input directory (Maven's default excludes included when wanted)
     * @param excludeForeignDirectories skip {@code it/}, {@code local-repo/}, {@code test-classes/}, hidden directories and nested projects
     * @param outputDirectory    mirror for the processed modules, or null: in place
     * @param workDirectory      the plugin's own directory (state files); never scanned
     * @param executionId        names the state file, so that executions do not share state
     * @param defaults           plugin-level settings
     * @param overrides          the {@code <modules>} entries
     * @param failIfNoModules    no module found: fail instead of logging
     * @param attach             return the outputs as attachments
     * @param threads            at most this many modules processed at once
     * @param pluginVersion      part of the up-to-date fingerprint
     * @param displayBase        paths in messages are relative to this directory when below it
     * @param wasmOpt            run on every processed module before it is written, or null: none
     */
    record Config(Path inputDirectory, List<String> includes, List<String> excludes, boolean excludeForeignDirectories,
                  Path outputDirectory, Path workDirectory, String executionId, ModuleSettings defaults,
                  List<ModuleOverride> overrides, boolean failIfNoModules, boolean attach, int threads,
                  String pluginVersion, Path displayBase, WasmOpt wasmOpt) {
        Config {
            inputDirectory = inputDirectory.toAbsolutePath().normalize();
            outputDirectory = outputDirectory == null ? null : outputDirectory.toAbsolutePath().normalize();
            workDirectory = workDirectory.toAbsolutePath().normalize();
            displayBase = displayBase.toAbsolutePath().normalize();
            includes = includes == null ? List.of() : List.copyOf(includes);
            excludes = excludes == null ? List.of() : List.copyOf(excludes);
            overrides = overrides == null ? List.of() : List.copyOf(overrides);
            Objects.requireNonNull(defaults, "defaults");
            threads = Math.max(1, threads);
        }

        /** Without wasm-opt. */
        Config(Path inputDirectory, List<String> includes, List<String> excludes, boolean excludeForeignDirectories,
               Path outputDirectory, Path workDirectory, String executionId, ModuleSettings defaults,
               List<ModuleOverride> overrides, boolean failIfNoModules, boolean attach, int threads,
               String pluginVersion, Path displayBase) {
            this(inputDirectory, includes, excludes, excludeForeignDirectories, outputDirectory, workDirectory, executionId,
                    defaults, overrides, failIfNoModules, attach, threads, pluginVersion, displayBase, null);
        }

        /** What besides a module's own settings decides its output: the plugin and the optimizer. */
        String tools() {
            return wasmOpt == null ? pluginVersion : pluginVersion + " + " + wasmOpt.describe();
        }

        Path stateFile() {
            return workDirectory.resolve(fileName() + ".state");
        }

        /**
         * Where the originals of modules processed in place are kept, by their sha256, so that
         * a build with other settings can process the original again instead of the output.
         */
        Path originalsDirectory() {
            return workDirectory.resolve(fileName() + ".originals");
        }

        private String fileName() {
            return executionId.replaceAll("[^A-Za-z0-9._-]", "_");
        }
    }

    /** A processed (or unchanged, or up-to-date) module to attach to the project. */
    record Attachment(Path file, String classifier) {
    }

    /** Counts for the summary line, and what to attach. */
    record Result(int processed, int upToDate, int nothingToDo, int skipped, List<Attachment> attachments) {
        int modules() {
            return processed + upToDate + nothingToDo + skipped;
        }
    }

    /** One or more modules could not be processed, or none were found when some were required. */
    static final class Failure extends Exception {
        Failure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private record Job(FoundModule module, Path output, ModuleSettings settings) {
        Path input() {
            return module.file();
        }

        boolean inPlace() {
            return module.file().equals(output);
        }
    }

    private sealed interface Outcome permits Skipped, UpToDate, Done, Failed {
        Job job();
    }

    private record Skipped(Job job) implements Outcome {
    }

    private record UpToDate(Job job, BuildState.Entry entry) implements Outcome {
    }

    /**
     * @param input        the bytes processed: the module, or the original an earlier build kept
     * @param fromOriginal the module had been processed in place by an earlier build with other
     *                     settings, and was processed again from the original kept then
     */
    private record Done(Job job, byte[] input, String inputSha256, ProcessingResult result, byte[] optimized,
                        long nanos, boolean fromOriginal) implements Outcome {
        /** What is written: the optimized module, or the processed one. */
        ByteBuffer output() {
            return optimized != null ? ByteBuffer.wrap(optimized).asReadOnlyBuffer() : result.outputBuffer();
        }
    }

    private record Failed(Job job, String message, Throwable unexpected) implements Outcome {
    }

    private final Config config;
    private final Log log;

    ProcessExecution(Config config, Log log) {
        this.config = config;
        this.log = log;
    }

    /**
     * Runs: {@code artifactFiles} are the files of the project's main and attached artifacts
     * (those ending in {@code .wasm} are modules).
     *
     * @throws Failure                  when a module cannot be processed (nothing was written),
     *                                  or no module was found and {@code failIfNoModules} is on
     * @throws IllegalArgumentException on a configuration that cannot work (named in the message)
     * @throws IOException              when scanning, or writing a result or the state, fails
     */
    Result run(Collection<Path> artifactFiles) throws Failure, IOException {
        if (config.outputDirectory() != null && config.outputDirectory().equals(config.inputDirectory())) {
            throw new IllegalArgumentException("outputDirectory is the inputDirectory (" + display(config.inputDirectory())
                    + "); leave outputDirectory unset to process modules in place");
        }
        ModuleSettingsResolver resolver = ModuleSettingsResolver.create(config.defaults(), config.overrides());
        Path stateFile = config.stateFile();
        BuildState previous = BuildState.load(stateFile);

        List<FoundModule> found;
        try {
            found = new ModuleFinder(config.inputDirectory(), config.includes(), config.excludes(),
                    config.excludeForeignDirectories(), prunedDirectories()).find(artifactFiles);
        } catch (IOException e) {
            throw ioFailure("cannot scan for modules: " + display(e), e);
        }
        for (ModuleOverride unused : resolver.unused(found.stream().map(FoundModule::relativePath).toList())) {
            log.warn("externref: <modules> entry with <include>" + unused.getInclude() + "</include> matches no module");
        }
        if (found.isEmpty()) {
            String where = "no WebAssembly module found (includes " + effectiveIncludes() + " under "
                    + display(config.inputDirectory()) + ", and no .wasm artifact)";
            if (config.failIfNoModules()) {
                throw new Failure("externref: " + where, null);
            }
            log.info("externref: " + where + "; nothing to do");
            return new Result(0, 0, 0, 0, List.of());
        }

        List<Job> jobs = plan(found, resolver);
        List<Outcome> outcomes = processAll(jobs, previous);
        failIfAnyFailed(outcomes);
        return commit(outcomes, stateFile);
    }

    private List<String> effectiveIncludes() {
        return config.includes().isEmpty() ? ModuleFinder.DEFAULT_INCLUDES : config.includes();
    }

    /** This execution's output directory, the plugin's work directory, and other executions' output directories. */
    private List<Path> prunedDirectories() throws IOException {
        List<Path> pruned = new ArrayList<>();
        pruned.add(config.workDirectory());
        if (config.outputDirectory() != null) {
            pruned.add(config.outputDirectory());
        }
        if (Files.isDirectory(config.workDirectory())) {
            try (DirectoryStream<Path> states = Files.newDirectoryStream(config.workDirectory(), "*.state")) {
                for (Path state : states) {
                    BuildState.load(state).outputDirectory()
                            .filter(dir -> !dir.equals(config.inputDirectory()))
                            .ifPresent(pruned::add);
                }
            }
        }
        return pruned;
    }

    private List<Job> plan(List<FoundModule> found, ModuleSettingsResolver resolver) {
        List<Job> jobs = new ArrayList<>();
        Map<Path, FoundModule> outputs = new LinkedHashMap<>();
        Map<String, FoundModule> classifiers = new LinkedHashMap<>();
        for (FoundModule module : found) {
            ModuleSettings settings = resolver.resolve(module.relativePath());
            Path output = config.outputDirectory() == null
                    ? module.file()
                    : config.outputDirectory().resolve(module.relativePath()).normalize();
            if (!settings.skip()) {
                FoundModule clash = outputs.putIfAbsent(output, module);
                if (clash != null) {
                    throw new IllegalArgumentException("modules " + display(clash.file()) + " and " + display(module.file())
                            + " would both be written to " + display(output) + "; exclude one of them");
                }
                if (config.attach()) {
                    FoundModule sameClassifier = classifiers.putIfAbsent(settings.classifier(), module);
                    if (sameClassifier != null) {
                        throw new IllegalArgumentException("modules " + display(sameClassifier.file()) + " and "
                                + display(module.file()) + " would both be attached with classifier '"
                                + settings.classifier() + "'; give each its own <classifier> in <modules>");
                    }
                }
            }
            jobs.add(new Job(module, output, settings));
        }
        return jobs;
    }

    private List<Outcome> processAll(List<Job> jobs, BuildState previous) throws IOException {
        int threads = Math.min(config.threads(), jobs.size());
        if (threads <= 1) {
            List<Outcome> outcomes = new ArrayList<>();
            for (Job job : jobs) {
                outcomes.add(processOne(job, previous));
            }
            return outcomes;
        }
        AtomicInteger counter = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "externref-" + counter.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (Job job : jobs) {
                Callable<Outcome> task = () -> processOne(job, previous);
                futures.add(pool.submit(task));
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Outcome> f : futures) {
                outcomes.add(f.get());
            }
            return outcomes;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while processing WebAssembly modules", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private Outcome processOne(Job job, BuildState previous) throws IOException {
        if (job.settings().skip()) {
            return new Skipped(job);
        }
        byte[] input;
        try {
            input = FileBytes.read(job.input());
        } catch (IOException e) {
            return new Failed(job, display(job.input()) + ": cannot be read: " + IoErrors.reason(e), e);
        }
        String sha = Hashes.sha256(input);
        String fingerprint = job.settings().fingerprint(config.tools());
        if (previous.isUpToDate(job.input(), sha, job.output(), fingerprint)) {
            return new UpToDate(job, previous.entry(job.input()).orElseThrow());
        }
        BuildState.Entry earlier = previous.entry(job.input()).orElse(null);
        boolean processedInPlaceBefore = earlier != null && earlier.inPlace() && job.inPlace()
                && earlier.outputSha256().equals(sha) && !earlier.inputSha256().equals(earlier.outputSha256());
        if (processedInPlaceBefore) {
            // The file holds an earlier build's output, made with other settings (or another
            // plugin version): processing it again would find no __externrefs section and keep it.
            byte[] original = keptOriginal(earlier.inputSha256());
            if (original == null) {
                return new Failed(job, display(job.input()) + ": was processed in place by an earlier build with other"
                        + " settings, and its original is not kept under " + display(config.originalsDirectory())
                        + "; rebuild the module (for example mvn clean package) to process it with the current settings",
                        null);
            }
            input = original;
            sha = earlier.inputSha256();
        }
        String notAModule = NotAModule.describe(input);
        if (notAModule != null) {
            return new Failed(job, display(job.input()) + ": not a WebAssembly module: " + notAModule
                    + "; if it is not meant to be processed, add <exclude>" + job.module().relativePath()
                    + "</exclude> to the plugin's <excludes>", null);
        }
        long start = System.nanoTime();
        try {
            ProcessingResult result = job.settings().processor().process(input);
            // Optimized after processing, never before (wasm-opt would inline the guarded wrappers
            // the processor looks for); only a processed module: "nothing to do" stays a no-op.
            byte[] optimized = config.wasmOpt() != null && result.changed()
                    ? config.wasmOpt().optimize(result.outputBuffer())
                    : null;
            return new Done(job, input, sha, result, optimized, System.nanoTime() - start, processedInPlaceBefore);
        } catch (WasmOptException e) {
            return new Failed(job, display(job.input()) + ": processed, but " + e.getMessage(), null);
        } catch (MalformedModuleException e) {
            return new Failed(job, display(job.input()) + ": not a well-formed WebAssembly module: " + e.getMessage(), null);
        } catch (InvalidModuleException e) {
            return new Failed(job, display(job.input()) + ": not a valid WebAssembly module: " + e.getMessage(), null);
        } catch (ProcessingException e) {
            return new Failed(job, display(job.input()) + ": " + e.getMessage() + adviceFor(e), null);
        } catch (WasmException e) {
            return new Failed(job, display(job.input()) + ": " + e.getMessage(), null);
        } catch (RuntimeException e) {
            return new Failed(job, display(job.input()) + ": internal error in the externref engine: " + e, e);
        }
    }

    /** The original kept under this sha256, or null when it is missing or no longer holds those bytes. */
    private byte[] keptOriginal(String sha256) {
        try {
            byte[] bytes = Files.readAllBytes(config.originalsDirectory().resolve(sha256 + ".wasm"));
            return Hashes.sha256(bytes).equals(sha256) ? bytes : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Keeps the input of a module processed in place, unless it is kept already. */
    private void keepOriginal(byte[] input, String sha256) throws IOException {
        Path kept = config.originalsDirectory().resolve(sha256 + ".wasm");
        if (keptOriginal(sha256) == null) {
            Files.createDirectories(kept.getParent());
            AtomicFiles.write(kept, input);
        }
    }

    /** Deletes the kept originals that no entry of this execution needs any more. */
    private void forgetOriginals(List<BuildState.Entry> entries) throws IOException {
        Path dir = config.originalsDirectory();
        if (!Files.isDirectory(dir)) {
            return;
        }
        Set<String> needed = new HashSet<>();
        for (BuildState.Entry e : entries) {
            if (e.inPlace()) {
                needed.add(e.inputSha256() + ".wasm");
            }
        }
        try (DirectoryStream<Path> kept = Files.newDirectoryStream(dir)) {
            for (Path file : kept) {
                if (!needed.contains(file.getFileName().toString())) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /** A hint for the errors that come from optimizing a module before processing it, unless the engine gave one. */
    static String adviceFor(ProcessingException e) {
        boolean optimizerShape = e.kind() == ProcessingException.Kind.MISPLACED_GUARD
                || e.kind() == ProcessingException.Kind.UNEXPECTED_REFERENCE_CALL;
        String message = String.valueOf(e.getMessage());
        if (!optimizerShape || message.contains("wasm-opt")) {
            return "";
        }
        return " (was the module optimized, e.g. with wasm-opt, before externref processing?"
                + " Run optimizers on the processed module instead)";
    }

    private void failIfAnyFailed(List<Outcome> outcomes) throws Failure {
        List<Failed> failed = outcomes.stream().filter(o -> o instanceof Failed).map(o -> (Failed) o).toList();
        if (failed.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder("externref: ");
        if (failed.size() == 1 && outcomes.size() == 1) {
            message.append(failed.get(0).message()).append(" (the module was left untouched)");
        } else {
            message.append(failed.size()).append(" of ").append(outcomes.size())
                    .append(" module(s) could not be processed; no module was written:");
            failed.forEach(f -> message.append(System.lineSeparator()).append("  ").append(f.message()));
        }
        Throwable cause = failed.stream().map(Failed::unexpected).filter(Objects::nonNull).findFirst().orElse(null);
        throw new Failure(message.toString(), cause);
    }

    private Result commit(List<Outcome> outcomes, Path stateFile) throws IOException {
        int processed = 0;
        int upToDate = 0;
        int nothingToDo = 0;
        int skipped = 0;
        List<Attachment> attachments = new ArrayList<>();
        List<BuildState.Entry> entries = new ArrayList<>();
        try {
            for (Outcome outcome : outcomes) {
                Job job = outcome.job();
                String name = job.inPlace() ? display(job.input()) : display(job.input()) + " -> " + display(job.output());
                if (outcome instanceof Skipped) {
                    skipped++;
                    log.info(display(job.input()) + ": skipped (<modules> entry sets <skip>)");
                    continue;
                }
                if (outcome instanceof UpToDate u) {
                    upToDate++;
                    entries.add(u.entry());
                    log.info(name + ": up to date");
                } else if (outcome instanceof Done d) {
                    ByteBuffer output = d.output();
                    try {
                        if (d.result().changed() && job.inPlace()) {
                            keepOriginal(d.input(), d.inputSha256());
                        }
                        if (d.result().changed() || !job.inPlace()) {
                            if (!job.inPlace()) {
                                Files.createDirectories(job.output().getParent()); // mirrors the input's subdirectories
                            }
                            AtomicFiles.write(job.output(), output);
                        }
                    } catch (IOException e) {
                        throw ioFailure("cannot write " + display(e), e);
                    }
                    entries.add(new BuildState.Entry(job.input(), d.inputSha256(), job.output(),
                            Hashes.sha256(output), job.settings().fingerprint(config.tools())));
                    long ms = d.nanos() / 1_000_000;
                    if (d.result().changed()) {
                        processed++;
                        log.info(name + ": " + (d.fromOriginal() ? "processed again from its original (the settings"
                                + " changed since an earlier build processed it in place): " : "")
                                + d.result().report().summary() + "; " + d.input().length + " -> "
                                + d.result().size() + " bytes"
                                + (d.optimized() == null ? "" : ", wasm-opt -> " + d.optimized().length + " bytes")
                                + ", " + ms + " ms");
                        d.result().report().warnings().forEach(w -> log.warn(name + ": " + w));
                        if (log.isDebugEnabled()) {
                            log.debug("  settings: " + job.settings().describe());
                            d.result().report().details().forEach(line -> log.debug("  " + line));
                        }
                    } else {
                        nothingToDo++;
                        log.info(name + ": nothing to do (no __externrefs section: not compiled against the"
                                + " externref ABI, or already processed); " + d.input().length + " bytes"
                                + (job.inPlace() ? "" : ", copied"));
                    }
                }
                if (config.attach()) {
                    attachments.add(new Attachment(job.output(), job.settings().classifier()));
                }
            }
        } finally {
            try {
                Files.createDirectories(stateFile.getParent());
                BuildState.of(config.outputDirectory(), entries).save(stateFile);
                forgetOriginals(entries);
            } catch (IOException e) {
                throw ioFailure("cannot record the build state in " + display(e), e);
            }
        }
        Result result = new Result(processed, upToDate, nothingToDo, skipped, List.copyOf(attachments));
        log.info("externref: " + result.modules() + " module(s): " + processed + " processed, " + upToDate
                + " up to date, " + nothingToDo + " with nothing to do, " + skipped + " skipped");
        return result;
    }

    /** An I/O failure that names the file with the system's reason, and keeps the exception as its cause. */
    private static IOException ioFailure(String message, IOException cause) {
        return new IOException(message + ": " + IoErrors.reason(cause), cause);
    }

    /** The file an I/O exception is about, for messages. */
    private String display(IOException e) {
        return e instanceof FileSystemException f && f.getFile() != null ? display(Path.of(f.getFile())) : "a file";
    }

    private String display(Path path) {
        Path p = path.toAbsolutePath().normalize();
        return p.startsWith(config.displayBase()) && !p.equals(config.displayBase())
                ? ModuleFinder.slashes(config.displayBase().relativize(p))
                : p.toString();
    }
}
