package dev.externref.maven;

import com.dylibso.chicory.wasm.Parser;
import dev.externref.host.chicory.ChicoryHost;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs a processed hello module (drop hook {@code host::released}) on Chicory through the host
 * library; people are Strings. Everything the module makes the host do is recorded in {@link #events}.
 */
public final class HelloHost {
    public final List<String> events = new ArrayList<>();
    private final ChicoryHost host;

    public HelloHost(byte[] processedModule) {
        host = ChicoryHost.builder(Parser.parse(processedModule))
                .function("host", "new_greeting", (inst, args) -> inst.memory().readString(args.i32(0), args.i32(1)))
                .function("host", "greet", (inst, args) -> {
                    events.add(args.ref(1, String.class) + ", " + args.ref(0, String.class) + "!");
                    return null;
                })
                .function("host", "name_len", (inst, args) -> args.ref(0, String.class).length())
                .dropHook("host", "released", o -> events.add("released " + o))
                .build();
    }

    public Object welcome(String person) {
        return host.call("welcome", person);
    }

    public int welcomeAll(String a, String b) {
        return (int) host.call("welcome_all", a, b);
    }

    /** The objects the module still holds. */
    public int liveCount() {
        return host.refs().liveCount();
    }
}
