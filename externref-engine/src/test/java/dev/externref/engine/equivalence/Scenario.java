package dev.externref.engine.equivalence;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What the host does with a module: export calls in order, each with its arguments. An argument
 * is a {@link Given} object (the same label is the same object throughout one run), null (a null
 * reference), or an {@link Integer}. The same scenario drives the unprocessed and the processed
 * module, on Chicory and in V8.
 */
record Scenario(List<Call> calls) {
    /** An object the host passes in, by label; its text is what length-reading imports see. */
    record Given(String label, String text) {
    }

    /** One export call. */
    record Call(String export, List<Object> args) {
    }

    static Builder builder() {
        return new Builder();
    }

    /** The scenario as JSON, for the V8 runner ({@code src/test/node/equivalence.mjs}). */
    String toJson() {
        return calls.stream().map(c -> "{\"export\":" + Json.string(c.export()) + ",\"args\":["
                + c.args().stream().map(Scenario::argJson).collect(Collectors.joining(",")) + "]}")
                .collect(Collectors.joining(",", "[", "]"));
    }

    private static String argJson(Object a) {
        if (a == null) {
            return "null";
        }
        if (a instanceof Given g) {
            return "{\"obj\":" + Json.string(g.label()) + ",\"text\":" + Json.string(g.text()) + "}";
        }
        return a.toString();
    }

    @Override
    public String toString() {
        return calls.stream().map(c -> c.export() + c.args().stream()
                .map(a -> a instanceof Given g ? g.label() : String.valueOf(a))
                .collect(Collectors.joining(", ", "(", ")"))).collect(Collectors.joining("; "));
    }

    static final class Builder {
        private final List<Call> calls = new ArrayList<>();

        Builder call(String export, Object... args) {
            calls.add(new Call(export, java.util.Arrays.asList(args)));
            return this;
        }

        Scenario build() {
            return new Scenario(List.copyOf(calls));
        }
    }
}
