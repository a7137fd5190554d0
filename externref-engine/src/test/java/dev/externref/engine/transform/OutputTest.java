package dev.externref.engine.transform;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.UnknownCustomSection;
import com.dylibso.chicory.wasm.types.ValType;
import dev.externref.engine.DropFunction;
import dev.externref.engine.ExternrefProcessor;
import dev.externref.engine.error.ProcessingException;
import dev.externref.engine.error.ProcessingException.Kind;
import dev.externref.engine.ProcessingReport;
import dev.externref.engine.ProcessingResult;
import dev.externref.engine.testing.SharedFiles;
import dev.externref.engine.transform.testkit.Demo;
import dev.externref.engine.transform.testkit.Modules;
import dev.externref.engine.transform.testkit.Records;
import dev.externref.engine.transform.testkit.ValidatedOutputs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ABI.md, "Output": the shape of the processed module. Nothing-to-do and idempotence, the
 * options (table name, drop hook) and their errors, renumbering of every use of a function
 * index around a module's own funcref table, the {@code name} and {@code producers}
 * sections, other content kept, determinism.
 */
class OutputTest {
    @RegisterExtension
    static final ValidatedOutputs outputs = new ValidatedOutputs();

    private static final ExternrefProcessor DEFAULT = ExternrefProcessor.builder().build();
    private static final ExternrefProcessor WITH_HOOK = ExternrefProcessor.builder().dropFunction(Demo.HOOK).build();

