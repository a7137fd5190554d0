package dev.externref.engine.equivalence;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What the host's imports do, over objects, the same whether the module is processed or not
 * (and the same as {@code src/test/node/equivalence.mjs}): the functions of the committed
 * guests' and the WAT test modules' interfaces by name (strings read from memory, lengths,
 * {@code check_live} and {@code inspect_refs} showing the live references), and for any other import a deterministic
 * answer from the call count: a reference result is null, one of the reference arguments, or a
 * new object; an integer result a small number mixing the count and the integer arguments.
 * Every call is one trace line: {@code module.name(args) -> results}.
 */
final class ImportSemantics {
    /** What a host function may ask of the module it serves. */
    interface Env {
        /** UTF-8 text at {@code ptr..ptr+len} of the module's memory. */
        String string(int ptr, int len);

        /** Labels of the live references of the table, sorted. */
        List<String> live();

        void trace(String line);
    }

    private final Map<String, Integer> made = new HashMap<>();
    private int calls;

    /**
     * Calls import {@code module.name} with {@code args} (objects, null, or {@link Long} integers);
     * {@code refResults[i]} says whether result i is a reference. Returns the results the same way.
     */
    Object[] call(String module, String name, Object[] args, boolean[] refResults, Env env) {
        int n = calls++;
        Object[] out = new Object[refResults.length];
        String what = module + "." + name + "(" + list(args) + ")";
        switch (name) {
            case "new_object", "new_greeting" -> out[0] = make(env.string(i(args[0]), i(args[1])));
            case "send_message" -> out[0] = make(env.string(i(args[1]), i(args[2])));
            case "message_len", "object_tag_len", "name_len", "len" -> out[0] = (long) length(args[0]);
            case "observe" -> out[0] = (long) (args[0] == null ? 0 : length(args[0]) + 1);
            case "combine" -> out[0] = make(text(args[0]) + "+" + text(args[1]));
            case "pick" -> out[0] = args[0] instanceof Long flag ? (flag != 0 ? args[1] : args[2])
                    : (i(args[1]) == 0 ? args[0] : args[2]);
            case "make" -> out[0] = make("x".repeat(i(args[0])));
            case "pair" -> {
                out[0] = make("y".repeat(i(args[0])));
                out[1] = 2 * (long) (Long) args[0];
            }
            case "same" -> out[0] = args[0] == args[1] ? 1L : 0L;
            case "check_live", "inspect_refs" -> what += " live " + env.live();
            case "log" -> what += args.length == 2 ? " \"" + env.string(i(args[0]), i(args[1])) + "\"" : "";
            case "greet" -> what += " \"" + text(args[1]) + ", " + text(args[0]) + "!\"";
            default -> generic(name, n, args, refResults, out);
        }
        if (refResults.length > 0) {
            what += " -> " + list(out);
        }
        env.trace(what);
        return out;
    }

    private void generic(String name, int n, Object[] args, boolean[] refResults, Object[] out) {
        long ints = 0;
        Object firstRef = null;
        for (Object a : args) {
            if (a instanceof Long l) {
                ints += l;
            } else if (a != null && firstRef == null) {
                firstRef = a;
            }
        }
        for (int r = 0; r < refResults.length; r++) {
            int k = n + r;
            if (!refResults[r]) {
                out[r] = Math.floorMod(k * 7L + ints, 5L);
            } else if (k % 7 == 3) {
                out[r] = null;
            } else if (k % 3 == 1 && firstRef != null) {
                out[r] = firstRef;
            } else {
                out[r] = make(name);
            }
        }
    }

    private Obj make(String text) {
        int k = made.merge(text, 1, Integer::sum) - 1;
        return new Obj(text + "#" + k, text);
    }

    private static int i(Object o) {
        return (int) (long) (Long) o;
    }

    private static String text(Object o) {
        return o == null ? "null" : ((Obj) o).text;
    }

    private static int length(Object o) {
        return o == null ? 0 : ((Obj) o).text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    static String list(Object[] values) {
        List<String> parts = new ArrayList<>();
        for (Object v : values) {
            parts.add(v instanceof Long || v instanceof Integer ? v.toString() : Obj.label(v));
        }
        return parts.stream().collect(Collectors.joining(", "));
    }
}
