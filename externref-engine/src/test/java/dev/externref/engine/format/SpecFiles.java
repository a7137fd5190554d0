package dev.externref.engine.format;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The rows of the spec corpus's {@code index.tsv}. */
final class SpecFiles {
    private SpecFiles() {
    }

    /** One binary of the corpus. {@code kind} is valid, invalid or malformed. */
    record SpecFile(String file, Path path, String kind, String source, String proposal, String feature,
                    String expectedText, String note) {
        String name() {
            return file + " (" + source + ")";
        }

        @Override
        public String toString() {
            return name();
        }
    }

    private static List<SpecFile> all;

    static synchronized List<SpecFile> all() {
        if (all == null) {
            Path dir = Inputs.specCorpus();
            List<String> lines = Inputs.lines(dir.resolve("index.tsv"));
            String[] header = lines.get(0).split("\t", -1);
            List<String> columns = List.of(header);
            int file = columns.indexOf("file");
            int kind = columns.indexOf("class");
            int wast = columns.indexOf("source_wast");
            int line = columns.indexOf("line");
            int proposal = columns.indexOf("proposal");
            int feature = columns.indexOf("feature_hint");
            int expected = columns.indexOf("expected_text");
            int note = columns.indexOf("note");
            List<SpecFile> rows = new ArrayList<>();
            for (String l : lines.subList(1, lines.size())) {
                if (l.isBlank()) {
                    continue;
                }
                String[] c = l.split("\t", -1);
                rows.add(new SpecFile(c[file], dir.resolve(c[file]), c[kind], c[wast] + ":" + c[line], c[proposal],
                        feature >= 0 ? c[feature] : "", c[expected], note >= 0 && note < c.length ? c[note] : ""));
            }
            all = List.copyOf(rows);
        }
        return all;
    }

    static List<SpecFile> of(String kind) {
        return all().stream().filter(f -> f.kind().equals(kind)).toList();
    }

    /** Valid and invalid modules: everything that must decode. */
    static List<SpecFile> decodable() {
        return all().stream().filter(f -> !f.kind().equals("malformed")).toList();
    }
}
