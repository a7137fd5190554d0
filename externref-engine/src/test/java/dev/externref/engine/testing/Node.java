package dev.externref.engine.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs Node.js ({@code node} on the PATH) for tests: scripts with a timeout, and validation of
 * WebAssembly binaries by V8 through {@code scripts/validate.mjs}, many files per process.
 * Without {@code node} a test is skipped, or fails when {@code CI=true}.
 */
public final class Node {
    /** The timeout of {@link #run(Path, String...)}. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

    private static volatile Path executable;

    private Node() {
    }

    /** The result of one run of {@code node}. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        /** True when the exit code is 0. */
        public boolean ok() {
            return exitCode == 0;
        }

        /** The command, exit code and both outputs, for assertion messages. */
        public String describe() {
            return String.join(" ", command) + "\nexit code " + exitCode + "\n--- stdout\n" + stdout
                    + "\n--- stderr\n" + stderr;
        }
    }

    /** The verdict of V8 on one binary. */
    public record Validation(Path file, Status status, String message) {
        /** {@code OK}: V8 compiled it; {@code INVALID}: V8 rejected it; {@code ERROR}: not readable. */
        public enum Status { OK, INVALID, ERROR }

        /** True when V8 accepted the module. */
        public boolean valid() {
            return status == Status.OK;
        }

        @Override
        public String toString() {
            return status + " " + file + (message.isEmpty() ? "" : ": " + message);
        }
    }

    /** The {@code node} executable found on the PATH (skips, or fails in CI, when there is none). */
    public static Path executable() {
        Path found = executable;
        if (found == null) {
            found = findOnPath(System.getenv("PATH"));
            if (found == null) {
                return Prerequisite.missing("node not found on PATH (" + System.getenv("PATH")
                        + "): install Node.js 20 or later");
            }
            executable = found;
        }
        return found;
    }

    static Path findOnPath(String path) {
        if (path == null) {
            return null;
        }
        boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            for (String name : windows ? new String[] {"node.exe", "node.cmd"} : new String[] {"node"}) {
                Path candidate = Path.of(dir, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    /** Runs {@code node script args...} with {@link #DEFAULT_TIMEOUT}. */
    public static Result run(Path script, String... args) {
        return run(DEFAULT_TIMEOUT, script, List.of(args), null);
    }

    /**
     * Runs {@code node script args...} in the checkout root with the given standard input (none
     * when null). A run that exceeds the timeout is killed and fails the test.
     */
    public static Result run(Duration timeout, Path script, List<String> args, byte[] stdin) {
        List<String> command = new ArrayList<>();
        command.add(executable().toString());
        command.add(script.toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(Checkout.root().toFile());
        if (stdin == null) {
            builder.redirectInput(ProcessBuilder.Redirect.from(nullFile()));
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
        }
        CompletableFuture<String> out = drain(process.getInputStream());
        CompletableFuture<String> err = drain(process.getErrorStream());
        if (stdin != null) {
            CompletableFuture.runAsync(() -> {
                try (OutputStream in = process.getOutputStream()) {
                    in.write(stdin);
                } catch (IOException e) {
                    // the process ended early; its exit code and stderr tell why
                }
            }, Node::daemon);
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("node did not finish within " + timeout.toSeconds() + " s: "
                        + String.join(" ", command) + "\n--- stderr so far\n" + err.getNow(""));
            }
            return new Result(List.copyOf(command), process.exitValue(), out.get(), err.get());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + String.join(" ", command), e);
        } catch (ExecutionException e) {
            throw new AssertionError("cannot read the output of " + String.join(" ", command), e.getCause());
        }
    }

    /**
     * Validates binaries with V8 ({@code new WebAssembly.Module}), all in one node process.
     * Returns one result per file, in the given order.
     */
    public static List<Validation> validate(List<Path> files) {
        if (files.isEmpty()) {
            return List.of();
        }
        List<String> names = new ArrayList<>(files.size());
        long bytes = 0;
        for (Path file : files) {
            String name = file.toAbsolutePath().toString();
            if (name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("file name with a line break: " + name);
            }
            names.add(name);
            bytes += sizeOrZero(file);
        }
        // V8 validates at hundreds of MB/s; the margin is for node's start and a busy machine.
        Duration timeout = Duration.ofSeconds(60 + bytes / (1 << 20));
        byte[] stdin = (String.join("\n", names) + "\n").getBytes(StandardCharsets.UTF_8);
        Result result = run(timeout, validateScript(), List.of("--stdin"), stdin);
        return parseValidation(files, names, result);
    }

    /** Validates one in-memory binary (through a temporary file). */
    public static Validation validate(byte[] module) {
        return validateBytes(List.of(module)).get(0);
    }

    /** Validates in-memory binaries, all in one node process; one result per binary, in order. */
    public static List<Validation> validateBytes(List<byte[]> modules) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("externref-validate");
            List<Path> files = new ArrayList<>(modules.size());
            for (int i = 0; i < modules.size(); i++) {
                Path file = dir.resolve("module-" + i + ".wasm");
                Files.write(file, modules.get(i));
                files.add(file);
            }
            return validate(files);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write modules to validate", e);
        } finally {
            deleteTree(dir);
        }
    }

    /** {@code scripts/validate.mjs} of this checkout. */
    public static Path validateScript() {
        return Checkout.resolve("scripts/validate.mjs");
    }

    static List<Validation> parseValidation(List<Path> files, List<String> names, Result result) {
        if (result.exitCode() > 2 || result.exitCode() < 0) {
            throw new AssertionError("validate.mjs failed\n" + result.describe());
        }
        List<String> lines = result.stdout().lines().toList();
        if (lines.size() != files.size()) {
            throw new AssertionError("validate.mjs printed " + lines.size() + " line(s) for " + files.size()
                    + " file(s)\n" + result.describe());
        }
        List<Validation> validations = new ArrayList<>(files.size());
        for (int i = 0; i < files.size(); i++) {
            validations.add(parseLine(files.get(i), names.get(i), lines.get(i), result));
        }
        boolean anyInvalid = validations.stream().anyMatch(v -> v.status() == Validation.Status.INVALID);
        boolean anyError = validations.stream().anyMatch(v -> v.status() == Validation.Status.ERROR);
        int expectedExit = anyError ? 2 : anyInvalid ? 1 : 0;
        if (result.exitCode() != expectedExit) {
            throw new AssertionError("validate.mjs exit code " + result.exitCode() + " does not match its output\n"
                    + result.describe());
        }
        return validations;
    }

    private static Validation parseLine(Path file, String name, String line, Result result) {
        if (line.equals("OK " + name)) {
            return new Validation(file, Validation.Status.OK, "");
        }
        for (Validation.Status status : new Validation.Status[] {Validation.Status.INVALID, Validation.Status.ERROR}) {
            String prefix = status + " " + name + ": ";
            if (line.startsWith(prefix)) {
                return new Validation(file, status, line.substring(prefix.length()));
            }
        }
        throw new AssertionError("unexpected validate.mjs line for " + name + ": " + line + "\n" + result.describe());
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (InputStream in = stream) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, Node::daemon);
    }

    private static void daemon(Runnable task) {
        Thread thread = new Thread(task, "node-io");
        thread.setDaemon(true);
        thread.start();
    }

    private static File nullFile() {
        return new File(System.getProperty("os.name", "").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    private static long sizeOrZero(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
