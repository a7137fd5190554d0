package dev.externref.engine.guest;

import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The interface of a guest module after processing, as its specification states it
 * ({@code fixtures/rust-guest/SCENARIO.md}, {@code examples/hello-externref/guest/README.md}):
 * the {@code host} imports and the exports, each as {@code params->results} with
 * {@code i32}/{@code externref} (the notation of {@code fixtures/rust-guest/scenario.mjs}).
 *
 * @param scenario the scenario's name in {@code scenario.mjs} and {@code host.mjs}: main or hello
 * @param imports  {@code host.name} to signature
 * @param exports  export name to signature
 */
record GuestInterface(String scenario, Map<String, String> imports, Map<String, String> exports) {

    static final GuestInterface MAIN = new GuestInterface("main",
            ordered("host.new_object", "i32,i32->externref",
                    "host.object_tag_len", "externref->i32",
                    "host.combine", "externref,externref->externref",
                    "host.observe", "externref->i32",
                    "host.pick", "i32,externref,externref->externref",
                    "host.check_live", "i32->",
                    "host.log", "i32,i32->"),
            ordered("roundtrip", "externref->externref",
                    "build_list", "i32->i32",
                    "combine_all", "externref,externref,externref->externref",
                    "nullable", "externref,i32->externref",
                    "stash", "externref->i32",
                    "stash_observe", "i32->i32",
                    "unstash", "i32->externref",
                    "stash_sweep", "->i32",
                    "pin_copy", "externref->i32",
                    "observe_pinned", "->i32",
                    "churn", "i32->i32"));

    static final GuestInterface HELLO = new GuestInterface("hello",
            ordered("host.new_greeting", "i32,i32->externref",
                    "host.greet", "externref,externref->",
                    "host.name_len", "externref->i32"),
            ordered("welcome", "externref->externref",
                    "welcome_all", "externref,externref->i32"));

    /** A signature in Chicory's terms. */
    static FunctionType functionType(String signature) {
        String[] sides = signature.split("->", -1);
        return FunctionType.of(valTypes(sides[0]), valTypes(sides[1]));
    }

    /** A Chicory function type in this notation. */
    static String signature(FunctionType type) {
        return names(type.params()) + "->" + names(type.returns());
    }

    /**
     * The lines the engine's {@code ProcessingReport} should list for the imports (or exports)
     * that carry references, e.g. {@code host.pick (i32, externref, externref) -> externref}.
     */
    static List<String> reportLines(Map<String, String> signatures) {
        List<String> lines = new ArrayList<>();
        signatures.forEach((name, signature) -> {
            if (signature.contains("externref")) {
                String[] sides = signature.split("->", -1);
                List<String> results = list(sides[1]);
                lines.add(name + " (" + String.join(", ", list(sides[0])) + ") -> "
                        + (results.size() == 1 ? results.get(0) : "(" + String.join(", ", results) + ")"));
            }
        });
        return lines;
    }

    private static List<String> list(String side) {
        return side.isEmpty() ? List.of() : Arrays.asList(side.split(","));
    }

    private static ValType[] valTypes(String side) {
        return list(side).stream().map(GuestInterface::valType).toArray(ValType[]::new);
    }

    private static ValType valType(String name) {
        switch (name) {
            case "i32": return ValType.I32;
            case "externref": return ValType.ExternRef;
            default: throw new IllegalArgumentException("value type " + name);
        }
    }

    private static String names(List<ValType> types) {
        return types.stream().map(t -> {
            if (t.equals(ValType.I32)) {
                return "i32";
            }
            if (t.equals(ValType.ExternRef)) {
                return "externref";
            }
            return t.toString();
        }).collect(Collectors.joining(","));
    }

    private static Map<String, String> ordered(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return Collections.unmodifiableMap(map);
    }
}
