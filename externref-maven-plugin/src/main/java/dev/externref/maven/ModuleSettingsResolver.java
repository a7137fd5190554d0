package dev.externref.maven;

import dev.externref.engine.DropFunction;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Applies the {@code <modules>} overrides: the first entry whose {@code include} pattern
 * matches a module's relative path wins, and fields it leaves out keep the plugin-level value.
 */
final class ModuleSettingsResolver {
    private record Entry(ModuleOverride source, PathPattern pattern, String tableName, boolean setsTable,
                         DropFunction dropFunction, boolean setsDrop) {
    }

    private final ModuleSettings defaults;
    private final List<Entry> entries;

    private ModuleSettingsResolver(ModuleSettings defaults, List<Entry> entries) {
        this.defaults = defaults;
        this.entries = entries;
    }

    /**
     * @throws IllegalArgumentException naming the entry when one has no {@code include} or a
     *                                  drop function that is not {@code module::name}
     */
    static ModuleSettingsResolver create(ModuleSettings defaults, List<ModuleOverride> overrides) {
        List<Entry> entries = new ArrayList<>();
        int position = 0;
        for (ModuleOverride o : overrides == null ? List.<ModuleOverride>of() : overrides) {
            position++;
            if (o == null || o.getInclude() == null || o.getInclude().isBlank()) {
                throw new IllegalArgumentException("<modules> entry " + position + " has no <include> pattern");
            }
            DropFunction drop;
            try {
                drop = ModuleSettings.parseDropFunction(o.getDropFunction());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("<modules> entry " + position + " (" + o.getInclude() + "): "
                        + e.getMessage(), e);
            }
            entries.add(new Entry(o, PathPattern.compile(o.getInclude()),
                    ModuleSettings.parseTableName(o.getTableName()), o.getTableName() != null,
                    drop, o.getDropFunction() != null));
        }
        return new ModuleSettingsResolver(defaults, List.copyOf(entries));
    }

    /** The settings for a module at this path (relative, {@code /}-separated). */
    ModuleSettings resolve(String relativePath) {
        for (Entry e : entries) {
            if (e.pattern.matches(relativePath)) {
                ModuleOverride o = e.source;
                return new ModuleSettings(
                        e.setsTable ? e.tableName : defaults.tableName(),
                        e.setsDrop ? e.dropFunction : defaults.dropFunction(),
                        o.getSkip() != null ? o.getSkip() : defaults.skip(),
                        o.getClassifier() != null && !o.getClassifier().isBlank()
                                ? o.getClassifier().trim() : defaults.classifier());
            }
        }
        return defaults;
    }

    /** Entries that match none of these paths: most likely a typo, worth a warning. */
    List<ModuleOverride> unused(Collection<String> relativePaths) {
        List<ModuleOverride> unused = new ArrayList<>();
        for (Entry e : entries) {
            if (relativePaths.stream().noneMatch(e.pattern::matches)) {
                unused.add(e.source);
            }
        }
        return unused;
    }
}
