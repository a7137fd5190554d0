package dev.externref.engine.transform.testkit;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.TableInstance;
import dev.externref.engine.DropFunction;

import java.util.ArrayList;
import java.util.List;

import static com.dylibso.chicory.wasm.types.ValType.ExternRef;
import static com.dylibso.chicory.wasm.types.ValType.I32;

/**
 * A small module in the shape rustc gives the externref crate's output, written in WAT: the
 * surrogate imports interleaved with real ones, guarded import wrappers, and exports that call
 * insert/get/drop directly. Tests splice their own functions into it.
 *
 * <p>Function indices: 0 {@code host.log (i32)}, 1 {@code externref.insert}, 2
 * {@code host.len (ref) -> i32}, 3 {@code externref.get}, 4 {@code externref.guard}, 5
 * {@code host.make (i32) -> ref}, 6 {@code externref.drop}; defined functions from 7:
 * 7 {@code $len} (wrapper of host.len), 8 {@code $make} (wrapper of host.make, keeps the new
 * reference in a local), 9 export {@code length_of (ref) -> i32}, 10 export {@code make (i32) -> ref},
 * then whatever a test adds.
 */
public final class Demo {
    public static final DropFunction HOOK = new DropFunction("hooks", "drop");
    /** Function index of {@code externref.guard}: {@code call $guard} is {@code 10 04}. */
    public static final int GUARD = 4;
    /** The functions of {@link #wat(String)} before the added ones: 7 imports, 4 defined. */
    public static final int FUNCTIONS = 11;

    public static final String IMPORTS = """
              (import "host" "log" (func $log (param i32)))
              (import "externref" "insert" (func $insert (param i32) (result i32)))
              (import "host" "len" (func $host_len (param i32) (result i32)))
              (import "externref" "get" (func $get (param i32) (result i32)))
              (import "externref" "guard" (func $guard))
              (import "host" "make" (func $host_make (param i32) (result i32)))
              (import "externref" "drop" (func $drop (param i32)))
            """;

    public static final String WRAPPERS = """
              (memory (export "memory") 1)
              (global $sp (mut i32) (i32.const 1024))
              (func $len (param $slot i32) (result i32)
                call $guard
                local.get $slot
                call $get
                call $host_len)
              (func $make (param $n i32) (result i32) (local $r i32)
                call $guard
                local.get $n
                call $host_make
                local.set $r
                local.get $r
                call $insert)
              (func (export "length_of") (param $ref i32) (result i32) (local $slot i32) (local $n i32)
                local.get $ref
                call $insert
                local.set $slot
                local.get $slot
                call $len
                local.set $n
                local.get $slot
                call $drop
                local.get $n)
              (func (export "make") (param $n i32) (result i32) (local $slot i32)
                local.get $n
                call $make
                local.set $slot
                local.get $slot
                call $get
                local.get $slot
                call $drop)
            """;

    private Demo() {
    }

    /** The demo module's WAT with {@code extra} module fields added at the end. */
    public static String wat(String extra) {
        return "(module\n" + IMPORTS + WRAPPERS + extra + "\n)\n";
    }

    /** The records of the demo's imports and exports. */
    public static Records records() {
        return Records.of()
                .importFn("host", "len", 2, 0)
                .importFn("host", "make", 2, 1)
                .export("length_of", 2, 0)
                .export("make", 2, 1);
    }

    /** The demo with {@code extra} fields, assembled, with the demo's records plus {@code more}. */
    public static byte[] module(String extra, Records records) {
        return records.appendTo(Modules.wat(wat(extra)));
    }

    /** The demo as it is, with its records. */
    public static byte[] module() {
        return module("", records());
    }

    /**
     * A Chicory instance of a processed demo: {@code host.len} gives the length of a string
     * reference (0 for null), {@code host.make(n)} a new string of n 'x', {@code host.log} is
     * recorded, and the drop hook {@link #HOOK} (when imported) records what it sees and checks
     * that the reference is still in the table.
     */
    public static final class Host {
        public final RefHost refs = new RefHost();
        public final List<Object> drops = new ArrayList<>();
        public final List<Integer> logs = new ArrayList<>();
        public final List<String> failures = new ArrayList<>();
        public final Instance instance;
        private final String table;
        /** The processed module, whose calls the differential oracle replays. */
        private final byte[] module;

        public Host(byte[] processed) {
            this(processed, "externrefs", true);
        }

        public Host(byte[] processed, String table, boolean hook) {
            this.table = table;
            List<HostFunction> functions = new ArrayList<>(List.of(
                    RefHost.function("host", "log", List.of(I32), List.of(), (inst, args) -> {
                        logs.add((int) args[0]);
                        return null;
                    }),
                    RefHost.function("host", "len", List.of(ExternRef), List.of(I32), (inst, args) -> {
                        Object o = refs.deref(args[0]);
                        return new long[] {o == null ? 0 : o.toString().length()};
                    }),
                    RefHost.function("host", "make", List.of(I32), List.of(ExternRef),
                            (inst, args) -> new long[] {refs.ref(new StringBuilder("x".repeat((int) args[0])))})));
            if (hook) {
                functions.add(RefHost.function(HOOK.module(), HOOK.name(), List.of(ExternRef), List.of(), (inst, args) -> {
                    Object o = refs.deref(args[0]);
                    drops.add(o);
                    if (o == null || refs.live(table()).stream().noneMatch(r -> r == o)) {
                        failures.add("drop hook called with " + o + ", which is not in the table");
                    }
                    return null;
                }));
            }
            instance = RefHost.instantiate(processed, functions.toArray(HostFunction[]::new));
            module = processed;
        }

        public TableInstance table() {
            return instance.exports().table(table);
        }

        /** Calls an export; returns its single result, or 0 when it has none. */
        public long call(String export, long... args) {
            dev.externref.engine.equivalence.RecordedScenarios.record(module, export, args, refs::deref);
            long[] r = instance.export(export).apply(args);
            return r == null || r.length == 0 ? 0 : r[0];
        }
    }
}
