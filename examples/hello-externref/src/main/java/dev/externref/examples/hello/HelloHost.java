package dev.externref.examples.hello;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A Java host for the hello module (after externref processing). It gives the module
 * {@link Person} objects as externrefs; the module asks the host for greeting objects, has it
 * greet people, and tells it when it releases a reference. Imports the module needs, all in
 * module {@code host}:
 * <ul>
 *   <li>{@code new_greeting(ptr: i32, len: i32) -> externref}: a String from guest memory;</li>
 *   <li>{@code greet(person: externref, greeting: externref)}: prints "greeting, name!";</li>
 *   <li>{@code name_len(person: externref) -> i32};</li>
 *   <li>{@code released(obj: externref)}: the drop hook configured in the pom.</li>
 * </ul>
 */
public final class HelloHost {
    private final ExternRefs refs = new ExternRefs();
    private final PrintStream out;
    private final Instance instance;

    public HelloHost(byte[] processedModule, PrintStream out) {
        this.out = out;
        this.instance = Instance.builder(Parser.parse(processedModule))
                .withImportValues(ImportValues.builder().addFunction(
                        new HostFunction("host", "new_greeting",
                                FunctionType.of(List.of(ValType.I32, ValType.I32), List.of(ValType.ExternRef)),
                                (inst, args) -> {
                                    String greeting = inst.memory().readString((int) args[0], (int) args[1]);
                                    return new long[] {refs.toHandle(greeting)};
                                }),
                        new HostFunction("host", "greet",
                                FunctionType.of(List.of(ValType.ExternRef, ValType.ExternRef), List.of()),
                                (inst, args) -> {
                                    Person person = refs.toObject(args[0], Person.class);
                                    String greeting = refs.toObject(args[1], String.class);
                                    out.println("  " + greeting + ", " + person.name() + "!");
                                    return null;
                                }),
                        new HostFunction("host", "name_len",
                                FunctionType.of(List.of(ValType.ExternRef), List.of(ValType.I32)),
                                (inst, args) -> new long[] {refs.toObject(args[0], Person.class).name().length()}),
                        new HostFunction("host", "released",
                                FunctionType.of(List.of(ValType.ExternRef), List.of()),
                                (inst, args) -> {
                                    out.println("  released " + describe(refs.toObject(args[0])));
                                    return null;
                                }))
                        .build())
                .build();
    }

    private static String describe(Object o) {
        return o instanceof String s ? "greeting \"" + s + "\"" : String.valueOf(o);
    }

    /** {@code welcome(person) -> greeting}: greets one person and returns the greeting object. */
    public Object welcome(Person person) {
        out.println("welcome(" + person + ")");
        Object greeting = refs.toObject(instance.export("welcome").apply(refs.toHandle(person))[0]);
        out.println("  -> " + describe(greeting));
        return greeting;
    }

    /** {@code welcome_all(a, b) -> i32}: greets both, returns the sum of their name lengths. */
    public int welcomeAll(Person a, Person b) {
        out.println("welcome_all(" + a + ", " + b + ")");
        int total = (int) instance.export("welcome_all").apply(refs.toHandle(a), refs.toHandle(b))[0];
        out.println("  -> " + total);
        return total;
    }

    /** Runs the module at {@code args[0]} (default {@code target/wasm/hello.wasm}). */
    public static void main(String[] args) throws IOException {
        Path module = Path.of(args.length > 0 ? args[0] : "target/wasm/hello.wasm");
        System.out.println("Running " + module + " on Chicory");
        HelloHost host = new HelloHost(Files.readAllBytes(module), System.out);
        host.welcome(new Person("Ann"));
        host.welcome(new Person("Alice"));
        host.welcomeAll(new Person("Bob"), new Person("Christina"));
    }
}
