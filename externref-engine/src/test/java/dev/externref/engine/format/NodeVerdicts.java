package dev.externref.engine.format;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * V8's verdict on binaries ({@code new WebAssembly.Module}, Node's defaults), many binaries per
 * {@code node} process, through the checkout's {@code scripts/validate.mjs}. Without {@code node}
 * on the PATH a test is skipped, or fails in CI.
 */
final class NodeVerdicts {
    private NodeVerdicts() {
    }

    /** Accepted, or rejected with V8's message. */
    record Verdict(boolean valid, String message) {
        @Override
        public String toString() {
            return valid ? "valid" : "invalid (" + message + ")";
        }
    }

    static Path node() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "node");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return Inputs.missing("node not found on PATH: install Node.js 20 or later");
    }

    /** One verdict per binary, in order; all binaries go through one node process. */
    static List<Verdict> of(List<byte[]> modules) {
        if (modules.isEmpty()) {
            return List.of();
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("externref-format-validate");
            List<String> names = new ArrayList<>();
            long bytes = 0;
            for (int i = 0; i < modules.size(); i++) {
                Path f = dir.resolve(i + ".wasm");
                Files.write(f, modules.get(i));
                names.add(f.toString());
                bytes += modules.get(i).length;
            }
            return run(names, 60 + bytes / (1 << 20));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            delete(dir);
        }
    }

    /** Verdicts on files, in order, in one node process. */
    static List<Verdict> ofFiles(List<Path> files) {
        long bytes = files.stream().mapToLong(Inputs::size).sum();
        return run(files.stream().map(p -> p.toAbsolutePath().toString()).toList(), 60 + bytes / (1 << 20));
    }

    private static List<Verdict> run(List<String> names, long timeoutSeconds) {
        Path script = Inputs.checkout().resolve("scripts/validate.mjs");
        if (!Files.isRegularFile(script)) {
            throw new AssertionError("missing " + script);
        }
        ProcessBuilder pb = new ProcessBuilder(node().toString(), script.toString(), "--stdin");
        try {
            Process p = pb.start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            try (var in = p.getOutputStream()) {
                in.write((String.join("\n", names) + "\n").getBytes(StandardCharsets.UTF_8));
            }
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("node did not finish validating " + names.size() + " files in " + timeoutSeconds + " s");
            }
            List<String> lines = out.get().lines().toList();
            if (lines.size() != names.size()) {
                throw new AssertionError("validate.mjs printed " + lines.size() + " lines for " + names.size() + " files, exit "
                        + p.exitValue() + "\n" + err.get());
            }
            List<Verdict> verdicts = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                String line = lines.get(i);
                if (line.equals("OK " + names.get(i))) {
                    verdicts.add(new Verdict(true, ""));
                } else if (line.startsWith("INVALID " + names.get(i) + ": ")) {
                    verdicts.add(new Verdict(false, line.substring(("INVALID " + names.get(i) + ": ").length())));
                } else {
                    throw new AssertionError("unexpected validate.mjs line: " + line);
                }
            }
            return verdicts;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
    }

    private static String readAll(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
