package dev.externref.maven;

import dev.externref.engine.DropFunction;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModuleSettingsResolverTest {
    private static final ModuleSettings DEFAULTS =
            new ModuleSettings("externrefs", DropFunction.parse("host::drop"), false, "externref");

    @Test
    void withoutOverridesEveryModuleGetsTheDefaults() {
        assertEquals(DEFAULTS, ModuleSettingsResolver.create(DEFAULTS, null).resolve("a.wasm"));
    }

    @Test
    void theFirstMatchingEntryWinsAndUnsetFieldsInherit() {
        ModuleSettingsResolver r = ModuleSettingsResolver.create(DEFAULTS, List.of(
                new ModuleOverride("wasm/a.wasm", "refs_a", null, null, null),
                new ModuleOverride("wasm/*.wasm", "none", "none", null, "plugin"),
                new ModuleOverride("**/*.wasm", null, null, true, null)));
        assertEquals(new ModuleSettings("refs_a", DropFunction.parse("host::drop"), false, "externref"),
                r.resolve("wasm/a.wasm"));
        assertEquals(new ModuleSettings(null, null, false, "plugin"), r.resolve("wasm/b.wasm"));
        assertTrue(r.resolve("other/c.wasm").skip());
    }

    @Test
    void unusedEntriesAreReported() {
        ModuleOverride typo = new ModuleOverride("wsam/*.wasm", null, null, true, null);
        ModuleSettingsResolver r = ModuleSettingsResolver.create(DEFAULTS,
                List.of(new ModuleOverride("wasm/*.wasm", null, null, true, null), typo));
        assertEquals(List.of(typo), r.unused(List.of("wasm/a.wasm")));
    }

    @Test
    void badEntriesAreNamed() {
        IllegalArgumentException noInclude = assertThrows(IllegalArgumentException.class,
                () -> ModuleSettingsResolver.create(DEFAULTS, List.of(new ModuleOverride())));
        assertEquals("<modules> entry 1 has no <include> pattern", noInclude.getMessage());
        IllegalArgumentException badDrop = assertThrows(IllegalArgumentException.class,
                () -> ModuleSettingsResolver.create(DEFAULTS,
                        List.of(new ModuleOverride("a.wasm", null, "released", null, null))));
        assertTrue(badDrop.getMessage().startsWith("<modules> entry 1 (a.wasm): drop function must be written module::name"),
                badDrop.getMessage());
    }

    @Test
    void tableNameNoneOrEmptyMeansNotExported() {
        assertNull(ModuleSettings.parseTableName("none"));
        assertNull(ModuleSettings.parseTableName("NONE"));
        assertNull(ModuleSettings.parseTableName(""));
        assertEquals("refs", ModuleSettings.parseTableName(" refs "));
        assertNull(ModuleSettings.parseDropFunction("none"));
        assertEquals(new DropFunction("host", "released"), ModuleSettings.parseDropFunction("host::released"));
    }

    @Test
    void theFingerprintCoversWhatDecidesTheOutput() {
        String base = DEFAULTS.fingerprint("1.0");
        assertEquals(base, new ModuleSettings("externrefs", DropFunction.parse("host::drop"), true, "other")
                .fingerprint("1.0"), "skip and classifier do not change the output");
        assertNotEquals(base, DEFAULTS.fingerprint("1.1"));
        assertNotEquals(base, new ModuleSettings(null, DropFunction.parse("host::drop"), false, "externref")
                .fingerprint("1.0"));
        assertNotEquals(base, new ModuleSettings("externrefs", null, false, "externref").fingerprint("1.0"));
    }
}
