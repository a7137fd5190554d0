package dev.externref.engine.transform;

import dev.externref.engine.error.ProcessingException;
import dev.externref.engine.error.ProcessingException.Kind;
import dev.externref.engine.format.ByteWriter;
import dev.externref.engine.format.Export;
import dev.externref.engine.format.ExternalKind;
import dev.externref.engine.format.FuncType;
import dev.externref.engine.format.IndexRemap;
import dev.externref.engine.format.IndexSpace;
import dev.externref.engine.format.Import;
import dev.externref.engine.format.ModuleWriter;
import dev.externref.engine.format.Section;
import dev.externref.engine.format.ValType;
import dev.externref.engine.format.WasmModule;
import dev.externref.engine.transform.ExternrefSection.FunctionRecord;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The externref transform of one module (ABI.md, "Output"): surrogate imports become glue
 * functions over a new externref table, described imports and exports get externref
 * signatures, guards go, reference-holding locals are retyped, every function index is
 * renumbered, and the {@code __externrefs} section is removed.
 */
public final class Transformer {
    static final String SURROGATE_MODULE = "externref";
    private static final String TOOL = "externref-java";

    private final TransformOptions options;
    private final String tableName;

    public Transformer(TransformOptions options) {
        this.options = options;
        this.tableName = options.tableName();
    }

    public TransformOutcome process(byte[] bytes) {
        WasmModule m = WasmModule.parse(bytes);
        List<Section> recordSections = new ArrayList<>();
        for (Section s : m.sections()) {
            if (ExternrefSection.NAME.equals(s.customName())) {
                recordSections.add(s);
            }
        }
        if (recordSections.isEmpty()) {
            return TransformOutcome.unchanged(bytes);
        }
        List<FunctionRecord> records = new ArrayList<>();
        for (Section s : recordSections) {
            records.addAll(ExternrefSection.parse(bytes, s.payloadStart(), s.end()));
        }
        return new Run(m, records).execute();
    }

    /** The state of one module's transformation. */
    private final class Run {
        final WasmModule m;
        final byte[] in;
        final FunctionNames names;
        final Surrogates surrogates;
        final ForwardingWrappers wrappers;
        final List<FunctionRecord> records;
        /** Per function (old index): the reference positions of its (new) type, or null. */
        final BitSet[] refPositions;
        /** Per function (old index): the positions its first record marks, even none; null if no record. */
        final BitSet[] declared;
        final List<String> importReport = new ArrayList<>();
        final List<String> exportReport = new ArrayList<>();

        Run(WasmModule m, List<FunctionRecord> records) {
            this.m = m;
            this.in = m.bytes();
            this.records = records;
            this.names = new FunctionNames(m);
            this.surrogates = Surrogates.find(m);
            this.wrappers = new ForwardingWrappers(m, surrogates);
            this.refPositions = new BitSet[m.functionCount()];
            this.declared = new BitSet[m.functionCount()];
        }

