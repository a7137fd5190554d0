package dev.externref.engine.wasmopt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * binaryen's {@code wasm-opt}, run on processed modules: the optimizer belongs after the
 * externref processor (optimizing first inlines the guarded import wrappers the processor needs
 * to find), and running it here makes that order a property of the tool instead of the build.
 *
 * <p>{@link #locate} asks the executable for its version once and refuses the versions known to
 * break processed modules ({@link BinaryenVersions}). {@link #optimize} then runs
 * {@code wasm-opt --enable-reference-types ARGS IN -o OUT} on temporary files and returns the
 * bytes; it is safe to call from several threads (each call has its own files).
 */
public final class WasmOpt {
    /** A processed module always uses reference types (its externref table and glue). */
    static final String REFERENCE_TYPES = "--enable-reference-types";
    private static final long TIMEOUT_SECONDS = 600;
    private static final Pattern VERSION = Pattern.compile("version\\s+(\\d+)");

    private final String executable;
    private final List<String> arguments;
    private final int version;
    private final String versionLine;

    private WasmOpt(String executable, List<String> arguments, int version, String versionLine) {
        this.executable = executable;
        this.arguments = arguments;
        this.version = version;
        this.versionLine = versionLine;
    }

    /**
     * Finds {@code executable} (a path, or a name looked up on {@code PATH}), reads its version
     * and checks it.
     *
     * @param executable the executable, or null or blank for {@code wasm-opt} on the {@code PATH}
     * @param arguments  wasm-opt's arguments, such as {@code -Os}, split on spaces; null or blank: none
     * @return a wasm-opt that {@link #optimize} runs with those arguments
     * @throws WasmOptException when it cannot be run, prints no binaryen version, or is a version
     *                          known to break processed modules (the message says what to install)
     */
    public static WasmOpt locate(String executable, String arguments) throws WasmOptException {
        List<String> args = splitArguments(arguments);
        String exe = executable == null || executable.isBlank() ? "wasm-opt" : executable.trim();
        Run run;
        Path dir = null;
        try {
            dir = Files.createTempDirectory("externref-wasm-opt");
            run = Run.of(List.of(exe, "--version"), dir, 60);
        } catch (IOException e) {
            throw new WasmOptException("cannot run wasm-opt '" + exe + "' (" + e.getMessage() + "); install binaryen"
                    + " (for example: " + BinaryenVersions.INSTALL + ") and put wasm-opt on the PATH or name it"
                    + " with wasmOptExecutable");
        } finally {
            deleteQuietly(dir);
        }
        String line = firstLine(run.stdout().isBlank() ? run.stderr() : run.stdout());
        Matcher m = VERSION.matcher(line);
        if (run.exitCode() != 0 || !m.find()) {
            throw new WasmOptException("'" + exe + " --version' printed no binaryen version (exit code " + run.exitCode()
                    + ": " + line + "); is it binaryen's wasm-opt?");
        }
        int version = Integer.parseInt(m.group(1));
        String refusal = BinaryenVersions.refusal(version);
        if (refusal != null) {
            throw new WasmOptException("wasm-opt '" + exe + "' is " + line + ": " + refusal);
        }
        return new WasmOpt(exe, args, version, line);
    }

    /**
     * Splits wasm-opt's arguments as {@link #locate} does.
     *
     * @param arguments the arguments, separated by spaces; null or blank: none
     * @return the arguments, one per element
     */
    public static List<String> splitArguments(String arguments) {
        if (arguments == null || arguments.isBlank()) {
            return List.of();
        }
        return List.of(arguments.trim().split("\\s+"));
    }

    /**
     * binaryen's version.
     *
     * @return the release number, as {@code --version} printed it
     */
    public int version() {
        return version;
    }

    /**
     * The optimizer as a line for logs and up-to-date fingerprints.
     *
     * @return the version line and the arguments
     */
    public String describe() {
        return versionLine + (arguments.isEmpty() ? "" : " " + String.join(" ", arguments));
    }

    /**
     * Optimizes one module.
     *
     * @param module the processed module, from its position to its limit (left as it is)
     * @return the optimized module
     * @throws WasmOptException when wasm-opt fails (its exit code and first lines of output in the
     *                          message), or its output cannot be read back
     */
    public byte[] optimize(ByteBuffer module) throws WasmOptException {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("externref-wasm-opt");
            Path in = dir.resolve("in.wasm");
            Path out = dir.resolve("out.wasm");
            try (FileChannel channel = FileChannel.open(in, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer b = module.duplicate();
                while (b.hasRemaining()) {
                    channel.write(b);
                }
            }
            List<String> command = new ArrayList<>();
            command.add(executable);
            command.add(REFERENCE_TYPES);
            command.addAll(arguments);
            command.addAll(List.of(in.toString(), "-o", out.toString()));
            Run run = Run.of(command, dir, TIMEOUT_SECONDS);
            if (run.exitCode() != 0 || !Files.isRegularFile(out)) {
                throw new WasmOptException("wasm-opt " + String.join(" ", arguments) + " failed (exit code "
                        + run.exitCode() + "): " + excerpt(run.stderr().isBlank() ? run.stdout() : run.stderr()));
            }
            return Files.readAllBytes(out);
        } catch (IOException e) {
            throw new WasmOptException("wasm-opt " + String.join(" ", arguments) + " could not be run: " + e.getMessage());
        } finally {
            deleteQuietly(dir);
        }
    }

    private static String firstLine(String text) {
        String t = text.strip();
        int nl = t.indexOf('\n');
        return (nl < 0 ? t : t.substring(0, nl)).strip();
    }

    /** The first lines of wasm-opt's diagnostics: enough to see the cause, not a whole module dump. */
    private static String excerpt(String text) {
        List<String> lines = text.strip().lines().limit(6).toList();
        String joined = String.join(System.lineSeparator() + "  ", lines);
        return joined.length() > 2000 ? joined.substring(0, 2000) + " ..." : joined;
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a leftover temporary directory is harmless
        }
    }

    /**
     * A finished process: exit code and both outputs. The outputs go to files in {@code dir}, so
     * that neither pipe can fill up and stall the process while the other is being read.
     */
    private record Run(int exitCode, String stdout, String stderr) {
        static Run of(List<String> command, Path dir, long timeoutSeconds) throws IOException {
            Path out = dir.resolve("stdout.txt");
            Path err = dir.resolve("stderr.txt");
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            p.getOutputStream().close();
            try {
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IOException(command.get(0) + " did not finish within " + timeoutSeconds + " s");
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + command.get(0));
            }
            return new Run(p.exitValue(), Files.readString(out, Charset.defaultCharset()),
                    Files.readString(err, Charset.defaultCharset()));
        }
    }

    /**
     * The optimizer for diagnostics.
     *
     * @return the executable, the version line and the arguments
     */
    @Override
    public String toString() {
        return executable + " (" + describe() + ")";
    }
}
