package dev.externref.engine.format;

import dev.externref.engine.error.MalformedModuleException;

import java.util.ArrayList;
import java.util.List;

/**
 * A function body's local declarations and where its code starts.
 *
 * @param start     offset of the body (the local declarations)
 * @param codeStart offset of the first instruction
 * @param end       offset just after the final {@code end}
 * @param locals    the declared locals, run-length encoded as in the binary
 */
public record FunctionBody(int start, int codeStart, int end, List<LocalRun> locals) {
    /** {@code count} locals of one type. */
    public record LocalRun(int count, ValType type) {
    }

    /** Total declared locals (parameters not included). */
    public long localCount() {
        long n = 0;
        for (LocalRun run : locals) {
            n += Integer.toUnsignedLong(run.count);
        }
        return n;
    }

    /** Walks the local declarations without building them; returns where the code starts. */
    static int skipLocals(ByteReader r, IndexRefs refs) {
        int n = r.count(2);
        long total = 0;
        for (int i = 0; i < n; i++) {
            int at = r.pos();
            total += r.u32AsLong();
            if (total > 0xFFFF_FFFFL) {
                throw new MalformedModuleException("too many locals", at);
            }
            TypeReader.valType(r, refs);
        }
        return r.pos();
    }

    static FunctionBody readLocals(byte[] module, int start, int end, IndexRefs refs) {
        ByteReader r = new ByteReader(module, start, end);
        int n = r.count(2);
        List<LocalRun> runs = new ArrayList<>(n);
        long total = 0;
        for (int i = 0; i < n; i++) {
            int at = r.pos();
            int count = r.u32();
            total += Integer.toUnsignedLong(count);
            if (total > 0xFFFF_FFFFL) {
                throw new MalformedModuleException("too many locals", at);
            }
            runs.add(new LocalRun(count, TypeReader.valType(r, refs)));
        }
        return new FunctionBody(start, r.pos(), end, runs);
    }
}
