package dev.externref.engine.equivalence;

import dev.externref.engine.equivalence.GuestGenerator.Program;
import dev.externref.engine.equivalence.GuestGenerator.Shape;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs the oracle over generated programs ({@code scripts/equivalence.sh}): program {@code i}
 * comes from seed {@code S + i}; each is checked on Chicory, and in V8 in batches unless
 * {@code --no-v8}. Prints every difference and crash (with its seed, and the module under
 * {@code --findings}), the processed fraction per shape, and last
 * {@code N programs, K processed, D differences, C crashes}. Exits 1 when D or C is not 0.
 */
public final class EquivalenceRun {
    /** Counts for one shape. */
    static final class Tally {
        int programs;
        int processed;
        int differences;
        int crashes;
        final Map<String, Integer> refused = new TreeMap<>();
    }

    private final Map<Shape, Tally> tallies = new EnumMap<>(Shape.class);
    private final List<String> findings = new ArrayList<>();
    private final Path findingsDir;
    private final PrintStream out;

    EquivalenceRun(Path findingsDir, PrintStream out) {
        this.findingsDir = findingsDir;
        this.out = out;
    }

    public static void main(String[] args) throws IOException {
        long seed = 1;
        long programs = 1000;
        boolean v8 = true;
        Path findings = Path.of("target/equivalence-findings");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--programs" -> programs = Long.parseLong(args[++i]);
                case "--no-v8" -> v8 = false;
                case "--findings" -> findings = Path.of(args[++i]);
                default -> {
                    System.err.println("usage: equivalence.sh [--seed S] [--programs N] [--no-v8] [--findings DIR]");
                    System.exit(2);
                }
            }
        }
        EquivalenceRun run = new EquivalenceRun(findings, System.out);
        run.run(seed, programs, v8, 400);
        System.exit(run.bad() ? 1 : 0);
    }

    void run(long seed, long programs, boolean v8, int batch) throws IOException {
        List<Program> pending = new ArrayList<>();
        List<Oracle.Outcome> outcomes = new ArrayList<>();
        long started = System.nanoTime();
        for (long i = 0; i < programs; i++) {
            Program p = GuestGenerator.generate(seed + i);
            Oracle.Outcome o = check(p);
            if (v8 && !o.bad()) {
                pending.add(p);
                outcomes.add(o);
                if (pending.size() == batch) {
                    inV8(pending, outcomes);
                }
            }
            if ((i + 1) % 1_000 == 0) {
                out.printf("... %d programs, %d findings, %d s%n", i + 1, findings.size(),
                        (System.nanoTime() - started) / 1_000_000_000L);
            }
        }
        inV8(pending, outcomes);
        report();
    }

    /** Checks one program on Chicory, counting it. */
    Oracle.Outcome check(Program p) throws IOException {
        Tally t = tallies.computeIfAbsent(p.shape(), s -> new Tally());
        t.programs++;
        Oracle.Outcome o;
        try {
            o = Oracle.check(p.module(), p.scenario());
        } catch (RuntimeException | StackOverflowError e) {
            o = new Oracle.Outcome(Oracle.Verdict.CRASH, "the oracle itself threw " + e, null, null, null);
        }
        switch (o.verdict()) {
            case SAME -> t.processed++;
            case REFUSED -> t.refused.merge(o.kind().name(), 1, Integer::sum);
            case DIFFERENT -> {
                t.differences++;
                finding(p, "difference", o.detail());
            }
            default -> {
                t.crashes++;
                finding(p, o.verdict().name().toLowerCase(java.util.Locale.ROOT), o.detail());
            }
        }
        return o;
    }

    private void inV8(List<Program> programs, List<Oracle.Outcome> outcomes) throws IOException {
        if (programs.isEmpty()) {
            return;
        }
        List<V8Traces.Case> cases = new ArrayList<>();
        for (int i = 0; i < programs.size(); i++) {
            Program p = programs.get(i);
            cases.add(new V8Traces.Case(p.origin(), p.module(), outcomes.get(i).processed(), p.scenario()));
        }
        Map<String, V8Traces.Traces> traces = V8Traces.run(cases);
        for (int i = 0; i < programs.size(); i++) {
            Program p = programs.get(i);
            String problem = V8Traces.check(cases.get(i), traces.get(p.origin()), outcomes.get(i).trace());
            if (problem != null) {
                Tally t = tallies.get(p.shape());
                if (outcomes.get(i).verdict() == Oracle.Verdict.SAME) {
                    t.processed--;
                }
                t.differences++;
                finding(p, "difference in V8", problem);
            }
        }
        programs.clear();
        outcomes.clear();
    }

    private void finding(Program p, String what, String detail) throws IOException {
        String line = what + ": " + p.origin() + " (" + p.shape().label() + "): " + detail;
        findings.add(line);
        out.println(line);
        Files.createDirectories(findingsDir);
        Files.write(findingsDir.resolve(p.origin().replace(' ', '-') + ".wasm"), p.module());
        Files.writeString(findingsDir.resolve(p.origin().replace(' ', '-') + ".scenario"), p.scenario().toJson());
    }

    boolean bad() {
        return tallies.values().stream().anyMatch(t -> t.differences + t.crashes > 0);
    }

    Map<Shape, Tally> tallies() {
        return tallies;
    }

    List<String> findings() {
        return findings;
    }

    void report() {
        int n = 0;
        int k = 0;
        int d = 0;
        int c = 0;
        out.printf("%-28s %8s %17s  %s%n", "shape", "programs", "processed", "refused (kind: count)");
        for (Map.Entry<Shape, Tally> e : tallies.entrySet()) {
            Tally t = e.getValue();
            out.printf("%-28s %8d %8d (%5.1f%%)  %s%n", e.getKey().label(), t.programs, t.processed, 100.0 * t.processed / t.programs,
                    t.refused.isEmpty() ? "-" : t.refused.toString().replaceAll("[{}]", "").replace('=', ':'));
            n += t.programs;
            k += t.processed;
            d += t.differences;
            c += t.crashes;
        }
        out.printf("%d programs, %d processed, %d differences, %d crashes%n", n, k, d, c);
    }
}
