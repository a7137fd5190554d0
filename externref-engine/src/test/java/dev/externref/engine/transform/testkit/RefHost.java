package dev.externref.engine.transform.testkit;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.TableInstance;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.types.ValType;
import com.dylibso.chicory.wasm.types.Value;

import dev.externref.host.ExternRefs;

import java.util.ArrayList;
import java.util.List;

/**
 * A Chicory host that hands out externrefs for tests that drive a module's exports with raw
 * values. The handles come from the host library's registry ({@link ExternRefs}: by identity,
 * starting far from slot indices, so mixing the two up is caught); null is
 * {@link Value#REF_NULL_VALUE} (-1). Nothing is ever released: these tests look at references
 * after the module dropped them.
 */
public final class RefHost {
    public static final int NULL = Value.REF_NULL_VALUE;

    private final ExternRefs refs = new ExternRefs();

    /** The handle of {@code o} (by identity): a new one the first time; {@link #NULL} for null. */
    public int ref(Object o) {
        return (int) refs.handOut(o);
    }

    /** The object a handle stands for; null for {@link #NULL}; fails for a handle never given out. */
    public Object deref(long handle) {
        return refs.object(handle);
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
