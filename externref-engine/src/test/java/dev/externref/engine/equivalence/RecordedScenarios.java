package dev.externref.engine.equivalence;

import dev.externref.engine.error.ProcessingException;
import dev.externref.engine.format.Export;
import dev.externref.engine.format.ExternalKind;
import dev.externref.engine.format.FuncType;
import dev.externref.engine.format.ValType;
import dev.externref.engine.format.WasmModule;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * The scenarios of the WAT test modules, taken from what the tests do: the test hosts
 * ({@code Demo.Host}, {@code FlowKit.Host}) record every export call they make on a processed
 * module, and {@code ValidatedOutputs}, which saw the input of that module, has the oracle
 * replay the calls on the input and on its own processing of it, on Chicory and in V8.
 */
public final class RecordedScenarios {
    /** The calls made on one processed module, and labels for the objects they passed. */
    private static final class Recorded {
        final List<Scenario.Call> calls = new ArrayList<>();
        final Map<Object, Scenario.Given> objects = new IdentityHashMap<>();
    }

    private static final Map<ByteBuffer, Recorded> RECORDED = new HashMap<>();

    private RecordedScenarios() {
    }

    /**
     * Records a call of export {@code export} of the processed module {@code processed} with raw
     * Chicory arguments; {@code deref} gives the object behind an externref argument.
     */
    public static synchronized void record(byte[] processed, String export, long[] args, LongFunction<Object> deref) {
        Recorded r = RECORDED.computeIfAbsent(ByteBuffer.wrap(processed.clone()), k -> new Recorded());
        WasmModule m = WasmModule.parse(processed);
        Export e = m.exports().stream().filter(x -> x.kind() == ExternalKind.FUNCTION && x.name().equals(export))
                .findFirst().orElse(null);
        if (e == null) {
            return;
        }
        FuncType type = m.funcType(m.functionTypeIndex(e.index()));
        List<Object> converted = new ArrayList<>();
        for (int i = 0; i < args.length && i < type.params().size(); i++) {
            if (type.params().get(i).equals(ValType.EXTERNREF)) {
                Object o = deref.apply(args[i]);
                converted.add(o == null ? null
                        : r.objects.computeIfAbsent(o, k -> new Scenario.Given("o" + r.objects.size(), String.valueOf(k))));
            } else {
                converted.add((int) args[i]);
            }
        }
        r.calls.add(new Scenario.Call(export, converted));
    }

    /** A module a test processed: its input, and what the test's processor wrote. */
    public record Processed(String label, byte[] input, byte[] output) {
    }

    /**
     * Runs the oracle for every module of {@code modules} that a test host called: Chicory,
     * then V8 in one batch. Returns the problems, one line each; forgets the recorded calls.
     */
    public static List<String> check(List<Processed> modules) {
        List<String> problems = new ArrayList<>();
        List<V8Traces.Case> cases = new ArrayList<>();
        Map<String, List<String>> traces = new HashMap<>();
        for (Processed p : modules) {
            Recorded r;
            synchronized (RecordedScenarios.class) {
                r = RECORDED.remove(ByteBuffer.wrap(p.output()));
            }
            if (r == null || r.calls.isEmpty()) {
                continue;
            }
            Scenario scenario = new Scenario(List.copyOf(r.calls));
            Oracle.Outcome o = Oracle.check(p.input(), scenario);
            if (o.verdict() == Oracle.Verdict.REFUSED && (o.kind() == ProcessingException.Kind.BAD_DROP_FUNCTION
                    || o.kind() == ProcessingException.Kind.TABLE_NAME_TAKEN)) {
                continue; // the test's options suit this module, the oracle's do not
            }
            if (o.verdict() != Oracle.Verdict.SAME) {
                problems.add(p.label() + " [" + scenario + "]: " + o.verdict() + " " + o.detail());
                continue;
            }
            String name = cases.size() + " " + p.label();
            cases.add(new V8Traces.Case(name, p.input(), o.processed(), scenario));
            traces.put(name, o.trace());
        }
        if (!cases.isEmpty()) {
            System.out.println("[differential oracle] " + cases.size() + " module(s) replayed unprocessed and processed");
            Map<String, V8Traces.Traces> v8 = V8Traces.run(cases);
            for (V8Traces.Case c : cases) {
                String problem = V8Traces.check(c, v8.get(c.name()), traces.get(c.name()));
                if (problem != null) {
                    problems.add(c.name() + " [" + c.scenario() + "]: " + problem);
                }
            }
        }
        return problems;
    }
}