        TransformOutcome execute() {
            checkOptions();
            resolveRecords();
            checkNotInTables();
            int typeBase = m.typeCount();
            Map<FuncType, Integer> newTypes = new LinkedHashMap<>();

            // Function index space of the output: kept imports, the drop hook, defined functions, glue.
            int[] remap = new int[m.functionCount()];
            int next = 0;
            int function = 0;
            int position = 0;
            List<Integer> removedImports = new ArrayList<>();
            for (Import imp : m.imports()) {
                if (imp.kind() == ExternalKind.FUNCTION) {
                    if (surrogates.isSurrogate(position)) {
                        removedImports.add(position);
                        remap[function] = -1; // insert/get/drop are pointed at their glue below
                    } else {
                        remap[function] = next++;
                    }
                    function++;
                }
                position++;
            }
            int hookIndex = options.hasDropHook() ? next++ : -1;
            int defined = m.definedFunctionCount();
            for (int i = 0; i < defined; i++) {
                remap[m.importedFunctionCount() + i] = next++;
            }
            int insertIndex = surrogates.insert >= 0 ? next++ : -1;
            int getIndex = surrogates.get >= 0 ? next++ : -1;
            int dropIndex = surrogates.drop >= 0 ? next++ : -1;
            if (surrogates.insert >= 0) {
                remap[surrogates.insertFunction] = insertIndex;
            }
            if (surrogates.get >= 0) {
                remap[surrogates.getFunction] = getIndex;
            }
            if (surrogates.drop >= 0) {
                remap[surrogates.dropFunction] = dropIndex;
            }

            ModuleWriter w = new ModuleWriter(m, IndexRemap.functions(remap));
            for (int i : removedImports) {
                w.removeEntry(Section.IMPORT, i);
            }

            // Signatures of described imports and exports.
            int[] importOfFunction = new int[m.importedFunctionCount()];
            int[] functionOfImport = functionIndexOfImport();
            for (int i = 0; i < functionOfImport.length; i++) {
                if (functionOfImport[i] >= 0) {
                    importOfFunction[functionOfImport[i]] = i;
                }
            }
            for (int f = 0; f < refPositions.length; f++) {
                if (refPositions[f] == null) {
                    continue;
                }
                FuncType patched = patchedType(f);
                int type = typeIndex(newTypes, typeBase, patched);
                if (f < m.importedFunctionCount()) {
                    Import imp = m.imports().get(importOfFunction[f]);
                    ByteWriter e = new ByteWriter(32).name(imp.module()).name(imp.name()).u8(0).u32(type);
                    w.replaceEntry(Section.IMPORT, importOfFunction[f], e.toByteArray());
                } else {
                    w.replaceEntry(Section.FUNCTION, f - m.importedFunctionCount(), new ByteWriter(5).u32(type).toByteArray());
                }
            }

            // Function bodies, rewritten in the writer's single pass over the code section: only
            // described exports and functions that can see a reference (they call insert, get,
            // the guard or a described function). drop takes a slot index: calling it alone
            // needs no rewrite, only the renumbering every body gets.
            BodyRewriter rewriter = new BodyRewriter(m, names, surrogates, refPositions);
            ReferenceHandlers handlers = new ReferenceHandlers(surrogates, refPositions);
            BitSet surrogateCalls = new BitSet();
            for (int f : new int[] {surrogates.insertFunction, surrogates.getFunction, surrogates.dropFunction}) {
                if (f >= 0) {
                    surrogateCalls.set(f);
                }
            }
            LongAdder redirectedCalls = new LongAdder();
            // The writer may call the hook from several threads: results are kept by body and
            // summed in body order afterwards, so the report does not depend on scheduling.
            Map<Integer, BodyRewriter.Result> rewritten = new ConcurrentHashMap<>();
            w.bodyHook(new ModuleWriter.BodyHook() {
                @Override
                public boolean wants(int definedIndex, int[] functions, int count) {
                    boolean wanted = handlers.isDescribed(m.importedFunctionCount() + definedIndex);
                    int redirected = 0;
                    for (int k = 0; k < count; k++) {
                        int f = functions[k];
                        if (f >= 0) {
                            wanted |= handlers.isTrigger(f);
                            redirected += surrogateCalls.get(f) ? 1 : 0;
                        }
                    }
                    if (redirected > 0) {
                        redirectedCalls.add(redirected);
                    }
                    return wanted;
                }

                @Override
                public byte[] rewrite(int definedIndex) {
                    BodyRewriter.Result r = rewriter.rewrite(definedIndex);
                    rewritten.put(definedIndex, r);
                    return r.body();
                }
            });
            w.parallelism(options.parallelism());

            // The reference table, its export, the drop hook, and the glue functions.
            int table = m.tables().size();
            w.appendEntry(Section.TABLE, new byte[] {0x6F, 0x00, 0x00});
            if (tableName != null) {
                w.appendEntry(Section.EXPORT, new ByteWriter(32).name(tableName).u8(0x01).u32(table).toByteArray());
            }
            if (options.hasDropHook()) {
                int hookType = typeIndex(newTypes, typeBase, new FuncType(List.of(ValType.EXTERNREF), List.of()));
                w.appendEntry(Section.IMPORT, new ByteWriter(32).name(options.dropModule()).name(options.dropName())
                        .u8(0).u32(hookType).toByteArray());
                w.nameFunction(hookIndex, options.dropHook());
            }
            SlotGlue glue = new SlotGlue(options.amortizedSlots(), table, m.globalCount());
            for (byte[] global : glue.globals()) {
                w.appendEntry(Section.GLOBAL, global);
            }
            if (insertIndex >= 0) {
                addGlue(w, newTypes, typeBase, new FuncType(List.of(ValType.EXTERNREF), List.of(ValType.I32)), glue.insert());
                w.nameFunction(insertIndex, "externref::insert");
            }
            if (getIndex >= 0) {
                addGlue(w, newTypes, typeBase, new FuncType(List.of(ValType.I32), List.of(ValType.EXTERNREF)), glue.get());
                w.nameFunction(getIndex, "externref::get");
            }
            if (dropIndex >= 0) {
                addGlue(w, newTypes, typeBase, new FuncType(List.of(ValType.I32), List.of()), glue.drop(hookIndex));
                w.nameFunction(dropIndex, "externref::drop");
            }
            for (FuncType t : newTypes.keySet()) {
                w.appendEntry(Section.TYPE, t.encode());
            }

            // Custom sections: the records go, the producers section says who processed the module.
            w.replaceCustomSection(ExternrefSection.NAME, null);
            Section producers = m.customSection(Producers.SECTION);
            byte[] payload = producers == null
                    ? Producers.withProcessedBy(in, -1, -1, TOOL, options.version())
                    : Producers.withProcessedBy(in, producers.payloadStart(), producers.end(), TOOL, options.version());
            if (payload != null) {
                if (producers == null) {
                    w.appendCustomSection(Producers.SECTION, payload);
                } else {
                    w.replaceCustomSection(Producers.SECTION, payload);
                }
            }
            ByteWriter out = w.toByteWriter();
            int redirected = redirectedCalls.intValue();
            int guards = 0;
            List<String> retyped = new ArrayList<>();
            for (Map.Entry<Integer, BodyRewriter.Result> e : new TreeMap<>(rewritten).entrySet()) {
                guards += e.getValue().removedGuards();
                if (e.getValue().retypedLocals()) {
                    retyped.add(names.of(m.importedFunctionCount() + e.getKey()));
                }
            }
            return new TransformOutcome(out.buffer(), out.size(), true, importReport, exportReport, redirected, guards,
                    retyped, w.warnings());
        }

