package dev.externref.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * What processing did to a module, in terms a user can check against the Rust source.
 *
 * @param imports          imports whose signatures now carry externrefs, e.g. {@code test.send_message (externref, i32, i32) -> externref}
 * @param exports          exports whose signatures now carry externrefs
 * @param redirectedCalls  calls of the surrogate imports now calling the generated glue
 * @param removedGuards    {@code externref.guard} calls removed
 * @param retypedFunctions functions in which locals became {@code externref}
 * @param tableExport      export name of the reference table, or null when not exported
 * @param dropFunction     the drop hook, or null
 * @param warnings         what the module lost or what looked wrong without stopping processing,
 *                         e.g. a malformed {@code name} section that was dropped
 */
public record ProcessingReport(
        List<String> imports,
        List<String> exports,
        int redirectedCalls,
        int removedGuards,
        List<String> retypedFunctions,
        String tableExport,
        DropFunction dropFunction,
        List<String> warnings) {

    public ProcessingReport {
        warnings = List.copyOf(warnings);
        imports = List.copyOf(imports);
        exports = List.copyOf(exports);
        retypedFunctions = List.copyOf(retypedFunctions);
    }

    /** A report without warnings. */
    public ProcessingReport(List<String> imports, List<String> exports, int redirectedCalls, int removedGuards,
                            List<String> retypedFunctions, String tableExport, DropFunction dropFunction) {
        this(imports, exports, redirectedCalls, removedGuards, retypedFunctions, tableExport, dropFunction, List.of());
    }

    /** The report of a module without an {@code __externrefs} section. */
    public static ProcessingReport nothingToDo() {
        return new ProcessingReport(List.of(), List.of(), 0, 0, List.of(), null, null, List.of());
    }

    /** One line: what changed, for a build log. */
    public String summary() {
        return imports.size() + " import(s) and " + exports.size() + " export(s) patched, "
                + redirectedCalls + " call(s) redirected, " + removedGuards + " guard(s) removed, "
                + "locals retyped in " + retypedFunctions.size() + " function(s)";
    }

    /** Every detail, one item per line; warnings first. */
    public List<String> details() {
        List<String> lines = new ArrayList<>();
        warnings.forEach(w -> lines.add("warning: " + w));
        imports.forEach(s -> lines.add("import " + s));
        exports.forEach(s -> lines.add("export " + s));
        lines.add("calls redirected: " + redirectedCalls);
        lines.add("guards removed: " + removedGuards);
        retypedFunctions.forEach(f -> lines.add("locals retyped: " + f));
        lines.add("reference table: " + (tableExport == null ? "(not exported)" : "exported as '" + tableExport + "'"));
        if (dropFunction != null) {
            lines.add("drop hook: " + dropFunction);
        }
        return lines;
    }
}
