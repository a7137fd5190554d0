package it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Runs the producer's processed module: Java objects go in as externrefs, the drop hook sees them leave. */
class ProcessedModuleTest {
    private final Map<Long, Object> objects = new HashMap<>();
    private final List<String> events = new ArrayList<>();
    private long next = 1;

    private long handle(Object o) {
        objects.put(next, o);
        return next++;
    }

    @Test
    void welcomesAJavaObject() throws Exception {
        Path module = Path.of(System.getProperty("hello.module"));
        assertTrue(module.toString().endsWith(".wasm"), module.toString());
        System.out.println("consumer test runs " + module);
        Instance instance = Instance.builder(Parser.parse(Files.readAllBytes(module)))
                .withImportValues(ImportValues.builder().withFunctions(List.of(
                        new HostFunction("host", "new_greeting", FunctionType.of(List.of(ValType.I32, ValType.I32),
                                List.of(ValType.ExternRef)),
                                (inst, args) -> new long[] {handle(inst.memory().readString((int) args[0], (int) args[1]))}),
                        new HostFunction("host", "greet", FunctionType.of(List.of(ValType.ExternRef, ValType.ExternRef),
                                List.of()), (inst, args) -> {
                                    events.add(objects.get(args[1]) + ", " + objects.get(args[0]) + "!");
                                    return null;
                                }),
                        new HostFunction("host", "name_len", FunctionType.of(List.of(ValType.ExternRef), List.of(ValType.I32)),
                                (inst, args) -> new long[] {((String) objects.get(args[0])).length()}),
                        new HostFunction("host", "released", FunctionType.of(List.of(ValType.ExternRef), List.of()),
                                (inst, args) -> {
                                    events.add("released " + objects.get(args[0]));
                                    return null;
                                })))
                        .build())
                .build();
        Object greeting = objects.get(instance.export("welcome").apply(handle("Ann"))[0]);
        assertEquals("Hi", greeting);
        assertEquals(List.of("Hi, Ann!", "released Hi", "released Ann"), events);
    }
}
