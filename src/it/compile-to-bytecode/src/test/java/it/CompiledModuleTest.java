package it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.TrapException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The processed module, compiled to Java classes at build time (HelloModule) and interpreted from
 * its file: the same Java objects go in as externrefs, the same things happen.
 */
class CompiledModuleTest {
    /** A host for one instance: handle -> object, and what the module made it do. */
    static final class Host {
        final Map<Long, Object> objects = new HashMap<>();
        final List<String> events = new ArrayList<>();
        long next = 1;
        Instance instance;

        long handle(Object o) {
            objects.put(next, o);
            return next++;
        }

        ImportValues imports() {
            return ImportValues.builder().withFunctions(List.of(
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
                    .build();
        }

        /** welcome(Ann), welcome_all(Bob, Alice), welcome(null), which traps: results, then every event. */
        List<String> run() {
            List<String> results = new ArrayList<>();
            results.add(String.valueOf(objects.get(instance.export("welcome").apply(handle("Ann"))[0])));
            results.add(String.valueOf(instance.export("welcome_all").apply(handle("Bob"), handle("Alice"))[0]));
            try {
                instance.export("welcome").apply(-1L);
                results.add("no trap");
            } catch (TrapException e) {
                results.add("trap");
            }
            results.addAll(events);
            return results;
        }
    }

    private static List<String> run(Function<Host, Instance> start) {
        Host host = new Host();
        host.instance = start.apply(host);
        return host.run();
    }

    @Test
    void compiledAndInterpretedAgree() throws Exception {
        byte[] processed = Files.readAllBytes(Path.of(System.getProperty("hello.module")));
        List<String> interpreted = run(h -> Instance.builder(Parser.parse(processed)).withImportValues(h.imports()).build());
        List<String> compiled = run(h -> Instance.builder(HelloModule.load())
                .withImportValues(h.imports())
                .withMachineFactory(HelloModule::create)
                .build());
        System.out.println("compiled: " + compiled);
        assertEquals(List.of("Hi", "8", "trap", "Hi, Ann!", "released Hi", "released Ann",
                "Hi, Bob!", "released Hi", "Hello, Alice!", "released Hello", "released Alice", "released Bob"), interpreted);
        assertEquals(interpreted, compiled);
    }
}
