package dev.externref.engine.format;

import dev.externref.engine.error.MalformedModuleException;
import org.junit.jupiter.api.Test;

import static dev.externref.engine.format.ModuleBuilder.body;
import static dev.externref.engine.format.ModuleBuilder.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bytes whose meaning depends on where they stand: each is accepted where the binary format
 * (with the proposals the reader supports) allows it, and is a malformed module anywhere else.
 * Every case pairs the accepted placement with a rejected one, so neither half passes by
 * accident.
 */
class ContextBytesTest {
    /** Read in full (every body decoded) and written back byte for byte, every entry walked. */
    private static void accepts(byte[] module) {
        assertArrayEquals(module, RoundTrips.fullRoundTrip(module, RoundTrips.SELF_EVERYWHERE));
    }

    private static void rejects(byte[] module, String message) {
        MalformedModuleException e = assertThrows(MalformedModuleException.class,
                () -> WasmModule.parse(module).decodeAllBodies());
        assertTrue(e.getMessage().contains(message), () -> "\"" + e.getMessage() + "\" should say \"" + message + "\"");
    }

    private static ModuleBuilder withFunctionType() {
        return new ModuleBuilder().funcType(new int[0], new int[0]);
    }

    @Test
    void exactFunctionImportKindOnlyInImports() {
        accepts(withFunctionType().importRaw("m", "f", bytes(0x20, 0x00)).build());
        rejects(withFunctionType().function(0, body(bytes(0x0B))).export("f", 0x20, 0).build(), "malformed export kind 0x20");
        rejects(withFunctionType().importRaw("m", "f", bytes(0x05, 0x00)).build(), "malformed import kind 0x5");
        rejects(withFunctionType().function(0, body(bytes(0x0B))).export("f", 0x05, 0).build(), "malformed export kind 0x5");
    }

    @Test
    void sharedAndPageSizeLimitFlagsOnlyForMemories() {
        accepts(new ModuleBuilder().memory(bytes(0x03, 0x01, 0x02)).build());
        rejects(new ModuleBuilder().table(bytes(0x70, 0x03, 0x01, 0x02)).build(), "malformed limits flags 0x3");
        accepts(new ModuleBuilder().memory(bytes(0x08, 0x01, 0x10)).build());
        rejects(new ModuleBuilder().table(bytes(0x70, 0x08, 0x01, 0x10)).build(), "malformed limits flags 0x8");
        rejects(new ModuleBuilder().memory(bytes(0x10, 0x01)).build(), "malformed limits flags 0x10");
    }

    @Test
    void tableInitializerPrefixOnlyInTheTableSection() {
        byte[] tableWithInit = bytes(0x40, 0x00, 0x6F, 0x00, 0x00, 0xD0, 0x6F, 0x0B);
        accepts(new ModuleBuilder().table(tableWithInit).build());
        rejects(new ModuleBuilder().importRaw("m", "t", ModuleBuilder.concat(bytes(0x01), tableWithInit)).build(),
                "malformed reference type 0x40");
        rejects(new ModuleBuilder().table(bytes(0x40, 0x01, 0x6F, 0x00, 0x00, 0xD0, 0x6F, 0x0B)).build(), "reserved byte must be 0");
    }

    @Test
    void packedStorageTypesOnlyInFields() {
        accepts(new ModuleBuilder().type(bytes(0x5E, 0x78, 0x01)).build());
        rejects(new ModuleBuilder().global(bytes(0x78, 0x00, 0x41, 0x00, 0x0B)).build(), "malformed value type 0x78");
        rejects(new ModuleBuilder().funcType(new int[] {0x77}, new int[0]).build(), "malformed value type 0x77");
    }

    @Test
    void exactHeapTypeOnlyInsideAReferenceType() {
        accepts(new ModuleBuilder().type(bytes(0x5F, 0x00)).type(bytes(0x60, 0x01, 0x63, 0x62, 0x00, 0x00)).build());
        rejects(new ModuleBuilder().type(bytes(0x5F, 0x00)).type(bytes(0x60, 0x01, 0x62, 0x00, 0x00)).build(),
                "malformed value type 0x62");
    }

