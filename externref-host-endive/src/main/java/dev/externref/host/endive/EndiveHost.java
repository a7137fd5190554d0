package dev.externref.host.endive;

import run.endive.runtime.CallResult;
import run.endive.runtime.HostFunction;
import run.endive.runtime.ImportFunction;
import run.endive.runtime.ImportValues;
import run.endive.runtime.Instance;
import run.endive.runtime.WasmFunctionHandle;
import run.endive.wasm.WasmModule;
import run.endive.wasm.types.Export;
import run.endive.wasm.types.ExternalType;
import run.endive.wasm.types.FunctionImport;
import run.endive.wasm.types.FunctionType;
import run.endive.wasm.types.Import;
import run.endive.wasm.types.ValType;
import dev.externref.host.ExternRefHost;
import dev.externref.host.ExternRefs;
import dev.externref.host.HostCall;
import dev.externref.host.ModuleTypes;
import dev.externref.host.Signature;
import dev.externref.host.ValueKind;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A processed module instantiated on Endive, with Java objects as its externrefs.
 *
 * <pre>{@code
 * EndiveHost host = EndiveHost.builder(Parser.parse(path))
 *         .function("host", "name_len", (instance, args) -> args.ref(0, Person.class).name().length())
 *         .dropHook("host", "released")
 *         .build();
 * Object greeting = host.call("welcome", new Person("Ann"));
 * }</pre>
 *
 * <p>Which parameters and results are references is read from the module's import and export
 * types. Endive passes externrefs as Java objects, so the objects themselves go to the guest; the
 * registry counts the references the guest holds and the drop hook releases them. Calls of one instance must not overlap (Endive instances are single-threaded); the
 * registry may be shared by hosts on several threads.
 */
public final class EndiveHost implements ExternRefHost {
    private final Instance instance;
    private final ExternRefs refs;
    private final ModuleTypes types;

    private EndiveHost(Instance instance, ExternRefs refs, ModuleTypes types) {
        this.instance = instance;
        this.refs = refs;
        this.types = types;
    }

    /**
     * Starts a host for a processed module.
     *
     * @param module the module, parsed by Endive
     * @return a builder for its imports
     */
    public static Builder builder(WasmModule module) {
        return new Builder(module);
    }

    @Override
    public Object call(String export, Object... args) {
        Signature signature = types.exportOf(export);
        Object[] objects = new Object[args.length];
        try (ExternRefs.CallScope scope = refs.call()) {
            long[] raw = signature.encodeArguments(refs, objects, args);
            CallResult result = instance.export(export).applyWithRefs(raw, objects);
            return signature.decodeResults(refs, result.longs(), result.refs() != null ? result.refs()
                    : new Object[signature.results().size()]);
        }
    }

    /**
     * The Endive instance, for memory, tables and anything else.
     *
     * @return the instance
     */
    public Instance instance() {
        return instance;
    }

    @Override
    public ExternRefs refs() {
        return refs;
    }

    /**
     * The function imports and exports of an Endive module with their types.
     *
     * @param module the parsed module
     * @return its types
     */
    public static ModuleTypes types(WasmModule module) {
        ModuleTypes types = new ModuleTypes();
        List<FunctionType> functions = new ArrayList<>();
        for (int i = 0; i < module.importSection().importCount(); i++) {
            Import imp = module.importSection().getImport(i);
            if (imp instanceof FunctionImport) {
                FunctionType type = module.typeSection().getType(((FunctionImport) imp).typeIndex());
                functions.add(type);
                types.addImport(imp.module(), imp.name(), kinds(type.params()), kinds(type.returns()));
            }
        }
        for (int i = 0; i < module.functionSection().functionCount(); i++) {
            functions.add(module.typeSection().getType(module.functionSection().getFunctionType(i)));
        }
        for (int i = 0; i < module.exportSection().exportCount(); i++) {
            Export export = module.exportSection().getExport(i);
            if (export.exportType() == ExternalType.FUNCTION) {
                FunctionType type = functions.get((int) export.index());
                types.addExport(export.name(), kinds(type.params()), kinds(type.returns()));
            }
        }
        return types;
    }

    /** The runtime's types in the order of {@link ValueKind}. */
    private static final List<ValType> RUNTIME_TYPES = List.of(ValType.I32, ValType.I64, ValType.F32, ValType.F64,
            ValType.ExternRef);

    private static List<ValueKind> kinds(List<ValType> types) {
        return ValueKind.kindsOf(types, RUNTIME_TYPES);
    }

    /** A host function that Endive calls with the references as objects, beside the numbers. */
    @FunctionalInterface
    private interface ObjectRefFunction extends WasmFunctionHandle {
        @Override
        default long[] apply(Instance instance, long... args) {
            return applyWithRefs(instance, args, new Object[args.length]).longs();
        }

        @Override
        CallResult applyWithRefs(Instance instance, long[] args, Object[] objects);
    }

    /** The imports of an {@link EndiveHost}; {@link #build()} instantiates the module. */
    public static final class Builder implements ExternRefHost.Builder<Instance, Builder> {
        private final WasmModule module;
        private final ModuleTypes types;
        private final List<ImportFunction> functions = new ArrayList<>();
        private ExternRefs refs = new ExternRefs();
        private Consumer<Instance.Builder> options = b -> { };

        private Builder(WasmModule module) {
            this.module = module;
            this.types = types(module);
        }

        @Override
        public Builder refs(ExternRefs refs) {
            this.refs = refs;
            return this;
        }

        @Override
        public Builder function(String module, String name, HostCall<Instance> body) {
            Signature signature = types.importOf(module, name);
            functions.add(new HostFunction(module, name, functionType(signature), (ObjectRefFunction) (instance, args, objects) -> {
                Object[] resultObjects = new Object[signature.results().size()];
                long[] results = signature.encodeResults(refs,
                        body.call(instance, signature.decodeArguments(refs, args, objects)), resultObjects);
                return CallResult.of(results, resultObjects);
            }));
            return this;
        }

        @Override
        public Builder dropHook(String module, String name, Consumer<Object> dropped) {
            Signature signature = types.dropHookOf(module, name);
            functions.add(new HostFunction(module, name, functionType(signature), (ObjectRefFunction) (instance, args, objects) -> {
                dropped.accept(objects[0]);
                refs.releaseObject(objects[0]);
                return CallResult.of(null, null);
            }));
            return this;
        }

        /**
         * Adds imports that need no conversion (WASI, for example).
         *
         * @param others Endive import functions
         * @return this builder
         */
        public Builder addFunction(ImportFunction... others) {
            functions.addAll(List.of(others));
            return this;
        }

        /**
         * Sets further options of Endive's instance builder (memory limits, a machine factory).
         *
         * @param options applied to the builder before the imports
         * @return this builder
         */
        public Builder instanceOptions(Consumer<Instance.Builder> options) {
            this.options = options;
            return this;
        }

        @Override
        public EndiveHost build() {
            Instance.Builder builder = Instance.builder(module);
            options.accept(builder);
            Instance instance = builder.withImportValues(ImportValues.builder().withFunctions(functions).build()).build();
            return new EndiveHost(instance, refs, types);
        }

        private static FunctionType functionType(Signature signature) {
            return FunctionType.of(ValueKind.typesOf(signature.params(), RUNTIME_TYPES),
                    ValueKind.typesOf(signature.results(), RUNTIME_TYPES));
        }
    }
}
