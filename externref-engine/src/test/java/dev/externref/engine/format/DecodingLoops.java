package dev.externref.engine.format;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The writer's decoding loops side by side, decoding only: every body of each module, function
 * indices recorded as the writer records them, the loops in turn in one JVM, round after round
 * (this machine's speed drifts within minutes; calls in turn share the drift). Prints per module
 * the best pass of each loop and the table walk's time over the compact loop's, and fails when
 * two loops record different references. In the benchmarks jar, from the engine's test classes:
 *
 * <pre>java -cp externref-benchmarks/target/benchmarks.jar dev.externref.engine.format.DecodingLoops [--rounds N] FILE...</pre>
 */
public final class DecodingLoops {
    private static final InstructionReader.Loop[] LOOPS = {InstructionReader.Loop.COMPACT, InstructionReader.Loop.TABLE};

    private DecodingLoops() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = 30;
        int first = 0;
        if (args.length > 1 && args[0].equals("--rounds")) {
            rounds = Integer.parseInt(args[1]);
            first = 2;
        }
        System.out.printf(Locale.ROOT, "%-40s %8s %12s %12s %8s%n", "module", "code MB", "compact ms", "table ms", "table/compact");
        for (int i = first; i < args.length; i++) {
            byte[] module = Files.readAllBytes(Path.of(args[i]));
            WasmModule m = WasmModule.parse(module);
            long[] best = {Long.MAX_VALUE, Long.MAX_VALUE};
            long[] checksum = new long[LOOPS.length];
            for (int round = 0; round < rounds + 5; round++) { // the first five warm up
                for (int l = 0; l < LOOPS.length; l++) {
                    long t0 = System.nanoTime();
                    checksum[l] = decodeAll(module, m, LOOPS[l]);
                    long t = System.nanoTime() - t0;
                    if (round >= 5) {
                        best[l] = Math.min(best[l], t);
                    }
                }
                if (checksum[0] != checksum[1]) {
                    throw new AssertionError(args[i] + ": the loops recorded different references");
                }
            }
            long codeBytes = m.definedFunctionCount() == 0 ? 0 : m.bodyEnd(m.definedFunctionCount() - 1) - m.bodyStart(0);
            System.out.printf(Locale.ROOT, "%-40s %8.2f %12.2f %12.2f %7.2fx%n", Path.of(args[i]).getFileName(), codeBytes / 1e6,
                    best[0] / 1e6, best[1] / 1e6, (double) best[1] / best[0]);
        }
    }

    /** Decodes every body with {@code loop}; returns a checksum of the references recorded. */
    private static long decodeAll(byte[] module, WasmModule m, InstructionReader.Loop loop) {
        IndexRefs refs = new IndexRefs();
        refs.mask = 1 << IndexSpace.FUNCTION.ordinal(); // the writer's usual case
        ByteReader bodies = new ByteReader(module, 0, module.length);
        InstructionReader code = new InstructionReader(module, 0, module.length, refs);
        long sum = 0;
        for (int i = 0; i < m.definedFunctionCount(); i++) {
            refs.clear();
            bodies.pos(m.bodyStart(i));
            bodies.limit(m.bodyEnd(i));
            code.reset(FunctionBody.skipLocals(bodies, refs), m.bodyEnd(i));
            code.scan(loop);
            code.finish();
            for (int k = 0; k < refs.size; k++) {
                sum = sum * 31 + refs.value[k] * 7919L + refs.pos[k];
            }
        }
        return sum;
    }
}
