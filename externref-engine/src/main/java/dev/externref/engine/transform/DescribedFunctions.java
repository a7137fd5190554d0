package dev.externref.engine.transform;

import dev.externref.engine.error.ProcessingException;
import dev.externref.engine.error.ProcessingException.Kind;
import dev.externref.engine.format.Export;
import dev.externref.engine.format.ExternalKind;
import dev.externref.engine.format.FuncType;
import dev.externref.engine.format.Import;
import dev.externref.engine.format.ValType;
import dev.externref.engine.format.WasmModule;
import dev.externref.engine.transform.ExternrefSection.FunctionRecord;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The functions the {@code __externrefs} records describe, checked against the module (docs/ABI.md
 * rules): which positions of each function's type become {@code externref}, and the report
 * lines of the described imports and exports. An export that only forwards passes its record
 * on to the function it forwards to.
 */
final class DescribedFunctions {
    private final WasmModule m;
    private final List<FunctionRecord> records;
    private final FunctionNames names;
    private final Surrogates surrogates;
    private final ForwardingWrappers wrappers;
    /** Per function (input index): the reference positions of its (new) type, or null. */
    final BitSet[] refPositions;
    /** Per function (input index): the positions its first record marks, even none; null if no record. */
    private final BitSet[] declared;
    /** Report lines: described imports and exports with their new types. */
    final List<String> importReport = new ArrayList<>();
    final List<String> exportReport = new ArrayList<>();
    private final java.util.Set<String> reported = new java.util.HashSet<>();

    private DescribedFunctions(WasmModule m, List<FunctionRecord> records, FunctionNames names, Surrogates surrogates,
                               ForwardingWrappers wrappers) {
        this.m = m;
        this.records = records;
        this.names = names;
        this.surrogates = surrogates;
        this.wrappers = wrappers;
        this.refPositions = new BitSet[m.functionCount()];
        this.declared = new BitSet[m.functionCount()];
    }

    /** Resolves the records; throws {@link ProcessingException} where they and the module disagree. */
    static DescribedFunctions resolve(WasmModule m, List<FunctionRecord> records, FunctionNames names, Surrogates surrogates,
                                      ForwardingWrappers wrappers) {
        DescribedFunctions d = new DescribedFunctions(m, records, names, surrogates, wrappers);
        d.resolveRecords();
        d.checkNotInTables();
        return d;
    }

    /** Checks every record against the module (the rules of docs/ABI.md) and fills {@link #refPositions}. */
    private void resolveRecords() {
        Map<String, Export> exportsByName = exportsNamedByRecords();
        Map<String, Map<String, Integer>> importsByName = importsByName();
        for (FunctionRecord r : records) {
            int function = r.isExport() ? exportedFunction(r, exportsByName) : importedFunction(r, importsByName);
            if (function < 0 && !r.isExport()) {
                continue; // an import declared but never used: ignored
            }
            checkType(r, function);
            // An export that only forwards (a WASI command's `.command_export`) passes the
            // references through: the record describes the function it forwards to as well.
            List<Integer> described = List.of(function);
            if (r.isExport() && !r.refs().isEmpty()) {
                ForwardingWrappers.Shape shape = wrappers.of(function);
                if (shape.forwards()) {
                    described = shape.chain();
                }
            }
            for (int f : described) {
                describe(f, r);
            }
            // One line per import or export described (an export of an import has a line of its own).
            if (!r.refs().isEmpty()) {
                String line = (r.isExport() ? r.name() : r.module() + "." + r.name()) + " " + patchedType(function);
                if (reported.add((r.isExport() ? "export " : "import ") + line)) {
                    (r.isExport() ? exportReport : importReport).add(line);
                }
            }
        }
    }

    /** The function an export record describes. */
    private int exportedFunction(FunctionRecord r, Map<String, Export> exportsByName) {
        Export e = exportsByName.get(r.name());
        if (e == null) {
            throw new ProcessingException(Kind.MISSING_EXPORT, r.name(), r.offset(),
                    "the __externrefs section describes export '" + r.name() + "', but the module has no such export");
        }
        if (e.kind() != ExternalKind.FUNCTION) {
            throw new ProcessingException(Kind.NOT_A_FUNCTION, r.name(), e.offset(),
                    "the __externrefs section describes export '" + r.name() + "', which is a "
                            + e.kind().name().toLowerCase() + ", not a function");
        }
        return e.index();
    }

    /** The function an import record describes, or -1 when the module does not import it. */
    private int importedFunction(FunctionRecord r, Map<String, Map<String, Integer>> importsByName) {
        Map<String, Integer> inModule = importsByName.get(r.module());
        Integer position = inModule == null ? null : inModule.get(r.name());
        if (position == null) {
            return -1;
        }
        Import imp = m.imports().get(position);
        if (imp.kind() != ExternalKind.FUNCTION) {
            throw new ProcessingException(Kind.NOT_A_FUNCTION, r.module() + "." + r.name(), imp.offset(),
                    "the __externrefs section describes import '" + r.module() + "." + r.name() + "', which is a "
                            + imp.kind().name().toLowerCase() + ", not a function");
        }
        return m.functionOfImport(position);
    }

