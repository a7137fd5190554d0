package dev.externref.engine.slots;

import com.dylibso.chicory.wabt.Wat2Wasm;
import dev.externref.engine.testing.Checkout;
import dev.externref.engine.testing.Node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Runs operation sequences on a processed slot guest in V8, through {@code src/test/node/slots-model.mjs}. */
final class NodeSlots {
    /** Imports the guest's table and calls {@code seen(slot, ref)} for each non-null slot. */
    static final String SCANNER_WAT = """
            (module
              (import "scan" "table" (table $t 0 externref))
              (import "scan" "seen" (func $seen (param i32 externref)))
              (func (export "scan") (local $i i32) (local $r externref)
                (block $done
                  (loop $next
                    (br_if $done (i32.ge_u (local.get $i) (table.size $t)))
                    (local.set $r (table.get $t (local.get $i)))
                    (if (i32.eqz (ref.is_null (local.get $r)))
                      (then (call $seen (local.get $i) (local.get $r))))
                    (local.set $i (i32.add (local.get $i) (i32.const 1)))
                    (br $next)))))
            """;

    private NodeSlots() {
    }

    static Path script() {
        return Checkout.resolve("externref-engine/src/test/node/slots-model.mjs");
    }

    /** One fresh instance per sequence; the observations of each sequence, in order. */
    static List<List<Observation>> run(Path dir, byte[] module, boolean hook, List<List<SlotOp>> sequences,
            Duration timeout) {
        return run(dir, module, hook, sequences, timeout, 0);
    }

    /** As {@link #run(Path, byte[], boolean, List, Duration)}, with V8's table size limited ({@code 0}: V8's default). */
    static List<List<Observation>> run(Path dir, byte[] module, boolean hook, List<List<SlotOp>> sequences,
            Duration timeout, int maxTableSize) {
        try {
            Files.createDirectories(dir);
            Path guest = Files.write(dir.resolve("guest.wasm"), module);
            Path scanner = Files.write(dir.resolve("scanner.wasm"), Wat2Wasm.parse(SCANNER_WAT));
            StringBuilder json = new StringBuilder("{\"scanner\": ").append(quote(scanner))
                    .append(", \"maxTableSize\": ").append(maxTableSize).append(", \"runs\": [");
            for (int s = 0; s < sequences.size(); s++) {
                json.append(s == 0 ? "\n" : ",\n").append("{\"module\": ").append(quote(guest))
                        .append(", \"hook\": ").append(hook).append(", \"ops\": [");
                List<SlotOp> ops = sequences.get(s);
                for (int i = 0; i < ops.size(); i++) {
                    json.append(i == 0 ? "" : ",").append(ops.get(i).kind().ordinal()).append(',').append(ops.get(i).arg());
                }
                json.append("]}");
            }
            json.append("]}\n");
            Path input = Files.writeString(dir.resolve("input.json"), json);
            Path output = dir.resolve("output.txt");
            Node.Result r = Node.run(timeout, script(), List.of(input.toString(), output.toString()), null);
            if (!r.ok()) {
                throw new AssertionError("slots-model.mjs failed\n" + r.describe());
            }
            return parse(Files.readAllLines(output), sequences);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<List<Observation>> parse(List<String> lines, List<List<SlotOp>> sequences) {
        List<List<Observation>> runs = new ArrayList<>();
        List<Observation> current = null;
        for (String line : lines) {
            if (line.startsWith("run ")) {
                current = new ArrayList<>();
                runs.add(current);
            } else if (current != null) {
                current.add(Observation.parse(line));
            } else {
                throw new AssertionError("slots-model.mjs output does not start with 'run 0': " + line);
            }
        }
        if (runs.size() != sequences.size()) {
            throw new AssertionError("slots-model.mjs reported " + runs.size() + " runs for " + sequences.size());
        }
        for (int s = 0; s < runs.size(); s++) {
            if (runs.get(s).size() != sequences.get(s).size()) {
                throw new AssertionError("slots-model.mjs reported " + runs.get(s).size() + " observations for "
                        + sequences.get(s).size() + " operations in run " + s);
            }
        }
        return runs;
    }

    private static String quote(Path p) {
        return "\"" + p.toAbsolutePath().toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
