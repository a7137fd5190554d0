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
public final class EndiveHost {
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

    /**
     * Calls an export with Java values: objects (or null) at reference positions, boxed numbers
     * elsewhere.
     *
     * @param export the export's name
     * @param args   one value per parameter
     * @return null without results, the value for one result, an {@code Object[]} for several
     * @throws IllegalArgumentException if there is no such function export, or an argument does
     *                                  not fit its parameter
     */
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

    /**
     * The registry of the objects this host handed to the module.
     *
     * @return the registry
     */
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

    private static List<ValueKind> kinds(List<ValType> types) {
        List<ValueKind> kinds = new ArrayList<>(types.size());
        for (ValType t : types) {
            kinds.add(t.equals(ValType.I32) ? ValueKind.I32 : t.equals(ValType.I64) ? ValueKind.I64
                    : t.equals(ValType.F32) ? ValueKind.F32 : t.equals(ValType.F64) ? ValueKind.F64
                    : t.equals(ValType.ExternRef) ? ValueKind.EXTERNREF : null);
        }
        return kinds;
    }

    /** The imports of a {@link EndiveHost}; {@link #build()} instantiates the module. */
    public static final class Builder {
        private final WasmModule module;
        private final ModuleTypes types;
        private final List<ImportFunction> functions = new ArrayList<>();
        private ExternRefs refs = new ExternRefs();
        private Consumer<Instance.Builder> options = b -> { };

        private Builder(WasmModule module) {
            this.module = module;
            this.types = types(module);
        }

        /**
         * Uses a registry of one's own (for example one shared by several instances) instead of
         * a new one.
         *
         * @param refs the registry
         * @return this builder
         */
        public Builder refs(ExternRefs refs) {
            this.refs = refs;
            return this;
        }

        /**
         * Provides an imported function, typed as the module imports it.
         *
         * @param module the import's module name
         * @param name   the import's field name
         * @param body   the function, in Java values
         * @return this builder
         * @throws IllegalArgumentException if the module imports no such function
         */
        public Builder function(String module, String name, HostCall<Instance> body) {
            Signature signature = types.importOf(module, name);
            functions.add(new HostFunction(module, name, functionType(signature), new WasmFunctionHandle() {
                @Override
                public long[] apply(Instance instance, long... args) {
                    return applyWithRefs(instance, args, new Object[args.length]).longs();
                }

                @Override
                public CallResult applyWithRefs(Instance instance, long[] args, Object[] objects) {
                    Object[] resultObjects = new Object[signature.results().size()];
                    long[] results = signature.encodeResults(refs,
                            body.call(instance, signature.decodeArguments(refs, args, objects)), resultObjects);
                    return CallResult.of(results, resultObjects);
                }
            }));
            return this;
        }

        /**
         * Provides the drop hook the module was processed with ({@code dropFunction}
         * {@code module::name}): each call releases one reference in the registry.
         *
         * @param module the hook's module name
         * @param name   the hook's field name
         * @return this builder
         * @throws IllegalArgumentException if the module does not import it as {@code (externref) -> ()}
         */
        public Builder dropHook(String module, String name) {
            return dropHook(module, name, o -> { });
        }

        /**
         * Provides the drop hook, telling a listener about each object before its reference is released.
         *
         * @param module  the hook's module name
         * @param name    the hook's field name
         * @param dropped called with the object the guest dropped
         * @return this builder
         * @throws IllegalArgumentException if the module does not import it as {@code (externref) -> ()}
         */
        public Builder dropHook(String module, String name, Consumer<Object> dropped) {
            Signature signature = types.dropHookOf(module, name);
            functions.add(new HostFunction(module, name, functionType(signature), new WasmFunctionHandle() {
                @Override
                public long[] apply(Instance instance, long... args) {
                    throw new IllegalStateException("Endive passes the drop hook's reference as an object");
                }

                @Override
                public CallResult applyWithRefs(Instance instance, long[] args, Object[] objects) {
                    dropped.accept(objects[0]);
                    refs.releaseObject(objects[0]);
                    return CallResult.of(null, null);
                }
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

        /**
         * Instantiates the module (running its start function, if any).
         *
         * @return the host
         */
        public EndiveHost build() {
            Instance.Builder builder = Instance.builder(module);
            options.accept(builder);
            Instance instance = builder.withImportValues(ImportValues.builder().withFunctions(functions).build()).build();
            return new EndiveHost(instance, refs, types);
        }

        private static FunctionType functionType(Signature signature) {
            return FunctionType.of(valTypes(signature.params()), valTypes(signature.results()));
        }

        private static List<ValType> valTypes(List<ValueKind> kinds) {
            List<ValType> types = new ArrayList<>(kinds.size());
            for (ValueKind k : kinds) {
                types.add(k == ValueKind.I32 ? ValType.I32 : k == ValueKind.I64 ? ValType.I64
                        : k == ValueKind.F32 ? ValType.F32 : k == ValueKind.F64 ? ValType.F64 : ValType.ExternRef);
            }
            return types;
        }
    }
}
