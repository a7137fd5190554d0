package dev.externref.engine.equivalence;

import dev.externref.engine.DropFunction;
import dev.externref.engine.ExternrefProcessor;
import dev.externref.engine.error.ProcessingException;

import java.util.List;

/**
 * The differential oracle on Chicory: the unprocessed module under the emulating host and the
 * processed module under a plain host must leave the same trace ({@link ChicoryTrace}).
 */
final class Oracle {
    /** The processor the oracle checks: default table name and allocator, with a drop hook. */
    static final ExternrefProcessor PROCESSOR = ExternrefProcessor.builder()
            .dropFunction(DropFunction.parse(ChicoryTrace.HOOK)).build();

    enum Verdict {
        /** Processed, and the traces agree. */
        SAME,
        /** Processing failed with a documented error kind. */
        REFUSED,
        /** Processed, and the traces differ (or the processed module's host saw nonsense). */
        DIFFERENT,
        /** Processing threw anything else, or wrote a module that does not instantiate. */
        CRASH,
        /** The unprocessed module itself could not be run under the emulating host. */
        BAD_INPUT
    }

    /**
     * @param trace     the emulated run's trace (null for BAD_INPUT)
     * @param processed the processed module (null unless processed)
     */
    record Outcome(Verdict verdict, String detail, ProcessingException.Kind kind, List<String> trace, byte[] processed) {
        boolean bad() {
            return verdict == Verdict.DIFFERENT || verdict == Verdict.CRASH || verdict == Verdict.BAD_INPUT;
        }
    }

    private Oracle() {
    }

    static Outcome check(byte[] input, Scenario scenario) {
        List<String> emulated;
        try {
            emulated = ChicoryTrace.run(ChicoryTrace.Mode.EMULATED, input, scenario);
        } catch (RuntimeException | StackOverflowError e) {
            return new Outcome(Verdict.BAD_INPUT, "the unprocessed module under the emulating host: " + e, null, null, null);
        }
        byte[] processed;
        try {
            processed = PROCESSOR.process(input).output();
        } catch (ProcessingException e) {
            return new Outcome(Verdict.REFUSED, e.getMessage(), e.kind(), emulated, null);
        } catch (RuntimeException | StackOverflowError e) {
            return new Outcome(Verdict.CRASH, "processing threw " + stack(e), null, emulated, null);
        }
        List<String> real;
        try {
            real = ChicoryTrace.run(ChicoryTrace.Mode.PROCESSED, processed, scenario);
        } catch (ChicoryTrace.HostError e) {
            return new Outcome(Verdict.DIFFERENT, "the processed module: " + e.getMessage(), null, emulated, processed);
        } catch (RuntimeException | StackOverflowError e) {
            return new Outcome(Verdict.CRASH, "the processed module does not run on Chicory: " + stack(e), null, emulated, processed);
        }
        String difference = difference(emulated, real);
        return difference == null
                ? new Outcome(Verdict.SAME, "", null, emulated, processed)
                : new Outcome(Verdict.DIFFERENT, difference, null, emulated, processed);
    }

    /** Where two traces part, with both in full; null when they are equal. */
    static String difference(List<String> unprocessed, List<String> processed) {
        if (unprocessed.equals(processed)) {
            return null;
        }
        int i = 0;
        while (i < unprocessed.size() && i < processed.size() && unprocessed.get(i).equals(processed.get(i))) {
            i++;
        }
        return "traces part at line " + i + ": unprocessed " + at(unprocessed, i) + ", processed " + at(processed, i)
                + "\n  unprocessed: " + String.join(" | ", unprocessed)
                + "\n  processed:   " + String.join(" | ", processed);
    }

    private static String at(List<String> trace, int i) {
        return i < trace.size() ? "'" + trace.get(i) + "'" : "(ends)";
    }

    private static String stack(Throwable e) {
        StackTraceElement[] s = e.getStackTrace();
        return e + (s.length > 0 ? " at " + s[0] : "");
    }
}
