package dev.externref.engine.equivalence;

import dev.externref.engine.testing.Checkout;
import dev.externref.engine.testing.Node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The oracle's runs in V8: {@code src/test/node/equivalence.mjs} runs a batch of cases in one
 * Node process and prints each one's two traces, in the format of {@link ChicoryTrace}.
 */
final class V8Traces {
    /** One module pair and its scenario; {@code processed} is null when processing refused. */
    record Case(String name, byte[] unprocessed, byte[] processed, Scenario scenario) {
    }

    /** The traces of one case; {@code error} when a run could not be made sense of. */
    record Traces(List<String> emulated, List<String> processed, String error) {
    }

    private V8Traces() {
    }

    static Map<String, Traces> run(List<Case> cases) {
        Path dir;
        try {
            dir = Files.createTempDirectory("equivalence-v8");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            StringBuilder manifest = new StringBuilder("[");
            int i = 0;
            for (Case c : cases) {
                Path u = Files.write(dir.resolve(i + "-in.wasm"), c.unprocessed());
                Path p = c.processed() == null ? null : Files.write(dir.resolve(i + "-out.wasm"), c.processed());
                manifest.append(i++ == 0 ? "" : ",").append("{\"name\":").append(Json.string(c.name()))
                        .append(",\"unprocessed\":").append(Json.string(u.toString()))
                        .append(",\"processed\":").append(p == null ? "null" : Json.string(p.toString()))
                        .append(",\"scenario\":").append(c.scenario().toJson()).append('}');
            }
            Path file = Files.writeString(dir.resolve("manifest.json"), manifest.append(']'));
            Node.Result r = Node.run(Duration.ofMinutes(5), Checkout.resolve("externref-engine/src/test/node/equivalence.mjs"),
                    List.of(file.toString()), null);
            if (!r.ok()) {
                throw new AssertionError("the V8 runner failed: " + r.describe());
            }
            return parse(r.stdout());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            delete(dir);
        }
    }

    private static Map<String, Traces> parse(String out) {
        Map<String, Traces> all = new LinkedHashMap<>();
        String name = null;
        List<String> e = null;
        List<String> p = null;
        StringBuilder error = null;
        for (String line : (out + "case \n").split("\n")) {
            if (line.startsWith("case ")) {
                if (name != null) {
                    all.put(name, new Traces(e, p.isEmpty() ? null : p, error.length() == 0 ? null : error.toString()));
                }
                name = line.substring(5);
                e = new ArrayList<>();
                p = new ArrayList<>();
                error = new StringBuilder();
            } else if (line.startsWith("E ")) {
                e.add(line.substring(2));
            } else if (line.startsWith("P ")) {
                p.add(line.substring(2));
            } else if (line.startsWith("X ")) {
                error.append(line.substring(2)).append(' ');
            }
        }
        return all;
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }

    /**
     * Compares the V8 traces of a case with the Chicory trace of the unprocessed module: all
     * runs must agree. Returns the problem, or null.
     */
    static String check(Case c, Traces t, List<String> chicory) {
        if (t == null) {
            return "V8 gave no result";
        }
        if (t.error() != null) {
            return "V8: " + t.error();
        }
        String d = Oracle.difference(chicory, t.emulated());
        if (d != null) {
            return "unprocessed module, Chicory vs V8: " + d;
        }
        if (c.processed() != null) {
            d = Oracle.difference(t.emulated(), t.processed() == null ? List.of() : t.processed());
            if (d != null) {
                return "in V8: " + d;
            }
        }
        return null;
    }
}
