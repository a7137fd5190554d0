package dev.externref.engine.equivalence;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.TableInstance;
import com.dylibso.chicory.runtime.TrapException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.types.Value;
import dev.externref.engine.SlotAllocator;
import dev.externref.engine.format.Export;
import dev.externref.engine.format.ExternalKind;
import dev.externref.engine.format.FuncType;
import dev.externref.engine.format.Import;
import dev.externref.engine.format.ValType;
import dev.externref.engine.format.WasmModule;
import dev.externref.engine.slots.SlotOracle;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a scenario on Chicory and returns the host-visible trace: each export call, every import
 * call with its arguments and results, every drop, the export's result or a trap, and the live
 * references after the call. Objects appear by label, integers by value, slot numbers never.
 *
 * <p>{@link Mode#EMULATED} runs an unprocessed module as it is: this host implements
 * {@code externref.insert/get/drop} over its own table (the engine's documented slot algorithm,
 * so that even slot indices the guest computes with agree), {@code guard} does nothing, and at
 * every position {@code __externrefs} marks it converts between its i32 handles and objects.
 * {@link Mode#PROCESSED} passes real references and installs the drop hook {@link #HOOK}.
 */
final class ChicoryTrace implements ImportSemantics.Env {
    enum Mode { EMULATED, PROCESSED }

    /** The drop hook the oracle's processor configures. */
    static final String HOOK_MODULE = "hooks";
    static final String HOOK_NAME = "drop";
    static final String HOOK = HOOK_MODULE + "::" + HOOK_NAME;

    /** Handles: objects from here up. */
    private static final int FIRST_HANDLE = 0x4000_0000;
    /**
     * Null: Chicory's null reference (-1) when processed; unprocessed, the i32 0, since a local
     * the module never wrote starts as 0 there and as null once it is an externref local.
     */
    private final int nullHandle;

    /** Something the host could not make sense of: the run is void, whatever the other shows. */
    static final class HostError extends RuntimeException {
        HostError(String message) {
            super(message);
        }
    }

    /** A trap the emulated glue raises, as the processed module's glue would. */
    private static final class GlueTrap extends RuntimeException {
        GlueTrap(String message) {
            super(message, null, false, false);
        }
    }

    private final Mode mode;
    private final WasmModule module;
    private final RefPositions positions;
    private final ImportSemantics semantics = new ImportSemantics();
    private final List<Obj> objects = new ArrayList<>();
    private final Map<Obj, Integer> handles = new IdentityHashMap<>();
    private final Map<String, Obj> given = new HashMap<>();
    private final SlotOracle slots = new SlotOracle(SlotAllocator.AMORTIZED);
    private final List<String> trace = new ArrayList<>();
    private Instance instance;

    private ChicoryTrace(Mode mode, byte[] bytes) {
        this.mode = mode;
        this.module = WasmModule.parse(bytes);
        this.positions = RefPositions.of(module);
        this.nullHandle = mode == Mode.EMULATED ? 0 : Value.REF_NULL_VALUE;
    }

    /** The trace of {@code scenario} on {@code bytes}. */
    static List<String> run(Mode mode, byte[] bytes, Scenario scenario) {
        ChicoryTrace t = new ChicoryTrace(mode, bytes);
        t.instance = Instance.builder(Parser.parse(bytes))
                .withImportValues(ImportValues.builder().addFunction(t.hostFunctions()).build())
                .build();
        for (Scenario.Call call : scenario.calls()) {
            t.call(call);
        }
        return t.trace;
    }

    // ----- calls ----------------------------------------------------------------------------

    private void call(Scenario.Call call) {
        Export export = module.exports().stream()
                .filter(e -> e.kind() == ExternalKind.FUNCTION && e.name().equals(call.export()))
                .findFirst().orElseThrow(() -> new HostError("no exported function " + call.export()));
        FuncType type = module.funcType(module.functionTypeIndex(export.index()));
        boolean[] refs = refs(positions.exportRefs(call.export()), type);
        int params = type.params().size();
        Object[] args = new Object[params];
        long[] raw = new long[params];
        for (int i = 0; i < params; i++) {
            Object a = call.args().get(i);
            if (a instanceof Scenario.Given g) {
                a = given.computeIfAbsent(g.label(), l -> new Obj(l, g.text()));
            } else if (a instanceof Integer n) {
                a = (long) n;
            }
            args[i] = a;
            raw[i] = refs[i] ? handle((Obj) a) : (long) a;
        }
        trace.add("call " + call.export() + "(" + ImportSemantics.list(args) + ")");
        String outcome;
        try {
            long[] result = instance.export(call.export()).apply(raw);
            Object[] out = new Object[type.results().size()];
            for (int r = 0; r < out.length; r++) {
                out[r] = value(result[r], refs[params + r], type.results().get(r), "result " + r + " of " + call.export());
            }
            outcome = "return " + ImportSemantics.list(out);
        } catch (StackOverflowError e) {
            outcome = "exhausted";
        } catch (RuntimeException e) {
            outcome = failure(e);
        }
        trace.add(outcome);
        trace.add("live " + live());
    }

    /** A trap, or a host error rethrown: the oracle reports it, it is no behaviour to compare. */
    private static String failure(RuntimeException e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof HostError h) {
                throw h;
            }
            if (c instanceof GlueTrap) {
                return "trap";
            }
        }
        if (e instanceof TrapException || e instanceof com.dylibso.chicory.wasm.ChicoryException) {
            return "trap";
        }
        throw e;
    }

    private static boolean[] refs(boolean[] marked, FuncType type) {
        int n = type.params().size() + type.results().size();
        boolean[] refs = new boolean[n];
        for (int i = 0; i < n; i++) {
            ValType t = i < type.params().size() ? type.params().get(i) : type.results().get(i - type.params().size());
            refs[i] = t.equals(ValType.EXTERNREF) || (marked != null && i < marked.length && marked[i]);
        }
        return refs;
    }

    // ----- references -----------------------------------------------------------------------

    private long handle(Obj o) {
        if (o == null) {
            return nullHandle;
        }
        return handles.computeIfAbsent(o, k -> {
            objects.add(k);
            return FIRST_HANDLE + objects.size() - 1;
        });
    }

    private Obj object(long handle, String where) {
        if ((int) handle == nullHandle) {
            return null;
        }
        long i = (int) handle - (long) FIRST_HANDLE;
        if (i < 0 || i >= objects.size()) {
            throw new HostError(where + " is " + (int) handle + ", which is no reference this host handed out");
        }
        return objects.get((int) i);
    }

    private Object value(long raw, boolean ref, ValType type, String where) {
        if (ref) {
            return object(raw, where);
        }
        return type.equals(ValType.I32) ? (long) (int) raw : raw;
    }

    @Override
    public List<String> live() {
        List<String> labels = new ArrayList<>();
        if (mode == Mode.EMULATED) {
            for (int i = 0; i < slots.size(); i++) {
                if (slots.at(i) != SlotOracle.NULL) {
                    labels.add(objects.get(slots.at(i)).label);
                }
            }
        } else {
            TableInstance table = instance.exports().table("externrefs");
            for (int i = 0; i < table.size(); i++) {
                Obj o = object(table.ref(i), "table slot " + i);
                if (o != null) {
                    labels.add(o.label);
                }
            }
        }
        labels.sort(null);
        return labels;
    }

    @Override
    public String string(int ptr, int len) {
        return new String(instance.memory().readBytes(ptr, len), StandardCharsets.UTF_8);
    }

    @Override
    public void trace(String line) {
        trace.add(line);
    }

    // ----- host functions -------------------------------------------------------------------

    private HostFunction[] hostFunctions() {
        List<HostFunction> functions = new ArrayList<>();
        for (Import imp : module.imports()) {
            if (imp.kind() != ExternalKind.FUNCTION) {
                throw new HostError("import " + imp.module() + "." + imp.name() + " is no function: not supported here");
            }
            FuncType type = module.funcType(imp.typeIndex());
            List<com.dylibso.chicory.wasm.types.ValType> params = chicory(type.params());
            List<com.dylibso.chicory.wasm.types.ValType> results = chicory(type.results());
            if (mode == Mode.EMULATED && imp.module().equals("externref")) {
                functions.add(new HostFunction(imp.module(), imp.name(), params, results, (inst, args) -> glue(imp.name(), args)));
            } else if (mode == Mode.PROCESSED && imp.module().equals(HOOK_MODULE) && imp.name().equals(HOOK_NAME)) {
                functions.add(new HostFunction(imp.module(), imp.name(), params, results, (inst, args) -> {
                    trace.add("drop(" + Obj.label(object(args[0], "the drop hook's argument")) + ")");
                    return null;
                }));
            } else {
                boolean[] refs = refs(mode == Mode.EMULATED ? positions.importRefs(imp.module(), imp.name()) : null, type);
                functions.add(new HostFunction(imp.module(), imp.name(), params, results,
                        (inst, args) -> host(imp, type, refs, args)));
            }
        }
        return functions.toArray(HostFunction[]::new);
    }

    private long[] host(Import imp, FuncType type, boolean[] refs, long[] raw) {
        int params = type.params().size();
        Object[] args = new Object[params];
        for (int i = 0; i < params; i++) {
            args[i] = value(raw[i], refs[i], type.params().get(i), "argument " + i + " of " + imp.module() + "." + imp.name());
        }
        boolean[] refResults = new boolean[type.results().size()];
        for (int r = 0; r < refResults.length; r++) {
            refResults[r] = refs[params + r];
        }
        Object[] out = semantics.call(imp.module(), imp.name(), args, refResults, this);
        if (out.length == 0) {
            return null;
        }
        long[] result = new long[out.length];
        for (int r = 0; r < out.length; r++) {
            result[r] = refResults[r] ? handle((Obj) out[r]) : (long) out[r];
        }
        return result;
    }

    /** The surrogate imports, as the processed module's glue behaves (ABI.md, slot semantics). */
    private long[] glue(String name, long[] args) {
        switch (name) {
            case "guard":
                return null;
            case "insert": {
                Obj o = object(args[0], "the argument of externref.insert");
                if (o == null) {
                    return new long[] {-1};
                }
                handle(o);
                return new long[] {slots.insert(handles.get(o) - FIRST_HANDLE)};
            }
            case "get": {
                int slot = (int) args[0];
                if (slot == -1) {
                    return new long[] {nullHandle};
                }
                int id = slotContent(slot, "get");
                return new long[] {id == SlotOracle.NULL ? nullHandle : FIRST_HANDLE + id};
            }
            case "drop": {
                int slot = (int) args[0];
                if (slotContent(slot, "drop") != SlotOracle.NULL) {
                    trace.add("drop(" + objects.get(slots.at(slot)).label + ")");
                    slots.drop(slot);
                }
                return null;
            }
            default:
                throw new HostError("unknown surrogate import externref." + name);
        }
    }

    private int slotContent(int slot, String op) {
        if (slot < 0 || slot >= slots.size()) {
            throw new GlueTrap("externref." + op + "(" + slot + "): out of the table");
        }
        return slots.at(slot);
    }

    private static List<com.dylibso.chicory.wasm.types.ValType> chicory(List<ValType> types) {
        List<com.dylibso.chicory.wasm.types.ValType> out = new ArrayList<>();
        for (ValType t : types) {
            if (t.equals(ValType.I32)) {
                out.add(com.dylibso.chicory.wasm.types.ValType.I32);
            } else if (t.equals(ValType.I64)) {
                out.add(com.dylibso.chicory.wasm.types.ValType.I64);
            } else if (t.equals(ValType.EXTERNREF)) {
                out.add(com.dylibso.chicory.wasm.types.ValType.ExternRef);
            } else {
                throw new HostError("host functions of type " + t + " are not supported here");
            }
        }
        return out;
    }
}