    /** The record fits the function's type: as many positions, references only where it has i32s, not a surrogate. */
    private void checkType(FunctionRecord r, int function) {
        FuncType t = m.funcType(m.functionTypeIndex(function));
        String who = r.displayName();
        if (t == null || r.bitCount() != t.params().size() + t.results().size()) {
            throw new ProcessingException(Kind.ARITY_MISMATCH, r.name(), r.offset(),
                    "the __externrefs record for " + who + " has " + r.bitCount() + " positions, but its type "
                            + t + " has " + (t == null ? "?" : t.params().size() + t.results().size()));
        }
        for (int b = r.refs().nextSetBit(0); b >= 0; b = r.refs().nextSetBit(b + 1)) {
            ValType v = b < t.params().size() ? t.params().get(b) : t.results().get(b - t.params().size());
            if (!v.equals(ValType.I32)) {
                String position = b < t.params().size() ? "parameter " + b : "result " + (b - t.params().size());
                throw new ProcessingException(Kind.TYPE_MISMATCH, r.name(), r.offset(),
                        "the __externrefs record for " + who + " marks " + position + " as a reference, but it has type "
                                + v + " (only i32 surrogates can become externref)");
            }
        }
        if (surrogates.isSurrogateFunction(function)) {
            throw new ProcessingException(Kind.BAD_SURROGATE_IMPORT, r.name(), r.offset(),
                    "the __externrefs section describes " + who + ", which is one of the externref.* surrogates");
        }
    }

    /** Records {@code r}'s positions for {@code function}; the first record of a function wins, a differing one is an error. */
    private void describe(int function, FunctionRecord r) {
        BitSet earlier = declared[function];
        if (earlier != null && !earlier.equals(r.refs())) {
            throw new ProcessingException(Kind.CONFLICTING_RECORDS, r.name(), r.offset(),
                    "function " + names.of(function) + " is described twice with different references: "
                            + earlier + " and " + r.refs());
        }
        if (earlier == null) {
            declared[function] = r.refs();
            if (!r.refs().isEmpty()) {
                refPositions[function] = r.refs();
            }
        }
    }

    /**
     * A described function whose index sits in a table keeps its slot while its type changes:
     * a {@code call_indirect} with the old type would trap, and no trampoline can rebuild a
     * surrogate that no longer exists. Refused, naming the entry.
     */
    private void checkNotInTables() {
        BitSet described = new BitSet();
        for (int f = 0; f < refPositions.length; f++) {
            if (refPositions[f] != null) {
                described.set(f);
            }
        }
        Map<Integer, Integer> taken = m.functionsTakenOutsideCode(described);
        for (int f = 0; f < refPositions.length; f++) {
            Integer at = refPositions[f] == null ? null : taken.get(f);
            if (at != null) {
                throw new ProcessingException(Kind.UNSUPPORTED_REFERENCE_FLOW, names.of(f), at,
                        names.of(f) + " is described in __externrefs (its type becomes " + patchedType(f)
                                + ") but its index is also taken at byte offset " + at + " (an element segment or an"
                                + " initializer), so calls through a table with its old type would trap. Take the"
                                + " address of a function that does not cross the host boundary instead.");
            }
        }
    }

    /** The type a described function gets: its reference positions become {@code externref}. */
    FuncType patchedType(int function) {
        FuncType t = m.funcType(m.functionTypeIndex(function));
        BitSet refs = refPositions[function];
        List<ValType> params = new ArrayList<>(t.params());
        List<ValType> results = new ArrayList<>(t.results());
        for (int b = refs.nextSetBit(0); b >= 0; b = refs.nextSetBit(b + 1)) {
            if (b < params.size()) {
                params.set(b, ValType.EXTERNREF);
            } else {
                results.set(b - params.size(), ValType.EXTERNREF);
            }
        }
        return new FuncType(params, results);
    }

    /**
     * The exports the records name, by name (the first export of each name), from one pass
     * over the exports: only names of a length some record has are decoded.
     */
    private Map<String, Export> exportsNamedByRecords() {
        Map<String, Export> named = new HashMap<>();
        BitSet lengths = new BitSet();
        for (FunctionRecord r : records) {
            if (r.isExport()) {
                named.put(r.name(), null);
                lengths.set(r.name().getBytes(StandardCharsets.UTF_8).length);
            }
        }
        if (named.isEmpty()) {
            return named;
        }
        List<Export> exports = m.exports();
        LookupWork.add(exports.size());
        for (Export e : exports) {
            if (lengths.get(e.nameLength())) {
                String name = e.name();
                if (named.containsKey(name) && named.get(name) == null) {
                    named.put(name, e);
                }
            }
        }
        return named;
    }

    /** Import positions by module and name (the first import of each), or null when no record names an import. */
    private Map<String, Map<String, Integer>> importsByName() {
        boolean any = false;
        for (FunctionRecord r : records) {
            any |= !r.isExport();
        }
        if (!any) {
            return null;
        }
        Map<String, Map<String, Integer>> byModule = new HashMap<>();
        List<Import> imports = m.imports();
        LookupWork.add(imports.size());
        for (int i = 0; i < imports.size(); i++) {
            Import imp = imports.get(i);
            Map<String, Integer> byName = byModule.get(imp.module());
            if (byName == null) {
                byModule.put(imp.module(), byName = new HashMap<>());
            }
            byName.putIfAbsent(imp.name(), i);
        }
        return byModule;
    }
}
