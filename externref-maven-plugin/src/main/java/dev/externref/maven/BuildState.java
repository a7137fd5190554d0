package dev.externref.maven;

import dev.externref.engine.io.AtomicFiles;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the previous build of one plugin execution produced, so that an unchanged module with
 * an unchanged configuration is not processed again. One small text file per execution under
 * {@code target/externref-maven-plugin/}:
 *
 * <pre>
 * # externref-maven-plugin state (delete to process everything again)
 * version 1
 * output-directory &lt;path or -&gt;
 * module &lt;input path&gt; &lt;input sha256&gt; &lt;output path&gt; &lt;output sha256&gt; &lt;settings fingerprint&gt;
 * </pre>
 * Paths are absolute and URL-encoded; lines are sorted by input path.
 *
 * <p>A module is up to date when its entry has the same settings fingerprint and output path,
 * the output file still holds the recorded output, and the input still holds the recorded
 * input. Processed in place, input and output are one file: its current content is the
 * previous output, so only the output is compared. An in-place module processed by an
 * earlier build without a state entry (the state was deleted) has no {@code __externrefs}
 * section any more; the engine reports "nothing to do" for it and leaves it as it is.
 *
 * <p>An unreadable or unknown state file counts as empty: the worst case is processing again.
 */
final class BuildState {
    static final String HEADER = "# externref-maven-plugin state (delete to process everything again)";
    private static final String VERSION = "version 1";

    record Entry(Path input, String inputSha256, Path output, String outputSha256, String fingerprint) {
        boolean inPlace() {
            return input.equals(output);
        }
    }

    private final Path outputDirectory;
    private final Map<Path, Entry> entries;

    BuildState(Path outputDirectory, Map<Path, Entry> entries) {
        this.outputDirectory = outputDirectory;
        this.entries = new TreeMap<>(entries);
    }

    static BuildState empty(Path outputDirectory) {
        return new BuildState(outputDirectory, Map.of());
    }

    /** The state in this file, or an empty state when it is missing, unreadable or of another version. */
    static BuildState load(Path file) {
        List<String> lines;
        try {
            if (!Files.isRegularFile(file)) {
                return empty(null);
            }
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return empty(null);
        }
        if (lines.size() < 2 || !lines.get(1).equals(VERSION)) {
            return empty(null);
        }
        Path outputDirectory = null;
        Map<Path, Entry> entries = new TreeMap<>();
        try {
            for (String line : lines.subList(2, lines.size())) {
                String[] f = line.split(" ");
                if (f.length == 2 && f[0].equals("output-directory")) {
                    outputDirectory = f[1].equals("-") ? null : Path.of(decode(f[1]));
                } else if (f.length == 6 && f[0].equals("module")) {
                    Entry e = new Entry(Path.of(decode(f[1])), f[2], Path.of(decode(f[3])), f[4], f[5]);
                    entries.put(e.input(), e);
                }
            }
        } catch (RuntimeException e) {
            return empty(null);
        }
        return new BuildState(outputDirectory, entries);
    }

    /** The output directory the execution wrote to, or null when it processed in place. */
    Optional<Path> outputDirectory() {
        return Optional.ofNullable(outputDirectory);
    }

    Optional<Entry> entry(Path input) {
        return Optional.ofNullable(entries.get(input));
    }

    /**
     * Whether the module at {@code input}, whose current bytes hash to {@code inputSha256}, is
     * up to date at {@code output} with these settings. Reads the output file only when the
     * rest matches and the output is a separate file.
     */
    boolean isUpToDate(Path input, String inputSha256, Path output, String fingerprint) throws IOException {
        Entry e = entries.get(input);
        if (e == null || !e.fingerprint().equals(fingerprint) || !e.output().equals(output)) {
            return false;
        }
        if (e.inPlace()) {
            return inputSha256.equals(e.outputSha256());
        }
        return inputSha256.equals(e.inputSha256())
                && Files.isRegularFile(output)
                && Hashes.sha256(Files.readAllBytes(output)).equals(e.outputSha256());
    }

    /** A new state for the next build: the given output directory and entries. */
    static BuildState of(Path outputDirectory, List<Entry> entries) {
        Map<Path, Entry> map = new TreeMap<>();
        entries.forEach(e -> map.put(e.input(), e));
        return new BuildState(outputDirectory, map);
    }

    List<Entry> entries() {
        return new ArrayList<>(entries.values());
    }

    /** Writes the state atomically. */
    void save(Path file) throws IOException {
        StringBuilder text = new StringBuilder();
        text.append(HEADER).append('\n').append(VERSION).append('\n');
        text.append("output-directory ").append(outputDirectory == null ? "-" : encode(outputDirectory)).append('\n');
        for (Entry e : entries.values()) {
            text.append("module ").append(encode(e.input())).append(' ').append(e.inputSha256()).append(' ')
                    .append(encode(e.output())).append(' ').append(e.outputSha256()).append(' ')
                    .append(e.fingerprint()).append('\n');
        }
        AtomicFiles.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String encode(Path path) {
        return URLEncoder.encode(path.toString(), StandardCharsets.UTF_8);
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }
}
