package dev.externref.engine.format;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The entry-level changes a {@link ModuleWriter} applies on top of its renumbering, as typed
 * {@link Edit}s.
 *
 * <p>One index space: the contents of every edit (replacement and appended entries, bodies,
 * payloads, function names) are in the <em>output's</em> index space and are written as given,
 * never renumbered: whoever builds the edit knows the output's numbering (it chose the remap),
 * and an entry that points at something new has no input index to be renumbered from. Only
 * the positions that say <em>which</em> entry an edit replaces or removes refer to the input:
 * they are the positions of entries in the input's sections.
 *
 * <p>Bodies rewritten by a {@link ModuleWriter.BodyHook} are not edits: a hook rewrites an
 * input body while it is written, so its result is input code and is renumbered like the body
 * it stands for.
 */
public final class ModuleEdits {
    /** One change to the module. */
    public sealed interface Edit {
    }

    /** Leaves out the entry at {@code position} of a vector section (code included). */
    public record RemoveEntry(int sectionId, int position) implements Edit {
    }

    /** Writes {@code entry} instead of the entry at {@code position} of a vector section other than code. */
    public record ReplaceEntry(int sectionId, int position, byte[] entry) implements Edit {
    }

    /** Writes {@code body} (locals and code, without its size) instead of a defined function's body. */
    public record ReplaceBody(int definedIndex, byte[] body) implements Edit {
    }

    /** Adds an entry at the end of a vector section, creating the section if needed. Code: the body without its size. */
    public record AppendEntry(int sectionId, byte[] entry) implements Edit {
    }

    /**
     * Adds an entry before the input's first entry of a vector section (after the entries
     * prepended before it), creating the section if needed. Code: the body without its size.
     */
    public record PrependEntry(int sectionId, byte[] entry) implements Edit {
    }

    /** Replaces the payload of the custom sections named {@code name}. */
    public record ReplaceCustomSection(String name, byte[] payload) implements Edit {
    }

    /** Leaves out the custom sections named {@code name}. */
    public record RemoveCustomSection(String name) implements Edit {
    }

    /** Adds a custom section at the end of the module. */
    public record AppendCustomSection(String name, byte[] payload) implements Edit {
    }

    /** Names a function in the {@code name} section, if the module has one. */
    public record NameFunction(int function, String name) implements Edit {
    }

    private final List<Edit> edits = new ArrayList<>();
    // The same edits, indexed the way the writer looks them up.
    private final Map<Integer, Set<Integer>> removed = new HashMap<>();
    private final Map<Integer, Map<Integer, byte[]>> replaced = new HashMap<>();
    private final Map<Integer, List<byte[]>> appended = new HashMap<>();
    private final Map<Integer, List<byte[]>> prepended = new HashMap<>();
    private final Map<String, byte[]> customReplaced = new HashMap<>(); // null value: removed
    private final List<AppendCustomSection> customAppended = new ArrayList<>();
    private final TreeMap<Integer, String> functionNames = new TreeMap<>();

    /** Adds an edit; a later edit of the same entry, custom section or name wins. */
    public ModuleEdits add(Edit edit) {
        edits.add(edit);
        // Java 17: no pattern matching for switch yet, so a chain of instanceof.
        if (edit instanceof RemoveEntry e) {
            Set<Integer> positions = removed.get(e.sectionId());
            if (positions == null) {
                positions = new HashSet<>();
                removed.put(e.sectionId(), positions);
            }
            positions.add(e.position());
        } else if (edit instanceof ReplaceEntry e) {
            if (e.sectionId() == Section.CODE || e.sectionId() == Section.CUSTOM) {
                throw new IllegalArgumentException("replace bodies with ReplaceBody, custom sections with ReplaceCustomSection");
            }
            replacements(e.sectionId()).put(e.position(), e.entry());
        } else if (edit instanceof ReplaceBody e) {
            replacements(Section.CODE).put(e.definedIndex(), e.body());
        } else if (edit instanceof AppendEntry e) {
            added(appended, e.sectionId()).add(e.entry());
        } else if (edit instanceof PrependEntry e) {
            added(prepended, e.sectionId()).add(e.entry());
        } else if (edit instanceof ReplaceCustomSection e) {
            customReplaced.put(e.name(), e.payload());
        } else if (edit instanceof RemoveCustomSection e) {
            customReplaced.put(e.name(), null);
        } else if (edit instanceof AppendCustomSection e) {
            customAppended.add(e);
        } else if (edit instanceof NameFunction e) {
            functionNames.put(e.function(), e.name());
        }
        return this;
    }

