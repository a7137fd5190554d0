package dev.externref.engine.testing;

import dev.externref.engine.DropFunction;
import dev.externref.host.Arguments;
import dev.externref.host.ExternRefHost;
import dev.externref.host.ExternRefs;
import dev.externref.host.chicory.ChicoryHost;
import dev.externref.host.endive.EndiveHost;

import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * The two JVM runtimes a processed module runs on in these tests, both through the host library
 * ({@code externref-host-chicory}, {@code externref-host-endive}): one way to start a guest and
 * look at it, whichever runtime runs it.
 */
public enum HostRuntime {
    CHICORY {
        @Override
        public Guest start(byte[] module, ExternRefs refs, List<Import> imports, DropFunction hook, Consumer<Object> dropped,
                OutputStream wasiOutput) {
            var parsed = com.dylibso.chicory.wasm.Parser.parse(module);
            ChicoryHost.Builder builder = ChicoryHost.builder(parsed);
            if (importsWasi(parsed.importSection().stream().map(i -> i.module()))) {
                var options = com.dylibso.chicory.wasi.WasiOptions.builder()
                        .withStdout(wasiOutput).withStderr(wasiOutput).build();
                builder.addFunction(com.dylibso.chicory.wasi.WasiPreview1.builder().withOptions(options).build()
                        .toHostFunctions());
            }
            ChicoryHost host = build(builder, instance -> instance.memory()::readBytes, refs, imports, hook, dropped);
            return guest(host, table -> {
                var t = host.instance().exports().table(table);
                List<Object> slots = new ArrayList<>(t.size());
                for (int i = 0; i < t.size(); i++) {
                    slots.add(refs.object(t.ref(i)));
                }
                return slots;
            }, table -> host.instance().exports().table(table).size());
        }
    },
    ENDIVE {
        @Override
        public Guest start(byte[] module, ExternRefs refs, List<Import> imports, DropFunction hook, Consumer<Object> dropped,
                OutputStream wasiOutput) {
            var parsed = run.endive.wasm.Parser.parse(module);
            EndiveHost.Builder builder = EndiveHost.builder(parsed);
            if (importsWasi(parsed.importSection().stream().map(i -> i.module()))) {
                var options = run.endive.wasi.WasiOptions.builder()
                        .withStdout(wasiOutput).withStderr(wasiOutput).build();
                builder.addFunction(run.endive.wasi.WasiPreview1.builder().withOptions(options).build()
                        .toHostFunctions());
            }
            EndiveHost host = build(builder, instance -> instance.memory()::readBytes, refs, imports, hook, dropped);
            return guest(host, table -> {
                var t = host.instance().exports().table(table);
                List<Object> slots = new ArrayList<>(t.size());
                for (int i = 0; i < t.size(); i++) {
                    slots.add(t.objRef(i));
                }
                return slots;
            }, table -> host.instance().exports().table(table).size());
        }
    };

    /** The imports and the drop hook, on either runtime's builder. */
    @SuppressWarnings("unchecked")
    private static <I, H extends ExternRefHost> H build(ExternRefHost.Builder<I, ?> builder, Function<I, Memory> memory,
            ExternRefs refs, List<Import> imports, DropFunction hook, Consumer<Object> dropped) {
        builder.refs(refs);
        for (Import i : imports) {
            builder.function(i.module(), i.name(), (instance, args) -> i.body().call(memory.apply(instance), args));
        }
        if (hook != null) {
            builder.dropHook(hook.module(), hook.name(), dropped);
        }
        return (H) builder.build();
    }

    private static Guest guest(ExternRefHost host, Function<String, List<Object>> slots, ToIntFunction<String> size) {
        return new Guest() {
            @Override
            public Object call(String export, Object... args) {
                return host.call(export, args);
            }

            @Override
            public List<Object> tableSlots(String table) {
                return slots.apply(table);
            }

            @Override
            public int tableSize(String table) {
                return size.applyAsInt(table);
            }
        };
    }

    /** The guest's memory, as host functions read it. */
    @FunctionalInterface
    public interface Memory {
        byte[] read(int ptr, int len);
    }

    /** A host function's body, runtime-neutral. */
    @FunctionalInterface
    public interface Body {
        Object call(Memory memory, Arguments args);
    }

    /** A host function the module imports as {@code module.name}. */
    public record Import(String module, String name, Body body) {
    }

    /** A running guest. */
    public interface Guest {
        /** Calls an export with Java values. */
        Object call(String export, Object... args);

        /**
         * The objects in an exported externref table, slot by slot (null for an empty slot); a
         * value the host never handed out fails on Chicory with the registry's exception.
         */
        List<Object> tableSlots(String table);

        /** The size of an exported table. */
        int tableSize(String table);

        /** The non-null objects of the table, in slot order. */
        default List<Object> live(String table) {
            List<Object> live = new ArrayList<>();
            for (Object o : tableSlots(table)) {
                if (o != null) {
                    live.add(o);
                }
            }
            return live;
        }
    }

    /** The module WASI preview 1 imports come from ({@code wasm32-wasip1} guests). */
    public static final String WASI_MODULE = "wasi_snapshot_preview1";

    private static boolean importsWasi(java.util.stream.Stream<String> importModules) {
        return importModules.anyMatch(WASI_MODULE::equals);
    }

    /**
     * Instantiates a processed module with these host functions and, if {@code hook} is not
     * null, the drop hook (telling {@code dropped} before each release); a module without WASI
     * imports.
     */
    public Guest start(byte[] module, ExternRefs refs, List<Import> imports, DropFunction hook, Consumer<Object> dropped) {
        return start(module, refs, imports, hook, dropped, OutputStream.nullOutputStream());
    }

    /**
     * As {@link #start(byte[], ExternRefs, List, DropFunction, Consumer)}; a module that imports
     * {@code wasi_snapshot_preview1} gets the runtime's WASI (no arguments, environment or
     * directories), writing its stdout and stderr to {@code wasiOutput}.
     */
    public abstract Guest start(byte[] module, ExternRefs refs, List<Import> imports, DropFunction hook,
            Consumer<Object> dropped, OutputStream wasiOutput);
}
