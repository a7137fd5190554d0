package dev.externref.engine.slots;

import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.TableInstance;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Table;
import com.dylibso.chicory.wasm.types.TableLimits;
import com.dylibso.chicory.wasm.types.ValType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One instance of a processed slot guest on Chicory. Externrefs are int handles in Chicory
 * (null is -1); object {@code k} is handle {@link #HANDLE_BASE} + k, far from any slot index, so
 * a slot index passed off as a reference shows up as a foreign value.
 */
final class ChicorySlots {
    static final int HANDLE_BASE = 0x4000_0000;
    private static final int NULL_HANDLE = -1;

    private final ExportFunction ins;
    private final ExportFunction get;
    private final ExportFunction drop;
    private final ExportFunction nop;
    private final ExportFunction nopRef;
    private final TableInstance table;
    private final Instance instance;
    private final List<String> hooks = new ArrayList<>();
    private int dropping = -1;
    /** The table as last observed, for the changes of the next observation. */
    private int[] shadow = new int[0];

    ChicorySlots(byte[] module, boolean hook) {
        this(module, hook, Integer.MAX_VALUE);
    }

    /**
     * @param tableLimit the most slots this embedder lets a table have (a maximum it imposes on
     *                   every table, as engines do: {@code table.grow} beyond it fails)
     */
    ChicorySlots(byte[] module, boolean hook, int tableLimit) {
        ImportValues.Builder imports = ImportValues.builder();
        TableInstance[] tableRef = new TableInstance[1];
        if (hook) {
            imports.addFunction(new HostFunction(SlotGuest.HOOK_MODULE, SlotGuest.HOOK_NAME,
                    FunctionType.of(List.of(ValType.ExternRef), List.of()), (instance, args) -> {
                        int handle = (int) args[0];
                        TableInstance t = tableRef[0];
                        boolean inSlot = Integer.compareUnsigned(dropping, t.size()) < 0 && t.ref(dropping) == handle;
                        hooks.add(obj(handle) + (inSlot ? "" : "!"));
                        return null;
                    }));
        }
        Instance.Builder builder = Instance.builder(Parser.parse(module)).withImportValues(imports.build());
        if (tableLimit != Integer.MAX_VALUE) {
            builder.withTableFactory((type, initial) -> new TableInstance(new Table(type.elementType(),
                    new TableLimits(type.limits().min(), Math.min(type.limits().max(), tableLimit))), initial));
        }
        Instance instance = builder.build();
        this.instance = instance;
        this.ins = instance.export("ins");
        this.get = instance.export("get");
        this.drop = instance.export("drop");
        this.nop = instance.export("nop");
        this.nopRef = instance.export("nop_ref");
        this.table = instance.exports().table(SlotGuest.TABLE);
        tableRef[0] = table;
    }

    static long handle(int id) {
        return id == SlotOracle.NULL ? NULL_HANDLE : HANDLE_BASE + id;
    }

    static String obj(long handle) {
        if (handle == NULL_HANDLE) {
            return Observation.NULL;
        }
        return handle >= HANDLE_BASE && handle <= Integer.MAX_VALUE ? Long.toString(handle - HANDLE_BASE) : "?" + handle;
    }

    /** Runs one operation and reports what the host saw. */
    Observation apply(SlotOp op) {
        hooks.clear();
        String result;
        String detail = "";
        try {
            result = switch (op.kind()) {
                case INSERT -> "i:" + (int) ins.apply(handle(op.arg()))[0];
                case GET -> "g:" + obj(get.apply(op.arg())[0]);
                case DROP -> {
                    dropping = op.arg();
                    drop.apply(op.arg());
                    yield "d";
                }
            };
        } catch (ChicoryException e) {
            result = "t";
            detail = String.valueOf(e.getMessage());
        }
        return new Observation(result, detail, List.copyOf(hooks), table.size(), changes());
    }

    private SortedMap<Integer, String> changes() {
        int size = table.size();
        if (size > shadow.length) {
            int old = shadow.length;
            shadow = Arrays.copyOf(shadow, size);
            Arrays.fill(shadow, old, size, NULL_HANDLE);
        }
        SortedMap<Integer, String> changes = new TreeMap<>();
        for (int slot = 0; slot < size; slot++) {
            int ref = table.ref(slot);
            if (ref != shadow[slot]) {
                changes.put(slot, obj(ref));
                shadow[slot] = ref;
            }
        }
        return changes;
    }

    // The raw calls, for the benchmark.

    int ins(int id) {
        return (int) ins.apply(handle(id))[0];
    }

    long get(int slot) {
        return get.apply(slot)[0];
    }

    void drop(int slot) {
        drop.apply(slot);
    }

    void nop() {
        nop.apply();
    }

    int nopRef(int id) {
        return (int) nopRef.apply(handle(id))[0];
    }

    TableInstance table() {
        return table;
    }

    /**
     * Writes objects {@code 0..n-1} into slots {@code 0..n-1} of a fresh instance's table, from
     * the host: for {@link dev.externref.engine.SlotAllocator#LINEAR_SCAN}, which keeps no state
     * besides the table, exactly the state {@code n} inserts leave, without their O(n^2) cost.
     * Benchmark setup only (the ABI lets the host read the table, not write it).
     */
    void hostFill(int n) {
        if (table.size() != 0) {
            throw new IllegalStateException("hostFill needs a fresh instance");
        }
        table.grow(n, NULL_HANDLE, instance);
        for (int slot = 0; slot < n; slot++) {
            table.setRef(slot, (int) handle(slot), instance);
        }
    }
}
