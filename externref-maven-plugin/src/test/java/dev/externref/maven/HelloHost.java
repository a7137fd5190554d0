package dev.externref.maven;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a processed hello module on Chicory. Chicory passes an externref as a long handle
 * (null is -1); the host keeps handle -> object. Everything the module makes the host do is
 * recorded in {@link #events}.
 */
public final class HelloHost {
    public final List<String> events = new ArrayList<>();
    private final Map<Long, Object> objects = new HashMap<>();
    private long next = 1;
    private final Instance instance;

    public HelloHost(byte[] processedModule) {
        var module = Parser.parse(processedModule);
        List<HostFunction> functions = new ArrayList<>(List.of(
                new HostFunction("host", "new_greeting", FunctionType.of(List.of(ValType.I32, ValType.I32),
                        List.of(ValType.ExternRef)), (inst, args) -> {
                    String text = inst.memory().readString((int) args[0], (int) args[1]);
                    return new long[] {handle(text)};
                }),
                new HostFunction("host", "greet", FunctionType.of(List.of(ValType.ExternRef, ValType.ExternRef),
                        List.of()), (inst, args) -> {
                    events.add(objects.get(args[1]) + ", " + objects.get(args[0]) + "!");
                    return null;
                }),
                new HostFunction("host", "name_len", FunctionType.of(List.of(ValType.ExternRef), List.of(ValType.I32)),
                        (inst, args) -> new long[] {((String) objects.get(args[0])).length()})));
        boolean hook = module.importSection().stream().anyMatch(i -> i.module().equals("host") && i.name().equals("released"));
        if (hook) {
            functions.add(new HostFunction("host", "released", FunctionType.of(List.of(ValType.ExternRef), List.of()),
                    (inst, args) -> {
                        events.add("released " + objects.get(args[0]));
                        return null;
                    }));
        }
        instance = Instance.builder(module)
                .withImportValues(ImportValues.builder().withFunctions(new ArrayList<>(functions)).build())
                .build();
    }

    public long handle(Object o) {
        long h = next++;
        objects.put(h, o);
        return h;
    }

    public Object object(long handle) {
        return handle == -1 ? null : objects.get(handle);
    }

    public Object welcome(String person) {
        return object(instance.export("welcome").apply(handle(person))[0]);
    }

    public int welcomeAll(String a, String b) {
        return (int) instance.export("welcome_all").apply(handle(a), handle(b))[0];
    }
}
