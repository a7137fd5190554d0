package dev.externref.engine.guest;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.ValType;
import dev.externref.engine.DropFunction;
import dev.externref.engine.testing.HostRuntime;
import dev.externref.host.Arguments;
import dev.externref.host.ExternRefs;
import dev.externref.host.UnknownHandleException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A Java host for a PROCESSED guest module on Chicory or Endive, through the host library: the
 * counterpart of {@code fixtures/rust-guest/host.mjs}, with the same checks.
 *
 * <p>The {@code host.*} imports take and return {@link HostObject}s as externrefs; the library's
 * registry maps them to what the runtime passes, and its drop hook releases them. The module's
 * reference table is its exported table; with a drop hook the module imports it from this host.
 *
 * <p>What it checks, besides the events and results that {@link GuestScenario} compares:
 * <ul>
 *   <li>the interface: no {@code externref.*} import, no {@code __externrefs} section, the host
 *       imports and exports have exactly the specified types, the table export holds externrefs,
 *       the drop hook is imported with type {@code (externref) -> ()} iff one is configured;</li>
 *   <li>every non-null table entry is an object this host handed out (and has not released);</li>
 *   <li>the drop hook never sees null, sees a reference that is in the table at that moment (the
 *       hook runs before the slot is cleared), and by the next time the host looks (its next host
 *       call, hook call, or the export's return) that reference occupies one slot fewer;</li>
 *   <li>with a drop hook, the registry holds exactly the objects in the table after each call.</li>
 * </ul>
 * A mismatch is a {@link GuestMismatch}, thrown where it is found (also out of a host function:
 * the runtimes let it propagate).
 *
 * <p>A guest built for {@code wasm32-wasip1} also imports {@code wasi_snapshot_preview1}
 * functions: each runtime's WASI provides them (no arguments, no environment, no directories),
 * and the guest must write nothing to stdout or stderr ({@link #checkNoOutput()}).
 */
final class GuestHost {
    static final String WASI_MODULE = HostRuntime.WASI_MODULE;
    private final GuestInterface iface;
    private final boolean observesDrops;
    private final String tableName;
    private final ExternRefs refs = new ExternRefs();
    private final HostRuntime.Guest guest;
    private final ByteArrayOutputStream wasiOutput = new ByteArrayOutputStream();

    private final Map<String, Integer> created = new HashMap<>();
    private final List<Pending> pending = new ArrayList<>();
    /** The guest's memory, as the current host call sees it. */
    private HostRuntime.Memory memory;

    /** The events of the current step; {@link GuestScenario} resets it. */
    List<String> events = new ArrayList<>();
    private int drops;
    private int maxTableSize;

    private record Pending(HostObject object, int slotsBefore) {
    }

    private GuestHost(HostRuntime runtime, byte[] processed, GuestInterface iface, DropFunction hook, String tableName) {
        this.iface = iface;
        this.observesDrops = hook != null;
        this.tableName = tableName;
        checkInterface(Parser.parse(processed), hook, tableName);
        List<HostRuntime.Import> functions = new ArrayList<>();
        iface.imports().keySet().forEach(key -> {
            String name = key.substring(key.indexOf('.') + 1);
            functions.add(new HostRuntime.Import("host", name, (memory, args) -> hostCall(name, memory, args)));
        });
        this.guest = runtime.start(processed, refs, functions, hook, this::dropHook, wasiOutput);
        if (!entries().isEmpty()) {
            throw new GuestMismatch("the table holds references before the first call: " + live());
        }
    }

    /** Instantiates a processed module on Chicory: {@link #start(HostRuntime, byte[], GuestInterface, DropFunction, String)}. */
    static GuestHost start(byte[] processed, GuestInterface iface, DropFunction hook, String tableName) {
        return start(HostRuntime.CHICORY, processed, iface, hook, tableName);
    }

    /**
     * Instantiates a processed module.
     *
     * @param hook      the drop hook the module was processed with, or null (drops are then not observable)
     * @param tableName the export name of the reference table
     */
    static GuestHost start(HostRuntime runtime, byte[] processed, GuestInterface iface, DropFunction hook, String tableName) {
        return new GuestHost(runtime, processed, iface, hook, tableName);
    }

    /** The objects the registry holds for the guest. */
    int liveObjects() {
        return refs.liveCount();
    }

    /** The references the registry counts for the guest (an object in two slots counts twice). */
    long heldReferences() {
        return refs.heldReferences();
    }

    /** A WASI guest's writes to stdout and stderr are a mismatch: the scenario has no output. */
    void checkNoOutput() {
        if (wasiOutput.size() > 0) {
            String text = wasiOutput.toString(StandardCharsets.UTF_8);
            throw new GuestMismatch("the guest wrote to stdout/stderr: " + text.substring(0, Math.min(200, text.length())));
        }
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
        return guest.tableSize(tableName);
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
        return new HostObject(tag, tag);
    }

    private HostObject make(String tag) {
        int n = created.merge(tag, 1, Integer::sum) - 1;
        return new HostObject(tag, tag + "#" + n);
    }

    /** The non-null entries of the table; a value this host never handed out (or released) is a mismatch. */
    List<HostObject> entries() {
        List<Object> slots;
        try {
            slots = guest.tableSlots(tableName);
        } catch (UnknownHandleException e) {
            throw new GuestMismatch("a table slot holds a reference this host does not hold: " + e.getMessage());
        }
        maxTableSize = Math.max(maxTableSize, slots.size());
        List<HostObject> out = new ArrayList<>();
        for (int i = 0; i < slots.size(); i++) {
            Object o = slots.get(i);
            if (o != null && !(o instanceof HostObject)) {
                throw new GuestMismatch("table slot " + i + " holds " + o + ", which is no object this host gave out");
            }
            if (o != null) {
                out.add((HostObject) o);
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

    private void dropHook(Object value) {
        settle();
        if (value == null) {
            throw new GuestMismatch("drop hook called with null");
        }
        if (!(value instanceof HostObject)) {
            throw new GuestMismatch("drop hook called with " + value + ", which is no object this host gave out");
        }
        HostObject o = (HostObject) value;
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
        Object result = guest.call(export, args);
        settle();
        return result;
    }

    /** With a drop hook, the registry must hold exactly the objects in the table: none leaked, none lost. */
    void checkRegistry(String title) {
        int inTable = new HashSet<>(entries()).size();
        if (observesDrops && refs.liveCount() != inTable) {
            throw new GuestMismatch(title + ": the registry holds " + refs.liveCount() + " object(s), the table "
                    + inTable + ": " + live());
        }
    }

    private Object hostCall(String name, HostRuntime.Memory memory, Arguments args) {
        settle();
        this.memory = memory;
        Object[] a = new Object[args.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = args.get(i);
        }
        return iface == GuestInterface.MAIN ? mainImport(name, a) : helloImport(name, a);
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
        byte[] bytes = memory.read(ptr, len);
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
