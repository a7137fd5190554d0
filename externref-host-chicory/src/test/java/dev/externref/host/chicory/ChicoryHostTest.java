package dev.externref.host.chicory;

import com.dylibso.chicory.wasm.Parser;
import dev.externref.host.ExternRefs;
import dev.externref.host.contract.HostContract;

import java.util.function.Consumer;

class ChicoryHostTest extends HostContract {
    @Override
    protected Guest start(ExternRefs refs, Consumer<Object> dropped) {
        return ChicoryHost.builder(Parser.parse(MODULE)).refs(refs)
                .function("host", "make", (instance, args) -> make(instance.memory().readString(args.i32(0), args.i32(1))))
                .function("host", "len", (instance, args) -> len(args))
                .function("host", "pair", (instance, args) -> pair(args))
                .dropHook("host", "released", dropped)
                .build()::call;
    }

    @Override
    protected void provideFunction(String module, String name) {
        ChicoryHost.builder(Parser.parse(MODULE)).function(module, name, (instance, args) -> null);
    }

    @Override
    protected void provideDropHook(String module, String name) {
        ChicoryHost.builder(Parser.parse(MODULE)).dropHook(module, name);
    }
}
