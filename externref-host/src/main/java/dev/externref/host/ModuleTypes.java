package dev.externref.host;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The function imports and exports of one module with their types, as a runtime adapter read
 * them from the runtime's parsed module: where the host learns which positions are references.
 */
public final class ModuleTypes {
    private final Map<String, Signature> imports = new LinkedHashMap<>();
    private final Map<String, Signature> exports = new LinkedHashMap<>();
    private final Map<String, String> unsupported = new HashMap<>();

    /** No imports or exports yet; the adapter adds them. */
    public ModuleTypes() {
    }

    /**
     * Records a function import.
     *
     * @param module the import's module name
     * @param name   the import's field name
     * @param params its parameter types, null where a type has no {@link ValueKind}
     * @param results its result types, likewise
     */
    public void addImport(String module, String name, List<ValueKind> params, List<ValueKind> results) {
        String key = importName(module, name);
        add(imports, key, params, results);
    }

    /**
     * Records a function export.
     *
     * @param name    the export's name
     * @param params  its parameter types, null where a type has no {@link ValueKind}
     * @param results its result types, likewise
     */
    public void addExport(String name, List<ValueKind> params, List<ValueKind> results) {
        add(exports, name, params, results);
    }

    /**
     * The type of a function import.
     *
     * @param module the import's module name
     * @param name   the import's field name
     * @return its signature
     * @throws IllegalArgumentException if the module imports no such function
     */
    public Signature importOf(String module, String name) {
        Signature s = imports.get(importName(module, name));
        if (s == null) {
            throw missing("imports", importName(module, name), imports.keySet());
        }
        return s;
    }

    /**
     * Whether the module imports a function.
     *
     * @param module the import's module name
     * @param name   the import's field name
     * @return true if it does
     */
    public boolean imports(String module, String name) {
        return imports.containsKey(importName(module, name));
    }

    /**
     * The type of a function export.
     *
     * @param name the export's name
     * @return its signature
     * @throws IllegalArgumentException if the module exports no such function
     */
    public Signature exportOf(String name) {
        Signature s = exports.get(name);
        if (s == null) {
            throw missing("exports", name, exports.keySet());
        }
        return s;
    }

    /**
     * The type of the drop hook import, checked to be {@code (externref) -> ()}.
     *
     * @param module the hook's module name ({@code dropFunction}'s part before {@code ::})
     * @param name   the hook's field name
     * @return its signature
     * @throws IllegalArgumentException if the module does not import it, or with another type
     */
    public Signature dropHookOf(String module, String name) {
        Signature s = importOf(module, name);
        if (!s.params().equals(List.of(ValueKind.EXTERNREF)) || !s.results().isEmpty()) {
            throw new IllegalArgumentException("the drop hook " + s.name() + " has type " + s.params() + " -> "
                    + s.results() + ", expected [externref] -> []");
        }
        return s;
    }

    private void add(Map<String, Signature> to, String key, List<ValueKind> params,
            List<ValueKind> results) {
        if (params.contains(null) || results.contains(null)) {
            unsupported.put(key, key + " has a parameter or result other than i32, i64, f32, f64 and externref");
            to.remove(key);
        } else {
            to.put(key, new Signature(key, params, results));
        }
    }

    private IllegalArgumentException missing(String kind, String key, Set<String> present) {
        String reason = unsupported.get(key);
        return new IllegalArgumentException(reason != null ? reason
                : "the module " + kind + " no function " + key + "; its function " + kind + " are " + present);
    }

    private static String importName(String module, String name) {
        return module + "::" + name;
    }
}
