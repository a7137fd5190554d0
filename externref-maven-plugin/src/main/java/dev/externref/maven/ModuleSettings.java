package dev.externref.maven;

import dev.externref.engine.DropFunction;
import dev.externref.engine.ExternrefProcessor;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The settings one module is processed with: the plugin-level parameters, with the first
 * matching {@code <modules>} entry applied on top.
 *
 * @param tableName    export name of the reference table, or null: not exported
 * @param dropFunction drop hook, or null
 * @param skip         leave the module alone
 * @param classifier   classifier when attached
 */
record ModuleSettings(String tableName, DropFunction dropFunction, boolean skip, String classifier) {
    /** The word that switches a name-valued setting off ({@code <tableName>none</tableName>}). */
    static final String NONE = "none";

    /** A table name as configured: null, empty or {@code none} mean "not exported". */
    static String parseTableName(String configured) {
        if (configured == null) {
            return null;
        }
        String name = configured.trim();
        return name.isEmpty() || name.toLowerCase(Locale.ROOT).equals(NONE) ? null : name;
    }

    /** A drop function as configured: null, empty or {@code none} mean "no hook"; else {@code module::name}. */
    static DropFunction parseDropFunction(String configured) {
        if (configured == null) {
            return null;
        }
        String spec = configured.trim();
        if (spec.isEmpty() || spec.toLowerCase(Locale.ROOT).equals(NONE)) {
            return null;
        }
        return DropFunction.parse(spec);
    }

    /** The engine configured with these settings. */
    ExternrefProcessor processor() {
        return ExternrefProcessor.builder().tableName(tableName).dropFunction(dropFunction).build();
    }

    /**
     * What decides the output bytes besides the input: a module processed with the same
     * fingerprint from the same input need not be processed again.
     */
    String fingerprint(String pluginVersion) {
        String text = "plugin=" + pluginVersion
                + "\ntable=" + (tableName == null ? "" : tableName)
                + "\ndrop=" + (dropFunction == null ? "" : dropFunction);
        return Hashes.sha256(text.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }

    /** For logs: what differs from the engine's defaults. */
    String describe() {
        String table = tableName == null ? "table not exported" : "table '" + tableName + "'";
        return dropFunction == null ? table : table + ", drop hook " + dropFunction;
    }
}