    @Test
    void subtypePrefixesOnlyWhereASubtypeStands() {
        accepts(new ModuleBuilder().type(bytes(0x4E, 0x01, 0x50, 0x00, 0x60, 0x00, 0x00)).build());
        rejects(new ModuleBuilder().type(bytes(0x4E, 0x01, 0x4E, 0x01, 0x60, 0x00, 0x00)).build(), "malformed definition type 0x4e");
        rejects(new ModuleBuilder().type(bytes(0x50, 0x00, 0x50, 0x00, 0x60, 0x00, 0x00)).build(), "malformed definition type 0x50");
    }

    @Test
    void blockTypeEmptyOnlyInBlocks() {
        accepts(withFunctionType().function(0, body(bytes(0x02, 0x40, 0x0B, 0x0B))).build());
        rejects(new ModuleBuilder().funcType(new int[] {0x40}, new int[0]).build(), "malformed value type 0x40");
    }

    @Test
    void elementKindAndReferenceTypeEachInTheirOwnSegmentForm() {
        byte[] function = body(bytes(0x0B));
        accepts(withFunctionType().function(0, function).element(bytes(0x01, 0x00, 0x01, 0x00)).build());
        rejects(withFunctionType().function(0, function).element(bytes(0x01, 0x70, 0x01, 0x00)).build(), "malformed element kind");
        accepts(withFunctionType().function(0, function).element(bytes(0x05, 0x70, 0x01, 0xD2, 0x00, 0x0B)).build());
        rejects(withFunctionType().function(0, function).element(bytes(0x05, 0x00, 0x01, 0xD2, 0x00, 0x0B)).build(),
                "malformed reference type 0x0");
        rejects(withFunctionType().function(0, function).element(bytes(0x08, 0x00)).build(), "malformed elements segment kind 8");
    }

    @Test
    void dataSegmentFlags() {
        accepts(new ModuleBuilder().memory(bytes(0x00, 0x01)).data(bytes(0x02, 0x00, 0x41, 0x00, 0x0B, 0x00)).build());
        rejects(new ModuleBuilder().memory(bytes(0x00, 0x01)).data(bytes(0x03, 0x00)).build(), "malformed data segment kind 3");
    }

    @Test
    void mutabilityIsZeroOrOne() {
        accepts(new ModuleBuilder().global(bytes(0x7F, 0x01, 0x41, 0x00, 0x0B)).build());
        rejects(new ModuleBuilder().global(bytes(0x7F, 0x02, 0x41, 0x00, 0x0B)).build(), "malformed mutability 2");
        rejects(new ModuleBuilder().type(bytes(0x5E, 0x7F, 0x02)).build(), "malformed mutability 2");
    }

    @Test
    void tagAttributeIsZero() {
        accepts(withFunctionType().tag(0).build());
        rejects(withFunctionType().entry(Section.TAG, bytes(0x01, 0x00)).build(), "malformed tag attribute");
    }

    @Test
    void memargFlagsBelow128WithBitSixForAMemoryIndex() {
        ModuleBuilder memory = withFunctionType().memory(bytes(0x00, 0x01));
        accepts(memory.function(0, body(bytes(0x41, 0x00, 0x28, 0x42, 0x00, 0x00, 0x1A, 0x0B))).build());
        rejects(withFunctionType().memory(bytes(0x00, 0x01))
                .function(0, body(bytes(0x41, 0x00, 0x28, 0x80, 0x01, 0x00, 0x1A, 0x0B))).build(), "malformed memop flags");
    }

    @Test
    void catchClauseKinds() {
        accepts(withFunctionType().function(0, body(bytes(0x1F, 0x40, 0x01, 0x02, 0x00, 0x0B, 0x0B))).build());
        rejects(withFunctionType().function(0, body(bytes(0x1F, 0x40, 0x01, 0x04, 0x00, 0x0B, 0x0B))).build(),
                "malformed catch clause 0x4");
    }
}
