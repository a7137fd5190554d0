package dev.externref.engine.transform;

import dev.externref.engine.error.ProcessingException;
import dev.externref.engine.error.ProcessingException.Kind;
import dev.externref.engine.format.ByteWriter;
import dev.externref.engine.format.Export;
import dev.externref.engine.format.FuncType;
import dev.externref.engine.format.Import;
import dev.externref.engine.format.ModuleEdits;
import dev.externref.engine.format.ModuleWriter;
import dev.externref.engine.format.Section;
import dev.externref.engine.format.ValType;
import dev.externref.engine.format.WasmModule;
import dev.externref.engine.transform.ExternrefSection.FunctionRecord;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The externref transform of one module (docs/ABI.md, "What the engine writes"): surrogate imports become glue
 * functions over a new externref table, described imports and exports get externref
 * signatures, guards go, reference-holding locals are retyped, every function index is
 * renumbered, and the {@code __externrefs} section is removed.
 */
public final class Transformer {
    static final String SURROGATE_MODULE = "externref";
    private static final String TOOL = "externref-java";

    private final TransformOptions options;
    private final String tableName;

    /** A transform with these settings; one instance may process many modules. */
    public Transformer(TransformOptions options) {
        this.options = options;
        this.tableName = options.tableName();
    }

    /** Transforms one module; a module without an {@code __externrefs} section comes back unchanged. */
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
        InputValidity.check(m);
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
        DescribedFunctions described;
        /** Per function (input index): the reference positions of its (new) type, or null. */
        BitSet[] refPositions;

        Run(WasmModule m, List<FunctionRecord> records) {
            this.m = m;
            this.in = m.bytes();
            this.records = records;
            this.names = new FunctionNames(m);
            this.surrogates = Surrogates.find(m);
            this.wrappers = new ForwardingWrappers(m, surrogates);
        }

        /** Checks the records, plans the output's function index space, and writes the module in one pass. */
        TransformOutcome execute() {
            checkOptions();
            described = DescribedFunctions.resolve(m, records, names, surrogates, wrappers);
            refPositions = described.refPositions;
            TransformPlan plan = TransformPlan.of(m, surrogates, options.hasDropHook());
            ModuleEdits edits = new ModuleEdits();
            AppendedTypes types = new AppendedTypes(m.typeCount());
            for (int position : plan.removedImports) {
                if (!plan.filled(position)) {
                    edits.removeEntry(Section.IMPORT, position);
                }
            }
            for (Map.Entry<Integer, Integer> move : plan.movedImports.entrySet()) {
                edits.removeEntry(Section.IMPORT, move.getKey());
                edits.replaceEntry(Section.IMPORT, move.getValue(), m.importEntry(move.getKey()));
            }
            retypeDescribedFunctions(plan, edits, types);
            addTableAndGlue(plan, edits, types);
            types.appendTo(edits);
            rewriteCustomSections(edits);
            RewriteHook bodies = new RewriteHook();
            ModuleWriter w = new ModuleWriter(m, plan.remap(), edits).bodyHook(bodies).policy(options.codeWrites());
            ModuleWriter.Output out = w.write();
            return outcome(out, bodies, w.warnings());
        }

        /** Described imports and exports get their externref signatures (new types, appended). */
        private void retypeDescribedFunctions(TransformPlan plan, ModuleEdits edits, AppendedTypes types) {
            for (int f = 0; f < refPositions.length; f++) {
                if (refPositions[f] == null) {
                    continue;
                }
                int type = types.index(described.patchedType(f));
                int defined = m.definedOfFunction(f);
                if (defined < 0) {
                    Import imp = m.imports().get(m.importOfFunction(f));
                    ByteWriter e = new ByteWriter(32).name(imp.module()).name(imp.name()).u8(0).u32(type);
                    edits.replaceEntry(Section.IMPORT, plan.writtenAt(m.importOfFunction(f)), e.toByteArray());
                } else {
                    edits.replaceEntry(Section.FUNCTION, defined, new ByteWriter(5).u32(type).toByteArray());
                }
            }
        }

        /** The reference table, its export, the drop hook, and the glue functions (output index space). */
        private void addTableAndGlue(TransformPlan plan, ModuleEdits edits, AppendedTypes types) {
            int table = m.tables().size();
            edits.appendEntry(Section.TABLE, new byte[] {0x6F, 0x00, 0x00});
            if (tableName != null) {
                edits.appendEntry(Section.EXPORT, new ByteWriter(32).name(tableName).u8(0x01).u32(table).toByteArray());
            }
            if (options.hasDropHook()) {
                int hookType = types.index(new FuncType(List.of(ValType.EXTERNREF), List.of()));
                byte[] hook = new ByteWriter(32).name(options.dropModule()).name(options.dropName()).u8(0).u32(hookType).toByteArray();
                if (plan.hookPosition >= 0) {
                    edits.replaceEntry(Section.IMPORT, plan.hookPosition, hook);
                } else {
                    edits.appendEntry(Section.IMPORT, hook);
                }
                edits.nameFunction(plan.hookIndex, options.dropHook());
            }
            SlotGlue glue = new SlotGlue(options.amortizedSlots(), table, m.globalCount());
            for (byte[] global : glue.globals()) {
                edits.appendEntry(Section.GLOBAL, global);
            }
            for (TransformPlan.Glue g : plan.front) {
                addGlue(plan, g, edits, types, glue, true);
            }
            for (TransformPlan.Glue g : plan.back) {
                addGlue(plan, g, edits, types, glue, false);
            }
        }

