package dev.externref.examples.hello;

import com.dylibso.chicory.wasm.Parser;
import dev.externref.host.chicory.ChicoryHost;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Java host for the hello module (after externref processing), on Chicory with the
 * {@code externref-host-chicory} library: the module gets {@link Person} objects as externrefs,
 * asks the host for greeting objects, has it greet people, and releases each reference through
 * the drop hook {@code host::released} configured in the pom.
 */
public final class HelloHost {
    private final PrintStream out;
    private final ChicoryHost host;

    public HelloHost(byte[] processedModule, PrintStream out) {
        this.out = out;
        this.host = ChicoryHost.builder(Parser.parse(processedModule))
                .function("host", "new_greeting", (instance, args) -> instance.memory().readString(args.i32(0), args.i32(1)))
                .function("host", "greet", (instance, args) -> {
                    out.println("  " + args.ref(1, String.class) + ", " + args.ref(0, Person.class).name() + "!");
                    return null;
                })
                .function("host", "name_len", (instance, args) -> args.ref(0, Person.class).name().length())
                .dropHook("host", "released", o -> out.println("  released " + describe(o)))
                .build();
    }

    private static String describe(Object o) {
        return o instanceof String s ? "greeting \"" + s + "\"" : String.valueOf(o);
    }

    /** {@code welcome(person) -> greeting}: greets one person and returns the greeting object. */
    public Object welcome(Person person) {
        out.println("welcome(" + person + ")");
        Object greeting = host.call("welcome", person);
        out.println("  -> " + describe(greeting));
        return greeting;
    }

    /** {@code welcome_all(a, b) -> i32}: greets both, returns the sum of their name lengths. */
    public int welcomeAll(Person a, Person b) {
        out.println("welcome_all(" + a + ", " + b + ")");
        int total = (int) host.call("welcome_all", a, b);
        out.println("  -> " + total);
        return total;
    }

    /** The objects the module still holds (zero between calls: it releases everything). */
    public int liveReferences() {
        return host.refs().liveCount();
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
