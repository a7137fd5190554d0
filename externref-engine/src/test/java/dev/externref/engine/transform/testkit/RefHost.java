package dev.externref.engine.transform.testkit;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.TableInstance;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.types.ValType;
import com.dylibso.chicory.wasm.types.Value;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Chicory host that hands out externrefs. Chicory represents an externref as an int and null
 * as {@link Value#REF_NULL_VALUE} (-1); this registry maps handles to the Java objects they
 * stand for, so that a test can tell which object a module passed back and detect handles it
 * never gave out. Handles start far from slot indices, so mixing the two up is caught.
 */
public final class RefHost {
    public static final int NULL = Value.REF_NULL_VALUE;
    private static final int FIRST_HANDLE = 0x4000_0000;

    private final Map<Integer, Object> objects = new HashMap<>();
    private final Map<Object, Integer> handles = new IdentityHashMap<>();
    private int next = FIRST_HANDLE;

    /** The handle of {@code o} (by identity): a new one the first time; {@link #NULL} for null. */
    public int ref(Object o) {
        if (o == null) {
            return NULL;
        }
        return handles.computeIfAbsent(o, k -> {
            int h = next++;
            objects.put(h, k);
            return h;
        });
    }

    /** The object a handle stands for; null for {@link #NULL}; fails for a handle never given out. */
    public Object deref(long handle) {
        if (handle == NULL) {
            return null;
        }
        Object o = objects.get((int) handle);
        if (o == null) {
            throw new AssertionError("the module produced externref " + handle + ", which the host never handed out");
        }
        return o;
    }

    /** The objects held in a table of externrefs, slot by slot, null for an empty slot. */
    public List<Object> slots(TableInstance table) {
        List<Object> slots = new ArrayList<>(table.size());
        for (int i = 0; i < table.size(); i++) {
            slots.add(deref(table.ref(i)));
        }
        return slots;
    }

    /** The non-null objects of a table of externrefs, in slot order. */
    public List<Object> live(TableInstance table) {
        List<Object> live = new ArrayList<>();
        for (Object o : slots(table)) {
            if (o != null) {
                live.add(o);
            }
        }
        return live;
    }

    /** A host function with the given signature. */
    public static HostFunction function(String module, String name, List<ValType> params, List<ValType> results,
            WasmFunctionHandle body) {
        return new HostFunction(module, name, params, results, body);
    }

    /** Instantiates a module on Chicory with these host functions. */
    public static Instance instantiate(byte[] wasm, HostFunction... functions) {
        return Instance.builder(Parser.parse(wasm))
                .withImportValues(ImportValues.builder().addFunction(functions).build())
                .build();
    }
}
