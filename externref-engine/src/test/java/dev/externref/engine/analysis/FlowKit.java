package dev.externref.engine.analysis;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.TableInstance;
import dev.externref.engine.ExternrefProcessor;
import dev.externref.engine.error.ProcessingException;
import dev.externref.engine.error.ProcessingException.Kind;
import dev.externref.engine.format.FunctionBody;
import dev.externref.engine.format.InstructionReader;
import dev.externref.engine.format.WasmModule;
import dev.externref.engine.transform.testkit.Demo;
import dev.externref.engine.transform.testkit.Modules;
import dev.externref.engine.transform.testkit.Records;
import dev.externref.engine.transform.testkit.RefHost;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static com.dylibso.chicory.wasm.types.ValType.ExternRef;
import static com.dylibso.chicory.wasm.types.ValType.I32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo module of the transform tests ({@link Demo}) with three more described imports, so
 * that references can go to several positions of one call and come back as one of several
 * results; a Chicory host for it; and the offsets of instructions, to check that an error names
 * the offending one.
 *
 * <p>Function indices: the demo's imports 0..6 ({@code host.log}, {@code externref.insert},
 * {@code host.len}, {@code externref.get}, {@code externref.guard}, {@code host.make},
 * {@code externref.drop}), then 7 {@code host.pick (ref a, i32 which, ref b) -> ref} (a when
 * which is 0, else b), 8 {@code host.pair (i32 n) -> (ref, i32)} (a new string of n 'y' and
 * 2n), 9 {@code host.same (ref, ref) -> i32} (1 when both are the same object or both null);
 * defined: 10 {@code $len}, 11 {@code $make}, 12 export {@code length_of}, 13 export
 * {@code make}, and the functions a test adds from {@link #FIRST}.
 */
final class FlowKit {
    static final String IMPORTS = Demo.IMPORTS + """
              (import "host" "pick" (func $host_pick (param i32 i32 i32) (result i32)))
              (import "host" "pair" (func $host_pair (param i32) (result i32 i32)))
              (import "host" "same" (func $host_same (param i32 i32) (result i32)))
            """;
    /** The number of imported functions. */
    static final int IMPORTED = 10;
    /** Index of the first function a test adds. */
    static final int FIRST = 14;
    /** The processor of these tests: default table name, the demo's drop hook. */
    static final ExternrefProcessor PROCESSOR = ExternrefProcessor.builder().dropFunction(Demo.HOOK).build();

    private FlowKit() {
    }

    static String wat(String extra) {
        return "(module\n" + IMPORTS + Demo.WRAPPERS + extra + "\n)\n";
    }

    /** The records of the demo and of the three imports added here. */
    static Records records() {
        return Demo.records()
                .importFn("host", "pick", 4, 0, 2, 3)
                .importFn("host", "pair", 3, 1)
                .importFn("host", "same", 3, 0, 1);
    }

    /** The module with {@code extra} fields, and {@code records} (start from {@link #records()}). */
    static byte[] module(String extra, Records records) {
        return records.appendTo(Modules.wat(wat(extra)));
    }

    /** The module with {@code extra} fields and only the base records. */
    static byte[] module(String extra) {
        return module(extra, records());
    }

    // ------------------------------------------------------------------ errors

    /** Processing {@code input} fails; the exception. */
    static ProcessingException refused(byte[] input) {
        return assertThrows(ProcessingException.class, () -> PROCESSOR.process(input));
    }

    /**
     * The error is of {@code kind}, names {@code function} (a fragment such as
     * {@code "export 'f'"}), points at {@code offset} both in {@link ProcessingException#offset()}
     * and in its message, and says each of {@code fragments}.
     */
    static void assertRefusal(ProcessingException e, Kind kind, String function, int offset, String... fragments) {
        String message = e.getMessage();
        assertEquals(kind, e.kind(), message);
        assertTrue(e.function() != null && e.function().contains(function), "names " + function + ": " + e.function());
        assertTrue(message.contains(function), "the message names " + function + ": " + message);
        assertEquals(offset, e.offset(), "the offset of the offending instruction: " + message);
        assertTrue(message.contains("byte offset " + offset), "the message gives the offset: " + message);
        for (String f : fragments) {
            assertTrue(message.contains(f), "the message says '" + f + "': " + message);
        }
    }

    /**
     * The byte offset (in {@code module}) of the {@code occurrence}-th (from 0; negative: from
     * the end, -1 the last) instruction with {@code opcode} in function {@code function}, whose
     * first index immediate (local, global, function, label) is {@code index}, or any when
     * {@code index} is negative.
     */
    static int offset(byte[] module, int function, int opcode, int index, int occurrence) {
        WasmModule m = WasmModule.parse(module);
        FunctionBody body = m.locals(function - m.importedFunctionCount());
        InstructionReader in = InstructionReader.over(module, body.codeStart(), body.end());
        List<Integer> found = new ArrayList<>();
        while (in.hasNext()) {
            int op = in.next();
            if (op == opcode && (index < 0 || in.index() == index)) {
                found.add(in.start());
            }
        }
        int i = occurrence >= 0 ? occurrence : found.size() + occurrence;
        if (i < 0 || i >= found.size()) {
            throw new AssertionError("function " + function + " has " + found.size() + " such instruction(s), not "
                    + occurrence);
        }
        return found.get(i);
    }

    /** The offset of the only instruction {@code opcode} (with {@code index}) of the function. */
    static int offset(byte[] module, int function, int opcode, int index) {
        int first = offset(module, function, opcode, index, 0);
        int last = offset(module, function, opcode, index, -1);
        if (first != last) {
            throw new AssertionError("function " + function + " has several such instructions");
        }
        return first;
    }

    /** The body of function {@code function} (an output index) in a processed module parsed by Chicory. */
    static com.dylibso.chicory.wasm.types.FunctionBody outputBody(com.dylibso.chicory.wasm.WasmModule parsed, int function) {
        int importedFunctions = 0;
        for (int i = 0; i < parsed.importSection().importCount(); i++) {
            if (parsed.importSection().getImport(i).importType() == com.dylibso.chicory.wasm.types.ExternalType.FUNCTION) {
                importedFunctions++;
            }
        }
        return parsed.codeSection().getFunctionBody(function - importedFunctions);
    }

    /**
     * {@code module} with the body (locals and code, without its size) of defined function
     * {@code definedIndex} replaced: for functions too deeply nested for the WAT assembler.
     */
    static byte[] withBody(byte[] module, int definedIndex, byte[] body) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(module, 0, 8);
        int p = 8;
        while (p < module.length) {
            int id = module[p] & 0xFF;
            int[] size = leb(module, p + 1);
            int payload = size[1];
            int end = payload + size[0];
            if (id != 10) {
                out.write(module, p, end - p);
            } else {
                java.io.ByteArrayOutputStream code = new java.io.ByteArrayOutputStream();
                int[] count = leb(module, payload);
                code.writeBytes(Modules.leb(count[0]));
                int q = count[1];
                for (int i = 0; i < count[0]; i++) {
                    int[] bodySize = leb(module, q);
                    int next = bodySize[1] + bodySize[0];
                    if (i == definedIndex) {
                        code.writeBytes(Modules.leb(body.length));
                        code.writeBytes(body);
                    } else {
                        code.write(module, q, next - q);
                    }
                    q = next;
                }
                out.write(10);
                out.writeBytes(Modules.leb(code.size()));
                out.writeBytes(code.toByteArray());
            }
            p = end;
        }
        return out.toByteArray();
    }

    /** An unsigned LEB128 at {@code at}: its value and the offset after it. */
    private static int[] leb(byte[] b, int at) {
        int value = 0;
        int shift = 0;
        int p = at;
        while (true) {
            int x = b[p++] & 0xFF;
            value |= (x & 0x7F) << shift;
            shift += 7;
            if (x < 0x80) {
                return new int[] {value, p};
            }
        }
    }

    // ------------------------------------------------------------------ host

    /**
     * A Chicory instance of a processed module of this kit: {@code host.len} is a string's
     * length (0 for null), {@code host.make(n)} a new string of n 'x', {@code host.pick},
     * {@code host.pair} and {@code host.same} as described above; logs, the references the
     * host received, and drops (checked to be in the table at the time) are recorded.
     */
    static final class Host {
        final RefHost refs = new RefHost();
        final List<Object> drops = new ArrayList<>();
        final List<Integer> logs = new ArrayList<>();
        /** Every reference argument an import received, in order (null for a null reference). */
        final List<Object> seen = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
        final Instance instance;
        /** The processed module, whose calls the differential oracle replays. */
        private final byte[] module;

        Host(byte[] processed) {
            List<HostFunction> functions = List.of(
                    RefHost.function("host", "log", List.of(I32), List.of(), (inst, args) -> {
                        logs.add((int) args[0]);
                        return null;
                    }),
                    RefHost.function("host", "len", List.of(ExternRef), List.of(I32), (inst, args) -> {
                        Object o = see(args[0]);
                        return new long[] {o == null ? 0 : o.toString().length()};
                    }),
                    RefHost.function("host", "make", List.of(I32), List.of(ExternRef),
                            (inst, args) -> new long[] {refs.ref(new StringBuilder("x".repeat((int) args[0])))}),
                    RefHost.function("host", "pick", List.of(ExternRef, I32, ExternRef), List.of(ExternRef),
                            (inst, args) -> {
                                Object a = see(args[0]);
                                Object b = see(args[2]);
                                return new long[] {refs.ref(args[1] == 0 ? a : b)};
                            }),
                    RefHost.function("host", "pair", List.of(I32), List.of(ExternRef, I32),
                            (inst, args) -> new long[] {refs.ref(new StringBuilder("y".repeat((int) args[0]))),
                                2 * args[0]}),
                    RefHost.function("host", "same", List.of(ExternRef, ExternRef), List.of(I32),
                            (inst, args) -> new long[] {see(args[0]) == see(args[1]) ? 1 : 0}),
                    RefHost.function(Demo.HOOK.module(), Demo.HOOK.name(), List.of(ExternRef), List.of(), (inst, args) -> {
                        Object o = refs.deref(args[0]);
                        drops.add(o);
                        if (o == null || refs.live(table()).stream().noneMatch(r -> r == o)) {
                            failures.add("drop hook called with " + o + ", which is not in the table");
                        }
                        return null;
                    }));
            instance = RefHost.instantiate(processed, functions.toArray(HostFunction[]::new));
            module = processed;
        }

        private Object see(long handle) {
            Object o = refs.deref(handle);
            seen.add(o);
            return o;
        }

        TableInstance table() {
            return instance.exports().table("externrefs");
        }

        /** Calls an export; its single result, or 0 when it has none. */
        long call(String export, long... args) {
            dev.externref.engine.equivalence.RecordedScenarios.record(module, export, args, refs::deref);
            long[] r = instance.export(export).apply(args);
            return r == null || r.length == 0 ? 0 : r[0];
        }

        /** The object behind an externref result. */
        Object object(long handle) {
            return refs.deref(handle);
        }

        /** Nothing is left in the table, and the drop hook saw only live references. */
        void assertClean() {
            assertEquals(List.of(), refs.live(table()), "no reference is left in the table");
            assertEquals(List.of(), failures);
        }
    }

    /**
     * Runs {@code export(args)} of a processed module of this kit in V8 (for what Chicory's
     * interpreter cannot run, such as SIMD), with the same host functions over JavaScript
     * strings; returns the export's result.
     */
    static String callInNode(byte[] processed, String export, int... args) {
        try {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("flowkit");
            java.nio.file.Path wasm = dir.resolve("m.wasm");
            java.nio.file.Path script = dir.resolve("run.mjs");
            java.nio.file.Files.write(wasm, processed);
            java.nio.file.Files.writeString(script, """
                    import { readFileSync } from 'node:fs';
                    const m = new WebAssembly.Module(readFileSync(process.argv[2]));
                    const len = (s) => (s === null ? 0 : s.length);
                    const i = new WebAssembly.Instance(m, {
                      host: {
                        log: () => {}, len, make: (n) => 'x'.repeat(n),
                        pick: (a, w, b) => (w === 0 ? a : b), pair: (n) => ['y'.repeat(n), 2 * n],
                        same: (a, b) => (a === b ? 1 : 0),
                      },
                      hooks: { drop: () => {} },
                    });
                    const args = process.argv.slice(4).map(Number);
                    console.log(String(i.exports[process.argv[3]](...args)));
                    """);
            List<String> argv = new ArrayList<>(List.of(wasm.toString(), export));
            for (int a : args) {
                argv.add(Integer.toString(a));
            }
            dev.externref.engine.testing.Node.Result r = dev.externref.engine.testing.Node.run(
                    dev.externref.engine.testing.Node.DEFAULT_TIMEOUT, script, argv, null);
            if (!r.ok()) {
                throw new AssertionError(r.describe());
            }
            return r.stdout().trim();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A new host object standing for a reference the host passes in. */
    static Object text(String s) {
        return new StringBuilder(Objects.requireNonNull(s));
    }
}
