package dev.externref.engine.guest;

import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.TableInstance;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.ValType;
import com.dylibso.chicory.wasm.types.Value;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import dev.externref.engine.DropFunction;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A Java host for a PROCESSED guest module on Chicory: the counterpart of
 * {@code fixtures/rust-guest/host.mjs}, with the same checks.
 *
 * <p>The {@code host.*} imports take and return {@link HostObject}s as externrefs. Chicory
 * represents an externref as an int: this host hands each object one handle (its index in a
 * registry) and maps handles back; null is {@link Value#REF_NULL_VALUE}. The module's reference
 * table is its exported table; with a drop hook the module imports it from this host.
 *
 * <p>What it checks, besides the events and results that {@link GuestScenario} compares:
 * <ul>
 *   <li>the interface: no {@code externref.*} import, no {@code __externrefs} section, the host
 *       imports and exports have exactly the specified types, the table export holds externrefs,
 *       the drop hook is imported with type {@code (externref) -> ()} iff one is configured;</li>
 *   <li>every non-null table entry is a handle this host gave out;</li>
 *   <li>the drop hook never sees null, sees a reference that is in the table at that moment (the
 *       hook runs before the slot is cleared), and by the next time the host looks (its next host
 *       call, hook call, or the export's return) that reference occupies one slot fewer.</li>
 * </ul>
 * A mismatch is a {@link GuestMismatch}, thrown where it is found (also out of a host function:
 * Chicory lets it propagate).
 *
 * <p>A guest built for {@code wasm32-wasip1} also imports {@code wasi_snapshot_preview1}
 * functions: Chicory's WASI provides them (no arguments, no environment, no directories), and the
 * guest must write nothing to stdout or stderr ({@link #checkNoOutput()}).
 */
final class GuestHost {
    static final String WASI_MODULE = "wasi_snapshot_preview1";
    private final GuestInterface iface;
    private final boolean observesDrops;
    private final Instance instance;
    private final TableInstance table;
    private final ByteArrayOutputStream wasiOutput = new ByteArrayOutputStream();

    private final List<HostObject> objects = new ArrayList<>();
    private final Map<HostObject, Integer> handles = new IdentityHashMap<>();
    private final Map<String, Integer> created = new HashMap<>();
    private final List<Pending> pending = new ArrayList<>();

    /** The events of the current step; {@link GuestScenario} resets it. */
    List<String> events = new ArrayList<>();
    private int drops;
    private int maxTableSize;

    private record Pending(HostObject object, int slotsBefore) {
    }

    private GuestHost(byte[] processed, GuestInterface iface, DropFunction hook, String tableName) {
        this.iface = iface;
        this.observesDrops = hook != null;
        WasmModule module = Parser.parse(processed);
        checkInterface(module, hook, tableName);
        List<HostFunction> functions = new ArrayList<>();
        iface.imports().forEach((key, signature) -> {
            String name = key.substring(key.indexOf('.') + 1);
            FunctionType type = GuestInterface.functionType(signature);
            functions.add(new HostFunction("host", name, type, (inst, args) -> hostCall(name, type, args)));
        });
        if (hook != null) {
            functions.add(new HostFunction(hook.module(), hook.name(), FunctionType.accepting(ValType.ExternRef),
                    (inst, args) -> {
                        dropHook((int) args[0]);
                        return null;
                    }));
        }
        if (importsWasi(module)) {
            WasiOptions options = WasiOptions.builder().withStdout(wasiOutput).withStderr(wasiOutput).build();
            functions.addAll(Arrays.asList(WasiPreview1.builder().withOptions(options).build().toHostFunctions()));
        }
        this.instance = Instance.builder(module)
                .withImportValues(ImportValues.builder().withFunctions(new ArrayList<>(functions)).build())
                .build();
        this.table = instance.exports().table(tableName);
        if (!entries().isEmpty()) {
            throw new GuestMismatch("the table holds references before the first call: " + live());
        }
    }

    /**
     * Instantiates a processed module on Chicory.
     *
     * @param hook      the drop hook the module was processed with, or null (drops are then not observable)
     * @param tableName the export name of the reference table
     */
    static GuestHost start(byte[] processed, GuestInterface iface, DropFunction hook, String tableName) {
        return new GuestHost(processed, iface, hook, tableName);
    }

    /** A WASI guest's writes to stdout and stderr are a mismatch: the scenario has no output. */
    void checkNoOutput() {
        if (wasiOutput.size() > 0) {
            String text = wasiOutput.toString(StandardCharsets.UTF_8);
            throw new GuestMismatch("the guest wrote to stdout/stderr: " + text.substring(0, Math.min(200, text.length())));
        }
    }

    private static boolean importsWasi(WasmModule module) {
        for (int i = 0; i < module.importSection().importCount(); i++) {
            if (module.importSection().getImport(i).module().equals(WASI_MODULE)) {
                return true;
            }
        }
        return false;
    }

    GuestInterface iface() {
        return iface;
    }

    boolean observesDrops() {
        return observesDrops;
    }

    /** Drops seen by the hook so far, or -1 without a hook. */
    int drops() {
        return observesDrops ? drops : -1;
    }

    int tableSize() {
        return table.size();
    }

    int maxTableSize() {
        return maxTableSize;
    }

    // ----- the interface --------------------------------------------------------------------

    private void checkInterface(WasmModule module, DropFunction hook, String tableName) {
        List<String> problems = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        String hookKey = hook == null ? null : hook.module() + "." + hook.name();
        for (int i = 0; i < module.importSection().importCount(); i++) {
            Import imp = module.importSection().getImport(i);
            String key = imp.module() + "." + imp.name();
            if (imp.module().equals("externref")) {
                throw new GuestMismatch("module still imports " + key + ": not processed");
            }
            if (!(imp instanceof FunctionImport)) {
                problems.add("unexpected " + imp.importType() + " import " + key);
                continue;
            }
            if (imp.module().equals(WASI_MODULE)) {
                continue; // Chicory's WASI checks the names and types when it links them
            }
            String got = GuestInterface.signature(module.typeSection().getType(((FunctionImport) imp).typeIndex()));
            if (key.equals(hookKey)) {
                if (!got.equals("externref->")) {
                    problems.add("drop hook " + key + " has type " + got + ", expected externref->");
                }
            } else if (iface.imports().containsKey(key)) {
                if (!got.equals(iface.imports().get(key))) {
                    problems.add("import " + key + " has type " + got + ", expected " + iface.imports().get(key));
                }
            } else {
                problems.add("unexpected import " + key + ": " + got);
            }
            seen.add(key);
        }
        iface.imports().keySet().stream().filter(k -> !seen.contains(k)).forEach(k -> problems.add("import " + k + " is missing"));
        if (hookKey != null && !seen.contains(hookKey)) {
            problems.add("the drop hook " + hookKey + " is not imported");
        }
        Map<String, Export> exports = new HashMap<>();
        for (int i = 0; i < module.exportSection().exportCount(); i++) {
            Export e = module.exportSection().getExport(i);
            exports.put(e.name(), e);
        }
        iface.exports().forEach((name, want) -> {
            Export e = exports.get(name);
            if (e == null || e.exportType() != ExternalType.FUNCTION) {
                problems.add("export " + name + " is missing or not a function");
                return;
            }
            String got = GuestInterface.signature(functionType(module, e.index()));
            if (!got.equals(want)) {
                problems.add("export " + name + " has type " + got + ", expected " + want);
            }
        });
        Export t = exports.get(tableName);
        if (t == null || t.exportType() != ExternalType.TABLE) {
            problems.add("module has no table export '" + tableName + "'");
        } else {
            int imported = module.importSection().count(ExternalType.TABLE);
            ValType element = t.index() < imported ? null : module.tableSection().getTable(t.index() - imported).elementType();
            if (!ValType.ExternRef.equals(element)) {
                problems.add("table export '" + tableName + "' is a table of " + element + ", expected externref");
            }
        }
        if (module.customSections().stream().anyMatch(c -> c.name().equals("__externrefs"))) {
            problems.add("the __externrefs section is still there");
        }
        if (!problems.isEmpty()) {
            throw new GuestMismatch("interface: " + String.join("; ", problems));
        }
    }

    private static FunctionType functionType(WasmModule module, int function) {
        int imported = module.importSection().count(ExternalType.FUNCTION);
        if (function < imported) {
            int f = 0;
            for (int i = 0; i < module.importSection().importCount(); i++) {
                Import imp = module.importSection().getImport(i);
                if (imp instanceof FunctionImport && f++ == function) {
                    return module.typeSection().getType(((FunctionImport) imp).typeIndex());
                }
            }
        }
        return module.typeSection().getType(module.functionSection().getFunctionType(function - imported));
    }

    // ----- references: handles, the table, the drop hook ---------------------------------------

    /** An object the host passes in, labelled by its tag. */
    HostObject given(String tag) {
        return register(new HostObject(tag, tag));
    }

    private HostObject make(String tag) {
        int n = created.merge(tag, 1, Integer::sum) - 1;
        return register(new HostObject(tag, tag + "#" + n));
    }

    private HostObject register(HostObject o) {
        handles.put(o, objects.size());
        objects.add(o);
        return o;
    }

    /** The externref value of an object (null allowed). */
    long ref(HostObject o) {
        return o == null ? Value.REF_NULL_VALUE : handles.get(o);
    }

    /** The object of an externref value (null allowed); a value this host never gave out is a mismatch. */
    HostObject object(long value, String where) {
        if (value == Value.REF_NULL_VALUE) {
            return null;
        }
        if (value < 0 || value >= objects.size()) {
            throw new GuestMismatch(where + " is externref " + value + ", which is no handle this host gave out");
        }
        return objects.get((int) value);
    }

    /** The non-null entries of the table. */
    List<HostObject> entries() {
        int size = table.size();
        maxTableSize = Math.max(maxTableSize, size);
        List<HostObject> out = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            HostObject o = object(table.ref(i), "table slot " + i);
            if (o != null) {
                out.add(o);
            }
        }
        return out;
    }

    private int count(HostObject o) {
        return (int) entries().stream().filter(e -> e == o).count();
    }

    /** Checks that every reference the drop hook saw has since left its slot. */
    void settle() {
        for (Pending p : pending) {
            int now = count(p.object());
            if (now != p.slotsBefore() - 1) {
                throw new GuestMismatch("drop hook was called with " + p.object() + " (then in " + p.slotsBefore()
                        + " slot(s)), but afterwards it is in " + now + " slot(s): the slot was not cleared");
            }
        }
        pending.clear();
    }

    /** Labels of the live references in the table, sorted (a multiset). */
    List<String> live() {
        settle();
        return entries().stream().map(HostObject::label).sorted().toList();
    }

    private void dropHook(int value) {
        settle();
        HostObject o = object(value, "the drop hook's argument");
        if (o == null) {
            throw new GuestMismatch("drop hook called with null");
        }
        int before = count(o);
        if (before == 0) {
            throw new GuestMismatch("drop hook called with " + o + ", which is not in the table");
        }
        pending.add(new Pending(o, before));
        events.add("drop(" + o + ")");
        drops++;
    }

    // ----- calls ----------------------------------------------------------------------------

    /** Calls an export with {@link HostObject}s (or null) at externref positions and ints elsewhere. */
    Object call(String export, Object... args) {
        FunctionType type = GuestInterface.functionType(iface.exports().get(export));
        long[] raw = new long[args.length];
        for (int i = 0; i < args.length; i++) {
            raw[i] = type.params().get(i).equals(ValType.ExternRef) ? ref((HostObject) args[i]) : (Integer) args[i];
        }
        ExportFunction f = instance.export(export);
        long[] result = f.apply(raw);
        settle();
        if (type.returns().isEmpty()) {
            return null;
        }
        return type.returns().get(0).equals(ValType.ExternRef)
                ? object(result[0], "the result of " + export)
                : (Object) (int) result[0];
    }

    private long[] hostCall(String name, FunctionType type, long[] args) {
        settle();
        Object[] a = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            a[i] = type.params().get(i).equals(ValType.ExternRef)
                    ? object(args[i], "host." + name + " argument " + i)
                    : (Object) (int) args[i];
        }
        Object result = iface == GuestInterface.MAIN ? mainImport(name, a) : helloImport(name, a);
        if (type.returns().isEmpty()) {
            return null;
        }
        return new long[] {type.returns().get(0).equals(ValType.ExternRef) ? ref((HostObject) result) : (Integer) result};
    }

    private Object mainImport(String name, Object[] a) {
        switch (name) {
            case "new_object": {
                HostObject o = make(string((int) a[0], (int) a[1]));
                events.add("new_object(" + o.tag() + ") -> " + o);
                return o;
            }
            case "object_tag_len": {
                HostObject o = nonNull(name, a);
                events.add("object_tag_len(" + o + ")");
                return o.tagLength();
            }
            case "combine": {
                HostObject x = nonNull(name, a);
                HostObject y = (HostObject) a[1];
                HostObject o = make(x.tag() + "+" + y.tag());
                events.add("combine(" + x + ", " + y + ") -> " + o);
                return o;
            }
            case "observe": {
                HostObject o = (HostObject) a[0];
                events.add("observe(" + HostObject.labelOf(o) + ")");
                return o == null ? 0 : o.tagLength() + 1;
            }
            case "pick": {
                int flag = (int) a[0];
                HostObject o = (HostObject) (flag != 0 ? a[1] : a[2]);
                events.add("pick(" + flag + ", " + HostObject.labelOf((HostObject) a[1]) + ", "
                        + HostObject.labelOf((HostObject) a[2]) + ") -> " + HostObject.labelOf(o));
                return o;
            }
            case "check_live":
                events.add(GuestScenario.live((int) a[0], live()));
                return null;
            case "log":
                events.add("log(" + string((int) a[0], (int) a[1]) + ")");
                return null;
            default:
                throw new GuestMismatch("no host function " + name);
        }
    }

    private Object helloImport(String name, Object[] a) {
        switch (name) {
            case "new_greeting": {
                HostObject g = make(string((int) a[0], (int) a[1]));
                events.add("new_greeting(" + g.tag() + ") -> " + g);
                return g;
            }
            case "greet": {
                HostObject person = nonNull(name, a);
                HostObject greeting = (HostObject) a[1];
                events.add("greet(" + person + ", " + greeting + ") prints \"" + greeting.tag() + ", " + person.tag() + "!\"");
                return null;
            }
            case "name_len": {
                HostObject person = nonNull(name, a);
                events.add("name_len(" + person + ")");
                return person.tagLength();
            }
            default:
                throw new GuestMismatch("no host function " + name);
        }
    }

    /**
     * The first argument, after checking that no argument is null (these functions take
     * non-null references); the message is scenario.mjs's.
     */
    private static HostObject nonNull(String function, Object[] args) {
        boolean anyNull = false;
        for (Object a : args) {
            anyNull |= a == null;
        }
        if (anyNull) {
            String list = Arrays.stream(args).map(a -> HostObject.labelOf((HostObject) a))
                    .collect(Collectors.joining(", "));
            throw new GuestMismatch(function + "(" + list + ")" + (args.length > 1 ? " with null" : ""));
        }
        return (HostObject) args[0];
    }

    private String string(int ptr, int len) {
        byte[] bytes = instance.memory().readBytes(ptr, len);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new GuestMismatch("invalid UTF-8 at " + ptr + ".." + (ptr + len));
        }
    }
}