    // Plain get/put rather than computeIfAbsent with a lambda, here and across the engine's
    // processing path: the first lambda of a JVM costs the command line milliseconds of set-up.
    private Map<Integer, byte[]> replacements(int sectionId) {
        Map<Integer, byte[]> entries = replaced.get(sectionId);
        if (entries == null) {
            entries = new HashMap<>();
            replaced.put(sectionId, entries);
        }
        return entries;
    }

    private static List<byte[]> added(Map<Integer, List<byte[]>> bySection, int sectionId) {
        List<byte[]> entries = bySection.get(sectionId);
        if (entries == null) {
            entries = new ArrayList<>();
            bySection.put(sectionId, entries);
        }
        return entries;
    }

    /** {@link RemoveEntry}. */
    public ModuleEdits removeEntry(int sectionId, int position) {
        return add(new RemoveEntry(sectionId, position));
    }

    /** {@link ReplaceEntry}. */
    public ModuleEdits replaceEntry(int sectionId, int position, byte[] entry) {
        return add(new ReplaceEntry(sectionId, position, entry));
    }

    /** {@link ReplaceBody}. */
    public ModuleEdits replaceBody(int definedIndex, byte[] body) {
        return add(new ReplaceBody(definedIndex, body));
    }

    /** {@link AppendEntry}. */
    public ModuleEdits appendEntry(int sectionId, byte[] entry) {
        return add(new AppendEntry(sectionId, entry));
    }

    /** {@link PrependEntry}. */
    public ModuleEdits prependEntry(int sectionId, byte[] entry) {
        return add(new PrependEntry(sectionId, entry));
    }

    /** {@link ReplaceCustomSection}. */
    public ModuleEdits replaceCustomSection(String name, byte[] payload) {
        return add(new ReplaceCustomSection(name, payload));
    }

    /** {@link RemoveCustomSection}. */
    public ModuleEdits removeCustomSection(String name) {
        return add(new RemoveCustomSection(name));
    }

    /** {@link AppendCustomSection}. */
    public ModuleEdits appendCustomSection(String name, byte[] payload) {
        return add(new AppendCustomSection(name, payload));
    }

    /** {@link NameFunction}. */
    public ModuleEdits nameFunction(int function, String name) {
        return add(new NameFunction(function, name));
    }

    /** The edits in the order they were added. */
    public List<Edit> edits() {
        return Collections.unmodifiableList(edits);
    }

    // ---------------------------------------------------------------- the writer's lookups

    /** Whether any entry of the section is removed, replaced, prepended or appended. */
    boolean touches(int sectionId) {
        return removed.containsKey(sectionId) || replaced.containsKey(sectionId) || appended.containsKey(sectionId)
                || prepended.containsKey(sectionId);
    }

    Set<Integer> removed(int sectionId) {
        return removed.getOrDefault(sectionId, Set.of());
    }

    Map<Integer, byte[]> replaced(int sectionId) {
        return replaced.getOrDefault(sectionId, Map.of());
    }

    List<byte[]> appended(int sectionId) {
        return appended.getOrDefault(sectionId, List.of());
    }

    List<byte[]> prepended(int sectionId) {
        return prepended.getOrDefault(sectionId, List.of());
    }

    /** Bytes the added entries and custom sections add, for sizing the output. */
    int appendedBytes() {
        int n = 0;
        for (Map<Integer, List<byte[]>> added : List.of(appended, prepended)) {
            for (List<byte[]> l : added.values()) {
                for (byte[] b : l) {
                    n += b.length + 5;
                }
            }
        }
        for (AppendCustomSection s : customAppended) {
            n += s.payload().length + 32;
        }
        return n;
    }

    boolean customSectionReplaced(String name) {
        return customReplaced.containsKey(name);
    }

    /** The new payload of a replaced custom section; null when removed. */
    byte[] customSectionPayload(String name) {
        return customReplaced.get(name);
    }

    List<AppendCustomSection> appendedCustomSections() {
        return customAppended;
    }

    /** Names added to the {@code name} section, by output function index. */
    TreeMap<Integer, String> functionNames() {
        return functionNames;
    }
}
