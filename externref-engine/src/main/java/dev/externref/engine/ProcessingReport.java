package dev.externref.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * What processing did to a module, in terms a user can check against the Rust source.
 * {@link ExternrefProcessor#process} makes reports; the lists are unmodifiable.
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

    /**
     * A report; the lists are copied.
     *
     * @param imports          imports whose signatures now carry externrefs
     * @param exports          exports whose signatures now carry externrefs
     * @param redirectedCalls  calls of the surrogate imports now calling the generated glue
     * @param removedGuards    {@code externref.guard} calls removed
     * @param retypedFunctions functions in which locals became {@code externref}
     * @param tableExport      export name of the reference table, or null when not exported
     * @param dropFunction     the drop hook, or null
     * @param warnings         what the module lost or what looked wrong without stopping processing
     */
    public ProcessingReport {
        warnings = List.copyOf(warnings);
        imports = List.copyOf(imports);
        exports = List.copyOf(exports);
        retypedFunctions = List.copyOf(retypedFunctions);
    }

    /**
     * The report of a module without an {@code __externrefs} section.
     *
     * @return a report with nothing in it
     */
    public static ProcessingReport nothingToDo() {
        return new ProcessingReport(List.of(), List.of(), 0, 0, List.of(), null, null, List.of());
    }

    /**
     * What changed, in one line for a build log.
     *
     * @return the counts of patched imports and exports, redirected calls, removed guards and
     *         retyped functions
     */
    public String summary() {
        return imports.size() + " import(s) and " + exports.size() + " export(s) patched, "
                + redirectedCalls + " call(s) redirected, " + removedGuards + " guard(s) removed, "
                + "locals retyped in " + retypedFunctions.size() + " function(s)";
    }

    /**
     * Every detail, one item per line; warnings first.
     *
     * @return the lines, without line separators
     */
    public List<String> details() {
        List<String> lines = new ArrayList<>();
        for (String w : warnings) {
            lines.add("warning: " + w);
        }
        for (String s : imports) {
            lines.add("import " + s);
        }
        for (String s : exports) {
            lines.add("export " + s);
        }
        lines.add("calls redirected: " + redirectedCalls);
        lines.add("guards removed: " + removedGuards);
        for (String f : retypedFunctions) {
            lines.add("locals retyped: " + f);
        }
        lines.add("reference table: " + (tableExport == null ? "(not exported)" : "exported as '" + tableExport + "'"));
        if (dropFunction != null) {
            lines.add("drop hook: " + dropFunction);
        }
        return lines;
    }
}