    private static List<String> imports(WasmModule m) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < m.importSection().importCount(); i++) {
            var imp = m.importSection().getImport(i);
            names.add(imp.module() + "." + imp.name() + ":" + imp.importType());
        }
        return names;
    }

    private static Map<String, String> exports(WasmModule m) {
        Map<String, String> exports = new LinkedHashMap<>();
        for (int i = 0; i < m.exportSection().exportCount(); i++) {
            var e = m.exportSection().getExport(i);
            exports.put(e.name(), e.exportType() + " " + e.index());
        }
        return exports;
    }

    private static FunctionType functionType(WasmModule m, int function) {
        int imported = m.importSection().count(ExternalType.FUNCTION);
        if (function < imported) {
            int f = 0;
            for (int i = 0; i < m.importSection().importCount(); i++) {
                var imp = m.importSection().getImport(i);
                if (imp.importType() == ExternalType.FUNCTION && f++ == function) {
                    return m.typeSection().getType(((com.dylibso.chicory.wasm.types.FunctionImport) imp).typeIndex());
                }
            }
        }
        return m.typeSection().getType(m.functionSection().getFunctionType(function - imported));
    }

    // ---- nothing to do

    @Test
    void aModuleWithoutTheSectionIsReturnedByteForByte() {
        byte[] input = Modules.wat(Demo.wat(""));
        ProcessingResult r = WITH_HOOK.process(input);
        assertFalse(r.changed());
        assertArrayEquals(input, r.output());
        assertEquals(ProcessingReport.nothingToDo(), r.report());
    }

    @Test
    void processingAProcessedModuleAgainChangesNothing() {
        byte[] once = outputs.process(WITH_HOOK, Demo.module(), "once").output();
        ProcessingResult twice = WITH_HOOK.process(once);
        assertFalse(twice.changed());
        assertArrayEquals(once, twice.output());
    }

    @Test
    void theSameInputGivesTheSameBytes() throws Exception {
        byte[] fixture = Files.readAllBytes(SharedFiles.fixture("upstream-e2e.wasm"));
        for (byte[] input : List.of(Demo.module(), renumberingModule(), fixture)) {
            byte[] a = WITH_HOOK.process(input).output();
            byte[] b = ExternrefProcessor.builder().dropFunction(new DropFunction("hooks", "drop")).build().process(input.clone()).output();
            assertArrayEquals(a, b);
        }
    }

    // ---- surrogate imports anywhere among the real ones

    @ParameterizedTest
    @ValueSource(strings = {"0123456", "6543210", "1356024", "0241356", "3102465", "5630142"})
    void surrogateImportsInAnyOrderAreReplaced(String order) {
        List<String> lines = Demo.IMPORTS.lines().toList();
        StringBuilder imports = new StringBuilder();
        for (char c : order.toCharArray()) {
            imports.append(lines.get(c - '0')).append('\n');
        }
        byte[] input = Demo.records().appendTo(Modules.wat("(module\n" + imports + Demo.WRAPPERS + ")"));
        Demo.Host host = new Demo.Host(outputs.process(WITH_HOOK, input, "order " + order).output());
        assertEquals(4, host.call("length_of", host.refs.ref("four")));
        assertEquals("xx", host.refs.deref(host.call("make", 2)).toString());
        assertEquals(2, host.drops.size());
        assertEquals(List.of(), host.failures);
    }

    // ---- the table option

    @Test
    void theTableIsExportedAsExternrefsByDefault() {
        ProcessingResult r = outputs.process(DEFAULT, Demo.module(), "default table");
        WasmModule m = Parser.parse(r.output());
        assertEquals("TABLE 0", exports(m).get("externrefs"));
        assertEquals(1, m.tableSection().tableCount());
        assertEquals(ValType.ExternRef, m.tableSection().getTable(0).elementType());
        assertEquals(0, m.tableSection().getTable(0).limits().min());
        assertEquals("externrefs", r.report().tableExport());
        assertFalse(imports(m).stream().anyMatch(i -> i.startsWith("hooks.")), "no drop hook unless configured");
    }

    @Test
    void aCustomTableNameIsUsed() {
        ProcessingResult r = outputs.process(ExternrefProcessor.builder().tableName("refs").build(), Demo.module(), "refs");
        WasmModule m = Parser.parse(r.output());
        assertEquals("TABLE 0", exports(m).get("refs"));
        assertFalse(exports(m).containsKey("externrefs"));
        Demo.Host host = new Demo.Host(r.output(), "refs", false);
        assertEquals(2, host.call("length_of", host.refs.ref("ab")));
        assertEquals(List.of(), host.refs.live(host.table()));
    }

    @Test
    void withoutATableNameTheTableIsNotExported() {
        ProcessingResult r = outputs.process(ExternrefProcessor.builder().tableName(null).build(), Demo.module(), "no export");
        WasmModule m = Parser.parse(r.output());
        assertEquals(1, m.tableSection().tableCount(), "the table exists");
        assertTrue(exports(m).values().stream().noneMatch(e -> e.startsWith("TABLE")), exports(m)::toString);
        assertNull(r.report().tableExport());
        Demo.Host host = new Demo.Host(r.output(), null, false);
        assertEquals(3, host.call("length_of", host.refs.ref("abc")));
    }

    @Test
    void anExportAlreadyNamedLikeTheTableIsAnError() {
        byte[] input = Demo.module("(func (export \"externrefs\"))", Demo.records());
        ProcessingException e = assertThrows(ProcessingException.class, () -> DEFAULT.process(input));
        assertEquals(Kind.TABLE_NAME_TAKEN, e.kind());
        assertTrue(e.getMessage().contains("'externrefs'"), e.getMessage());

        ProcessingException memory = assertThrows(ProcessingException.class,
                () -> ExternrefProcessor.builder().tableName("memory").build().process(Demo.module()));
        assertEquals(Kind.TABLE_NAME_TAKEN, memory.kind());
        assertTrue(memory.getMessage().contains("memory"), memory.getMessage());

        // Under another name, or not exported, the table does not clash with the function.
        ProcessingResult other = outputs.process(ExternrefProcessor.builder().tableName("refs").build(), input, "other name");
        assertEquals("refs", other.report().tableExport());
        Map<String, String> exports = exports(Parser.parse(other.output()));
        assertTrue(String.valueOf(exports.get("externrefs")).startsWith("FUNCTION"), exports::toString);
        assertTrue(String.valueOf(exports.get("refs")).startsWith("TABLE"), "the table is exported as refs: " + exports);
        Demo.Host host = new Demo.Host(other.output(), "refs", false);
        assertEquals(3, host.call("length_of", host.refs.ref("abc")));

        ProcessingResult none = outputs.process(ExternrefProcessor.builder().tableName(null).build(), input, "no name");
        assertNull(none.report().tableExport());
        exports = exports(Parser.parse(none.output()));
        assertTrue(String.valueOf(exports.get("externrefs")).startsWith("FUNCTION"), exports::toString);
        assertTrue(exports.values().stream().noneMatch(kind -> kind.startsWith("TABLE")), exports::toString);
        Demo.Host unexported = new Demo.Host(none.output(), null, false);
        assertEquals(3, unexported.call("length_of", unexported.refs.ref("abc")));
    }

    // ---- the drop hook option

    @Test
    void theDropHookIsImportedWithTypeExternrefToNothing() {
        ProcessingResult r = outputs.process(WITH_HOOK, Demo.module(), "hook");
        WasmModule m = Parser.parse(r.output());
        List<String> imports = imports(m);
        // The hook takes the place of externref.insert and host.make, the last import, that of
        // externref.get: the others keep their indices.
        assertEquals(List.of("host.log:FUNCTION", "hooks.drop:FUNCTION", "host.len:FUNCTION", "host.make:FUNCTION"), imports);
        FunctionType hook = functionType(m, 1);
        assertEquals(List.of(ValType.ExternRef), hook.params());
        assertEquals(List.of(), hook.returns());
        assertEquals(Demo.HOOK, r.report().dropFunction());
    }

    @Test
    void theDropHookSeesEachReferenceWhileItIsStillInTheTable() {
        Demo.Host host = new Demo.Host(outputs.process(WITH_HOOK, Demo.module(), "hook run").output());
        List<Object> refs = List.of(new StringBuilder("a"), new StringBuilder("bb"), new StringBuilder("ccc"));
        for (Object o : refs) {
            host.call("length_of", host.refs.ref(o));
        }
        assertEquals(refs, host.drops);
        assertEquals(List.of(), host.failures, "each was in the table while the hook ran");
        assertEquals(List.of(), host.refs.live(host.table()));
    }

    @Test
    void aDropHookThatCannotBeAddedIsAnError() {
        ProcessingException surrogate = assertThrows(ProcessingException.class,
                () -> ExternrefProcessor.builder().dropFunction(new DropFunction("externref", "hook")).build().process(Demo.module()));
        assertEquals(Kind.BAD_DROP_FUNCTION, surrogate.kind());
        ProcessingException existing = assertThrows(ProcessingException.class,
                () -> ExternrefProcessor.builder().dropFunction(new DropFunction("host", "log")).build().process(Demo.module()));
        assertEquals(Kind.BAD_DROP_FUNCTION, existing.kind());
        assertTrue(existing.getMessage().contains("host.log"), existing.getMessage());
    }

    // ---- renumbering

    /**
     * The demo plus a funcref table of its own with an element segment (holding the guarded
     * wrapper $len), call_indirect through it, ref.func in code and in a global, a start
     * function, a data segment, an unrelated custom section and a name section.
     */
    static byte[] renumberingModule() {
        String extra = """
                  (type $ii (func (param i32) (result i32)))
                  (table $fns 4 4 funcref)
                  (elem (table $fns) (i32.const 0) func $double $triple $len $double)
                  (global $fref (mut funcref) (ref.func $triple))
                  (data (i32.const 64) "kept")
                  (func $double (param i32) (result i32) local.get 0 i32.const 2 i32.mul)
                  (func $triple (param i32) (result i32) local.get 0 i32.const 3 i32.mul)
                  (func $start i32.const 99 call $log)
                  (start $start)
                  (func (export "dispatch") (param i32 i32) (result i32)
                    local.get 0
                    local.get 1
                    call_indirect $fns (type $ii))
                  (func (export "length_indirect") (param $ref i32) (result i32) (local $slot i32) (local $n i32)
                    local.get $ref
                    call $insert
                    local.set $slot
                    local.get $slot
                    i32.const 2
                    call_indirect $fns (type $ii)
                    local.set $n
                    local.get $slot
                    call $drop
                    local.get $n)
                  (func (export "put_ref_func")
                    i32.const 3
                    ref.func $triple
                    table.set $fns)
                  (func (export "put_global")
                    i32.const 3
                    global.get $fref
                    table.set $fns)
                  (func (export "reset")
                    (global.set $fref (ref.func $double)))
                """;
        byte[] wasm = Demo.module(extra, Demo.records().export("length_indirect", 2, 0));
        wasm = Modules.withCustomSection(wasm, "keep.me", "custom payload".getBytes(StandardCharsets.UTF_8));
        Map<Integer, String> names = new LinkedHashMap<>();
        String[] all = {"log", "insert_import", "host_len", "get_import", "guard_import", "host_make", "drop_import",
            "len", "make_wrapper", "length_of", "make", "double", "triple", "start", "dispatch", "length_indirect",
            "put_ref_func", "put_global", "reset"};
        for (int i = 0; i < all.length; i++) {
            names.put(i, all[i]);
        }
        Map<Integer, Map<Integer, String>> locals = Map.of(
                7, Map.of(0, "slot"),
                9, Map.of(0, "ref", 1, "slot", 2, "n"),
                15, Map.of(0, "ref", 1, "slot", 2, "n"));
        return Modules.withCustomSection(wasm, "name", Modules.names(names, locals));
    }

    @Test
    void everyUseOfAFunctionIndexIsRenumberedAndTheOwnTableStaysTableZero() {
        byte[] input = renumberingModule();
        ProcessingResult r = outputs.process(WITH_HOOK, input, "renumbering");
        WasmModule m = Parser.parse(r.output());

        assertEquals(2, m.tableSection().tableCount());
        assertEquals(ValType.FuncRef, m.tableSection().getTable(0).elementType());
        assertEquals(4, m.tableSection().getTable(0).limits().min());
        assertEquals(ValType.ExternRef, m.tableSection().getTable(1).elementType());
        assertEquals("TABLE 1", exports(m).get("externrefs"), "the new table is table 1");

        Demo.Host host = new Demo.Host(r.output());
        assertEquals(List.of(99), host.logs, "the start function ran");
        assertEquals(10, host.call("dispatch", 5, 0));
        assertEquals(15, host.call("dispatch", 5, 1));
        assertEquals(14, host.call("dispatch", 7, 3));
        assertEquals(4, host.call("length_indirect", host.refs.ref("four")), "the guarded wrapper through the table");
        host.call("put_ref_func");
        assertEquals(21, host.call("dispatch", 7, 3), "ref.func in code");
        host.call("reset");
        host.call("put_global");
        assertEquals(14, host.call("dispatch", 7, 3), "ref.func in a global initializer and in code");
        assertEquals(List.of(), host.failures);
        assertEquals(1, host.drops.size());

        assertEquals("kept", new String(host.instance.memory().readBytes(64, 4), StandardCharsets.US_ASCII));
        UnknownCustomSection kept = (UnknownCustomSection) m.customSection("keep.me");
        assertArrayEquals("custom payload".getBytes(StandardCharsets.UTF_8), kept.bytes(), "other custom sections are kept");
        assertNull(m.customSection(Records.SECTION), "the __externrefs section is removed");
    }

    @Test
    void namesFollowTheirFunctionsAndTheGlueIsNamed() {
        ProcessingResult r = outputs.process(WITH_HOOK, renumberingModule(), "names");
        WasmModule m = Parser.parse(r.output());
        int functions = m.importSection().count(ExternalType.FUNCTION) + m.functionSection().functionCount();
        List<String> names = new ArrayList<>();
        for (int f = 0; f < functions; f++) {
            names.add(m.nameSection().nameOfFunction(f));
        }
        assertEquals(List.of("log", "hooks::drop", "host_len", "host_make", "externref::insert", "externref::get",
                "externref::drop", "len", "make_wrapper", "length_of", "make", "double", "triple", "start", "dispatch",
                "length_indirect", "put_ref_func", "put_global", "reset"), names);
        assertEquals(names.indexOf("start"), m.startSection().orElseThrow().startIndex());
        assertEquals(List.of(ValType.ExternRef), functionType(m, names.indexOf("externref::insert")).params());
        assertEquals(List.of(ValType.I32), functionType(m, names.indexOf("externref::insert")).returns());
        assertEquals(List.of(ValType.ExternRef), functionType(m, names.indexOf("externref::get")).returns());
        assertEquals(List.of(ValType.I32), functionType(m, names.indexOf("externref::drop")).params());
        assertEquals(List.of(ValType.ExternRef), functionType(m, names.indexOf("host_len")).params());
        assertEquals(List.of(ValType.ExternRef), functionType(m, names.indexOf("make")).returns());
        for (String export : List.of("length_of", "make", "dispatch", "length_indirect", "put_ref_func", "put_global", "reset")) {
            assertEquals("FUNCTION " + names.indexOf(export), exports(m).get(export), export);
        }
        assertEquals("slot", m.nameSection().nameOfLocal(names.indexOf("len"), 0), "local names follow their functions");
        assertEquals("n", m.nameSection().nameOfLocal(names.indexOf("length_of"), 2));
        assertEquals("ref", m.nameSection().nameOfLocal(names.indexOf("length_indirect"), 0));
    }

    /**
     * The glue takes the removed imports' places in front of the defined functions, so these keep
     * their indices: three glue functions and the hook for four surrogates above, and without a
     * hook a no-op in the guard's place. Bodies that call no moved import are then copied as they
     * are, and the output is the same module either way.
     */
    @Test
    void definedFunctionsKeepTheirIndicesWithOrWithoutAHook() {
        byte[] input = renumberingModule();
        dev.externref.engine.format.WasmModule in = dev.externref.engine.format.WasmModule.parse(input);
        for (ExternrefProcessor processor : List.of(DEFAULT, WITH_HOOK)) {
            ProcessingResult r = outputs.process(processor, input, processor == DEFAULT ? "no hook" : "hook");
            dev.externref.engine.format.WasmModule out = dev.externref.engine.format.WasmModule.parse(r.output());
            assertEquals(in.functionCount(), out.functionCount());
            for (int f = in.importedFunctionCount(); f < in.functionCount(); f++) {
                assertEquals(in.functionNames().get(f), out.functionNames().get(f), "function " + f);
                int inDefined = in.definedOfFunction(f);
                int outDefined = out.definedOfFunction(f);
                if (List.of("double", "triple", "start", "dispatch", "put_ref_func", "put_global", "reset")
                        .contains(in.functionNames().get(f))) {
                    assertArrayEquals(java.util.Arrays.copyOfRange(input, in.bodyStart(inDefined), in.bodyEnd(inDefined)),
                            java.util.Arrays.copyOfRange(r.output(), out.bodyStart(outDefined), out.bodyEnd(outDefined)),
                            in.functionNames().get(f) + " refers to nothing that moved: copied as it is");
                }
            }
        }
        ProcessingResult plain = outputs.process(DEFAULT, input, "no hook");
        WasmModule m = Parser.parse(plain.output());
        assertEquals("externref::guard", m.nameSection().nameOfFunction(6), "the guard's stand-in");
        assertEquals(List.of(), functionType(m, 6).params());
        assertEquals(List.of(), functionType(m, 6).returns());
        Demo.Host host = new Demo.Host(plain.output());
        assertEquals(4, host.call("length_indirect", host.refs.ref("four")));
    }

    /** With a drop hook, one surrogate removed: the hook takes its place and no function moves. */
    @Test
    void theHookTakesTheSurrogatesPlaceSoNothingMoves() {
        String wat = """
                (module
                  (import "host" "a" (func $a (param i32)))
                  (import "externref" "drop" (func $drop (param i32)))
                  (import "host" "b" (func $b (param i32)))
                  (func (export "calls_b") (param i32) local.get 0 call $b)
                  (func (export "calls_drop") (param i32) local.get 0 call $drop))
                """;
        byte[] input = Records.of().appendTo(Modules.wat(wat));
        ProcessingResult r = outputs.process(WITH_HOOK, input, "hook in the hole");
        WasmModule m = Parser.parse(r.output());
        assertEquals(List.of("host.a:FUNCTION", "hooks.drop:FUNCTION", "host.b:FUNCTION"), imports(m));
        assertEquals("FUNCTION 3", exports(m).get("calls_b"), "defined functions keep their indices");
        assertEquals("FUNCTION 4", exports(m).get("calls_drop"));
        dev.externref.engine.format.WasmModule in = dev.externref.engine.format.WasmModule.parse(input);
        dev.externref.engine.format.WasmModule out = dev.externref.engine.format.WasmModule.parse(r.output());
        assertArrayEquals(java.util.Arrays.copyOfRange(input, in.bodyStart(0), in.bodyEnd(0)),
                java.util.Arrays.copyOfRange(r.output(), out.bodyStart(0), out.bodyEnd(0)), "calls_b is copied as it is");
        assertEquals(List.of(ValType.I32), functionType(m, 5).params(), "the drop glue, after the defined functions");
    }

    @Test
    void anImportedTableCountsBeforeTheNewTable() {
        byte[] input = Records.of().export("keep", 2, 0).appendTo(Modules.wat("""
                (module
                  (import "host" "table" (table $t 2 funcref))
                  (import "externref" "insert" (func $insert (param i32) (result i32)))
                  (table $own 1 funcref)
                  (func (export "keep") (param i32) (result i32) local.get 0 call $insert))
                """));
        WasmModule m = Parser.parse(outputs.process(input, "imported table").output());
        assertEquals("TABLE 2", exports(m).get("externrefs"), "imported table 0, own table 1, new table 2");
        assertEquals(ValType.ExternRef, m.tableSection().getTable(1).elementType(), "the second defined table");
    }

    @Test
    void anExportOfADescribedImportGetsTheImportsNewType() {
        byte[] input = Records.of().importFn("host", "len", 2, 0).export("len_again", 2, 0).appendTo(Modules.wat("""
                (module
                  (import "externref" "guard" (func $guard))
                  (import "host" "len" (func $len (param i32) (result i32)))
                  (export "len_again" (func $len)))
                """));
        ProcessingResult r = outputs.process(input, "re-export");
        WasmModule m = Parser.parse(r.output());
        assertEquals("FUNCTION 0", exports(m).get("len_again"));
        assertEquals(List.of(ValType.ExternRef), functionType(m, 0).params());
    }

    @Test
    void onlyTheGlueThatIsImportedIsAdded() {
        byte[] input = Records.of().export("keep", 2, 0).appendTo(Modules.wat("""
                (module
                  (import "externref" "insert" (func $insert (param i32) (result i32)))
                  (func (export "keep") (param i32) (result i32) local.get 0 call $insert))
                """));
        WasmModule m = Parser.parse(outputs.process(input, "insert only").output());
        assertEquals(0, m.importSection().importCount());
        assertEquals(2, m.functionSection().functionCount(), "keep and externref::insert");
    }

    // ---- producers

    /** The producers section as field -> [name version, ...] (tool conventions layout). */
    private static Map<String, List<String>> producers(WasmModule m) {
        UnknownCustomSection s = (UnknownCustomSection) m.customSection("producers");
        assertTrue(s != null, "a producers section");
        byte[] b = s.bytes();
        int[] pos = {0};
        Map<String, List<String>> fields = new LinkedHashMap<>();
        long n = leb(b, pos);
        for (int i = 0; i < n; i++) {
            String field = string(b, pos);
            long values = leb(b, pos);
            List<String> list = new ArrayList<>();
            for (int k = 0; k < values; k++) {
                list.add(string(b, pos) + " " + string(b, pos));
            }
            fields.put(field, list);
        }
        assertEquals(b.length, pos[0], "nothing after the fields");
        return fields;
    }

    private static long leb(byte[] b, int[] pos) {
        long v = 0;
        int shift = 0;
        int x;
        do {
            x = b[pos[0]++] & 0xFF;
            v |= (long) (x & 0x7F) << shift;
            shift += 7;
        } while ((x & 0x80) != 0);
        return v;
    }

    private static String string(byte[] b, int[] pos) {
        int n = (int) leb(b, pos);
        String s = new String(b, pos[0], n, StandardCharsets.UTF_8);
        pos[0] += n;
        return s;
    }

    private static byte[] producersPayload(String[][] fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Modules.leb(fields.length));
        for (String[] f : fields) {
            out.writeBytes(name(f[0]));
            out.writeBytes(Modules.leb((f.length - 1) / 2));
            for (int i = 1; i < f.length; i++) {
                out.writeBytes(name(f[i]));
            }
        }
        return out.toByteArray();
    }

    private static byte[] name(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Modules.leb(b.length));
        out.writeBytes(b);
        return out.toByteArray();
    }

    @Test
    void aProducersSectionIsAddedWithProcessedBy() {
        Map<String, List<String>> fields = producers(Parser.parse(outputs.process(Demo.module(), "producers added").output()));
        assertEquals(List.of("processed-by"), List.copyOf(fields.keySet()));
        assertEquals(1, fields.get("processed-by").size());
        assertTrue(fields.get("processed-by").get(0).startsWith("externref-java "), fields::toString);
    }

    @Test
    void anExistingProducersSectionKeepsItsFieldsAndGainsProcessedBy() {
        byte[] input = Modules.withCustomSection(Demo.module(), "producers", producersPayload(new String[][] {
            {"language", "Rust", ""},
            {"processed-by", "rustc", "1.65.0 (897e37553 2022-11-02)", "wasm-bindgen", "0.2.83"},
        }));
        Map<String, List<String>> fields = producers(Parser.parse(outputs.process(input, "producers kept").output()));
        assertEquals(List.of("language", "processed-by"), List.copyOf(fields.keySet()));
        assertEquals(List.of("Rust "), fields.get("language"));
        List<String> processedBy = fields.get("processed-by");
        assertEquals(3, processedBy.size(), processedBy::toString);
        assertEquals("rustc 1.65.0 (897e37553 2022-11-02)", processedBy.get(0));
        assertEquals("wasm-bindgen 0.2.83", processedBy.get(1));
        assertTrue(processedBy.get(2).startsWith("externref-java "), processedBy::toString);
    }
}