        private void checkOptions() {
            if (tableName != null) {
                byte[] name = tableName.getBytes(StandardCharsets.UTF_8);
                for (Export e : m.exports()) {
                    if (e.nameIs(name)) {
                        throw new ProcessingException(Kind.TABLE_NAME_TAKEN, null, e.offset(),
                                "the module already exports '" + tableName + "' (a " + e.kind().name().toLowerCase()
                                        + "); choose another table name or none");
                    }
                }
            }
            if (options.hasDropHook()) {
                if (options.dropModule().equals(SURROGATE_MODULE)) {
                    throw new ProcessingException(Kind.BAD_DROP_FUNCTION, options.dropHook(), -1,
                            "the drop function cannot be imported from module 'externref', which the processor removes");
                }
                for (Import imp : m.imports()) {
                    if (imp.module().equals(options.dropModule()) && imp.name().equals(options.dropName())) {
                        throw new ProcessingException(Kind.BAD_DROP_FUNCTION, options.dropHook(), imp.offset(),
                                "the module already imports " + options.dropModule() + "." + options.dropName()
                                        + "; the drop function must be a new import");
                    }
                }
            }
        }

        /** Checks every record against the module (ABI.md rules) and fills {@link #refPositions}. */
        private void resolveRecords() {
            Map<String, Export> exportsByName = exportsNamedByRecords();
            Map<String, Map<String, Integer>> importsByName = importsByName();
            int[] functionOfImport = functionIndexOfImport();
            for (FunctionRecord r : records) {
                int function;
                if (r.isExport()) {
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
                    function = e.index();
                } else {
                    Map<String, Integer> inModule = importsByName.get(r.module());
                    Integer position = inModule == null ? null : inModule.get(r.name());
                    int i = position == null ? -1 : position;
                    if (i < 0) {
                        continue; // declared but never used: ignored
                    }
                    Import imp = m.imports().get(i);
                    if (imp.kind() != ExternalKind.FUNCTION) {
                        throw new ProcessingException(Kind.NOT_A_FUNCTION, r.module() + "." + r.name(), imp.offset(),
                                "the __externrefs section describes import '" + r.module() + "." + r.name() + "', which is a "
                                        + imp.kind().name().toLowerCase() + ", not a function");
                    }
                    function = functionOfImport[i];
                }
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
                // An export that only forwards (a WASI command's `.command_export`) passes the
                // references through: the record describes the function it forwards to as well.
                List<Integer> described = List.of(function);
                if (r.isExport() && !r.refs().isEmpty()) {
                    ForwardingWrappers.Shape shape = wrappers.of(function);
                    if (shape.forwards()) {
                        described = shape.chain();
                    }
                }
                boolean first = declared[function] == null;
                for (int f : described) {
                    describe(f, r);
                }
                if (first && !r.refs().isEmpty()) {
                    String line = (r.isExport() ? r.name() : r.module() + "." + r.name()) + " " + patchedType(function);
                    (r.isExport() ? exportReport : importReport).add(line);
                }
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

        private FuncType patchedType(int function) {
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

        /** Per import position: its function index, or -1 for an import of another kind. */
        private int[] functionIndexOfImport() {
            List<Import> imports = m.imports();
            int[] function = new int[imports.size()];
            int f = 0;
            for (int i = 0; i < imports.size(); i++) {
                function[i] = imports.get(i).kind() == ExternalKind.FUNCTION ? f++ : -1;
            }
            return function;
        }

        private void addGlue(ModuleWriter w, Map<FuncType, Integer> newTypes, int typeBase, FuncType type, byte[] body) {
            w.appendEntry(Section.FUNCTION, new ByteWriter(5).u32(typeIndex(newTypes, typeBase, type)).toByteArray());
            w.appendEntry(Section.CODE, body);
        }
    }

    /** The index of a new type, appended once however often it is asked for. */
    private static int typeIndex(Map<FuncType, Integer> newTypes, int typeBase, FuncType t) {
        Integer index = newTypes.get(t);
        if (index == null) {
            newTypes.put(t, index = typeBase + newTypes.size());
        }
        return index;
    }
}