        /** One glue function, before the defined functions or after them, and its name. */
        private void addGlue(TransformPlan plan, TransformPlan.Glue g, ModuleEdits edits, AppendedTypes types,
                             SlotGlue glue, boolean inFront) {
            FuncType type;
            byte[] body;
            int index;
            switch (g) {
                case INSERT -> {
                    type = new FuncType(List.of(ValType.EXTERNREF), List.of(ValType.I32));
                    body = glue.insert();
                    index = plan.insertIndex;
                }
                case GET -> {
                    type = new FuncType(List.of(ValType.I32), List.of(ValType.EXTERNREF));
                    body = glue.get();
                    index = plan.getIndex;
                }
                case DROP -> {
                    type = new FuncType(List.of(ValType.I32), List.of());
                    body = glue.drop(plan.hookIndex);
                    index = plan.dropIndex;
                }
                default -> { // the guard's stand-in: never called (guard calls are removed)
                    type = new FuncType(List.of(), List.of());
                    body = new byte[] {0x00, 0x0B}; // no locals; end
                    index = plan.guardIndex;
                }
            }
            byte[] function = new ByteWriter(5).u32(types.index(type)).toByteArray();
            if (inFront) {
                edits.prependEntry(Section.FUNCTION, function);
                edits.prependEntry(Section.CODE, body);
            } else {
                edits.appendEntry(Section.FUNCTION, function);
                edits.appendEntry(Section.CODE, body);
            }
            edits.nameFunction(index, "externref::" + g.name().toLowerCase());
        }

        /** The records go; the producers section says who processed the module. */
        private void rewriteCustomSections(ModuleEdits edits) {
            edits.removeCustomSection(ExternrefSection.NAME);
            Section producers = m.customSection(Producers.SECTION);
            byte[] payload = producers == null
                    ? Producers.withProcessedBy(in, -1, -1, TOOL, options.version())
                    : Producers.withProcessedBy(in, producers.payloadStart(), producers.end(), TOOL, options.version());
            if (payload != null) {
                if (producers == null) {
                    edits.appendCustomSection(Producers.SECTION, payload);
                } else {
                    edits.replaceCustomSection(Producers.SECTION, payload);
                }
            }
        }

        /** The report, with the body rewrites summed in body order (not in the order threads finished them). */
        private TransformOutcome outcome(ModuleWriter.Output out, RewriteHook bodies, List<String> warnings) {
            int guards = 0;
            List<String> retyped = new ArrayList<>();
            for (Map.Entry<Integer, BodyRewriter.Result> e : new TreeMap<>(bodies.rewritten).entrySet()) {
                guards += e.getValue().removedGuards();
                if (e.getValue().retypedLocals()) {
                    retyped.add(names.of(m.functionOfDefined(e.getKey())));
                }
            }
            return new TransformOutcome(out.buffer(), out.size(), true, described.importReport, described.exportReport,
                    bodies.redirectedCalls.intValue(), guards, retyped, warnings);
        }

        /**
         * Function bodies, rewritten in the writer's single pass over the code section: only
         * described exports and functions that can see a reference (they call insert, get, the
         * guard or a described function). drop takes a slot index: calling it alone needs no
         * rewrite, only the renumbering every body gets. The writer may call the hook from
         * several threads: results are kept by body, and summed in body order afterwards.
         */
        private final class RewriteHook implements ModuleWriter.BodyHook {
            final BodyRewriter rewriter = new BodyRewriter(m, names, surrogates, refPositions);
            final ReferenceHandlers handlers = new ReferenceHandlers(surrogates, refPositions);
            final BitSet surrogateCalls = new BitSet();
            final AtomicLong redirectedCalls = new AtomicLong(); // not a LongAdder: see LookupWork
            final Map<Integer, BodyRewriter.Result> rewritten = new ConcurrentHashMap<>();

            RewriteHook() {
                for (int f : new int[] {surrogates.insertFunction, surrogates.getFunction, surrogates.dropFunction}) {
                    if (f >= 0) {
                        surrogateCalls.set(f);
                    }
                }
            }

            @Override
            public BitSet watchedFunctions() {
                BitSet watched = (BitSet) surrogateCalls.clone();
                if (surrogates.guardFunction >= 0) {
                    watched.set(surrogates.guardFunction);
                }
                for (int f = 0; f < refPositions.length; f++) {
                    if (refPositions[f] != null) {
                        watched.set(f);
                    }
                }
                return watched;
            }

            @Override
            public boolean wants(int definedIndex, int[] functions, int count) {
                boolean wanted = handlers.isDescribed(m.functionOfDefined(definedIndex));
                int redirected = 0;
                for (int k = 0; k < count; k++) {
                    int f = functions[k];
                    if (f >= 0) {
                        wanted |= handlers.isTrigger(f);
                        redirected += surrogateCalls.get(f) ? 1 : 0;
                    }
                }
                if (redirected > 0) {
                    redirectedCalls.addAndGet(redirected);
                }
                return wanted;
            }

            @Override
            public byte[] rewrite(int definedIndex) {
                BodyRewriter.Result r = rewriter.rewrite(definedIndex);
                rewritten.put(definedIndex, r);
                return r.body();
            }
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
    }

    /** New function types, appended to the type section once each however often they are asked for. */
    private static final class AppendedTypes {
        private final int base;
        private final Map<FuncType, Integer> indices = new LinkedHashMap<>();

        AppendedTypes(int base) {
            this.base = base;
        }

        /** The type index of {@code t} in the output. */
        int index(FuncType t) {
            Integer index = indices.get(t);
            if (index == null) {
                indices.put(t, index = base + indices.size());
            }
            return index;
        }

        void appendTo(ModuleEdits edits) {
            for (FuncType t : indices.keySet()) {
                edits.appendEntry(Section.TYPE, t.encode());
            }
        }
    }
}
