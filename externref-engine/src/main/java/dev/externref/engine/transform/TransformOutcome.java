package dev.externref.engine.transform;

import java.util.List;

/**
 * What one transform produced: the module (the first {@code size} bytes of {@code buffer}) and
 * what changed, in the terms of the public report.
 *
 * @param buffer           holds the output module; the input itself when nothing changed
 * @param size             the output module's length
 * @param changed          false when the module had no {@code __externrefs} section
 * @param imports          imports whose signatures now carry externrefs, with their new type
 * @param exports          exports whose signatures now carry externrefs, with their new type
 * @param redirectedCalls  calls of the surrogate imports now calling the generated glue
 * @param removedGuards    {@code externref.guard} calls removed
 * @param retypedFunctions functions in which locals became {@code externref}
 * @param warnings         what the module lost without stopping processing
 */
public record TransformOutcome(byte[] buffer, int size, boolean changed, List<String> imports, List<String> exports,
                               int redirectedCalls, int removedGuards, List<String> retypedFunctions,
                               List<String> warnings) {
    static TransformOutcome unchanged(byte[] input) {
        return new TransformOutcome(input, input.length, false, List.of(), List.of(), 0, 0, List.of(), List.of());
    }
}
