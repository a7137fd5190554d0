package dev.externref.engine.testing;

import java.nio.file.Path;
import java.util.Locale;

/**
 * One binary of the spec corpus, as described by a row of {@code spec-corpus/index.tsv}.
 *
 * @param file         the path relative to the corpus directory, e.g. {@code invalid/address.214.wasm}
 * @param path         the absolute path of the binary
 * @param kind         what the suite says about it
 * @param sourceWast   the {@code .wast} file it comes from, e.g. {@code src/address.wast}
 * @param line         the line of its command in that file
 * @param proposal     {@code core}, {@code threads}, {@code custom-descriptors}, ...
 * @param featureHint  the feature it needs, e.g. {@code mvp/2.0}, {@code memory64}, {@code gc}
 * @param converter    the tool that produced the binary
 * @param command      the wast command, e.g. {@code module}, {@code assert_invalid}
 * @param expectedText the error text the suite expects; empty for valid modules
 * @param note         a remark from the corpus; {@code stale: ...} marks an expectation that a
 *                     later proposal overruled (see {@link #stale()})
 */
public record SpecCase(
        String file,
        Path path,
        Kind kind,
        String sourceWast,
        int line,
        String proposal,
        String featureHint,
        String converter,
        String command,
        String expectedText,
        String note) {

    /** The three classes of the corpus, which are also its three directories. */
    public enum Kind {
        /** Must decode, validate and round-trip. */
        VALID,
        /** Decodes (so must round-trip) but fails validation. */
        INVALID,
        /** Must be rejected by the decoder. */
        MALFORMED;

        /** The name used in the index and as the directory: {@code valid}, {@code invalid}, {@code malformed}. */
        public String directory() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Kind of(String column) {
            for (Kind kind : values()) {
                if (kind.directory().equals(column)) {
                    return kind;
                }
            }
            return null;
        }
    }

    /** Where the case comes from: {@code src/address.wast:214}. */
    public String source() {
        return sourceWast + ":" + line;
    }

    /**
     * True when the corpus notes that the expectation is stale: for example {@code threads.*}
     * files in {@code invalid/} that expect "multiple memories", valid under Wasm 3.0.
     */
    public boolean stale() {
        return note.startsWith("stale");
    }

    /** The display name used by JUnit: the file and where it comes from. */
    @Override
    public String toString() {
        return file + " (" + source() + ")";
    }
}
