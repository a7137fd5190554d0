package dev.externref.engine.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A tab-separated table with a header line, as the project's index files are written: no
 * quoting, no escapes, every row with exactly as many fields as the header. Errors name the
 * source and line.
 */
final class Tsv {
    private final String source;
    private final Map<String, Integer> columns;
    private final List<Row> rows;

    private Tsv(String source, Map<String, Integer> columns, List<Row> rows) {
        this.source = source;
        this.columns = columns;
        this.rows = rows;
    }

    static Tsv read(Path file) {
        try {
            return parse(file.toString(), Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * Parses lines (the first being the header). Empty lines are skipped; a trailing carriage
     * return is dropped.
     */
    static Tsv parse(String source, List<String> lines) {
        if (lines.isEmpty() || lines.get(0).isEmpty()) {
            throw new IllegalArgumentException(source + ":1: missing header line");
        }
        String[] header = split(lines.get(0));
        Map<String, Integer> columns = new HashMap<>();
        for (int i = 0; i < header.length; i++) {
            if (header[i].isEmpty()) {
                throw new IllegalArgumentException(source + ":1: empty column name in position " + (i + 1));
            }
            if (columns.put(header[i], i) != null) {
                throw new IllegalArgumentException(source + ":1: duplicate column '" + header[i] + "'");
            }
        }
        List<Row> rows = new ArrayList<>();
        for (int n = 1; n < lines.size(); n++) {
            String line = lines.get(n);
            if (line.isEmpty() || line.equals("\r")) {
                continue;
            }
            String[] fields = split(line);
            if (fields.length != header.length) {
                throw new IllegalArgumentException(source + ":" + (n + 1) + ": expected " + header.length
                        + " tab-separated fields, found " + fields.length);
            }
            rows.add(new Row(source, n + 1, columns, fields));
        }
        return new Tsv(source, columns, rows);
    }

    private static String[] split(String line) {
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        return line.split("\t", -1);
    }

    /** Fails unless every named column is in the header. */
    Tsv require(String... names) {
        List<String> missing = Arrays.stream(names).filter(name -> !columns.containsKey(name)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(source + ":1: missing column(s) " + String.join(", ", missing)
                    + " (header has " + columns.keySet().stream().sorted().toList() + ")");
        }
        return this;
    }

    boolean has(String column) {
        return columns.containsKey(column);
    }

    List<Row> rows() {
        return rows;
    }

    String source() {
        return source;
    }

    /** One data line. */
    static final class Row {
        private final String source;
        private final int line;
        private final Map<String, Integer> columns;
        private final String[] fields;

        private Row(String source, int line, Map<String, Integer> columns, String[] fields) {
            this.source = source;
            this.line = line;
            this.columns = columns;
            this.fields = fields;
        }

        /** The field of that column; empty string when the column is absent from the header. */
        String get(String column) {
            Integer index = columns.get(column);
            return index == null ? "" : fields[index];
        }

        /** The field, which must not be empty. */
        String required(String column) {
            String value = get(column);
            if (value.isEmpty()) {
                throw error("empty " + column);
            }
            return value;
        }

        int positiveInt(String column) {
            String value = required(column);
            try {
                int n = Integer.parseInt(value);
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw error(column + " must be a positive integer, found '" + value + "'");
        }

        long nonNegativeLong(String column) {
            String value = required(column);
            try {
                long n = Long.parseLong(value);
                if (n >= 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw error(column + " must be a non-negative integer, found '" + value + "'");
        }

        int line() {
            return line;
        }

        IllegalArgumentException error(String message) {
            return new IllegalArgumentException(source + ":" + line + ": " + message);
        }
    }
}
