package dev.externref.maven;

import dev.externref.engine.format.Export;
import dev.externref.engine.format.ExternalKind;
import dev.externref.engine.format.Import;
import dev.externref.engine.format.WasmModule;

import java.util.ArrayList;
import java.util.List;

/** What a test (or an IT's verify.groovy) checks of a module's boundary, read with the engine's reader. */
public record ModuleView(WasmModule module) {
    public static ModuleView of(byte[] bytes) {
        return new ModuleView(WasmModule.parse(bytes));
    }

    /** {@code module.name} of every import, in order. */
    public List<String> importNames() {
        return module.imports().stream().map(i -> i.module() + "." + i.name()).toList();
    }

    public List<String> exportedTables() {
        return module.exports().stream().filter(e -> e.kind() == ExternalKind.TABLE).map(Export::name).toList();
    }

    public String importSignature(String moduleName, String name) {
        int functionIndex = 0;
        for (Import i : module.imports()) {
            if (i.kind() != ExternalKind.FUNCTION) {
                continue;
            }
            if (i.module().equals(moduleName) && i.name().equals(name)) {
                return module.functionSignature(functionIndex);
            }
            functionIndex++;
        }
        throw new AssertionError("no function import " + moduleName + "." + name + " in " + importNames());
    }

    public String exportSignature(String name) {
        for (Export e : module.exports()) {
            if (e.name().equals(name) && e.kind() == ExternalKind.FUNCTION) {
                return module.functionSignature(e.index());
            }
        }
        throw new AssertionError("no function export " + name);
    }

    public List<String> exportNames() {
        List<String> names = new ArrayList<>();
        module.exports().forEach(e -> names.add(e.name()));
        return names;
    }
}
