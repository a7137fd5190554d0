package dev.externref.engine.format;

import dev.externref.engine.ExternrefProcessor;
import dev.externref.engine.error.MalformedModuleException;
import dev.externref.engine.ProcessingResult;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.externref.engine.format.ModuleBuilder.body;
import static dev.externref.engine.format.ModuleBuilder.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * What the engine tells a user besides the module: malformed code named by the function's
 * {@code name}-section name (a structured field, not only text), and what the writer dropped.
 */
class DiagnosticsTest {
    /** Imports externref.insert, so processing renumbers every function (and rewrites the name section). */
    private static ModuleBuilder processorInput() {
        return new ModuleBuilder().funcType(new int[0], new int[0]).funcType(new int[] {0x7F}, new int[] {0x7F})
                .importFunction("externref", "insert", 1)
                .custom("__externrefs", new byte[0]);
    }

    // The broken function calls insert (function 0): the writer decodes only bodies that refer to
    // a function the transform changes or watches, and copies the others as they are.
    @Test
    void malformedCodeIsNamedByItsNameSectionName() {
        byte[] module = processorInput()
                .function(0, body(bytes(0x0B)))
                .function(0, body(bytes(0x10, 0x00, 0xFF, 0x0B)))
                .custom("name", ModuleBuilder.nameSection(null, Map.of(1, "fine"), Map.of()))
                .build();
        // The second defined function (index 2) has no name: its index alone.
        MalformedModuleException unnamed = assertThrows(MalformedModuleException.class,
                () -> ExternrefProcessor.builder().build().process(module));
        assertThat(unnamed.functionIndex()).isEqualTo(2);
        assertThat(unnamed.functionName()).isNull();
        assertThat(unnamed.getMessage()).isEqualTo("illegal opcode ff in function 2 (at byte offset " + unnamed.offset() + ")");

        byte[] named = processorInput()
                .function(0, body(bytes(0x0B)))
                .function(0, body(bytes(0x10, 0x00, 0xFF, 0x0B)))
                .custom("name", ModuleBuilder.nameSection(null, Map.of(1, "fine", 2, "broken::thing"), Map.of()))
                .build();
        for (Runnable path : new Runnable[] {
                () -> ExternrefProcessor.builder().build().process(named),
                () -> WasmModule.parse(named).decodeAllBodies()}) {
            MalformedModuleException e = assertThrows(MalformedModuleException.class, path::run);
            assertThat(e.functionIndex()).isEqualTo(2);
            assertThat(e.functionName()).isEqualTo("broken::thing");
            assertThat(e.detail()).isEqualTo("illegal opcode ff");
            assertThat(e.getMessage()).isEqualTo("illegal opcode ff in function 'broken::thing' (function 2) (at byte offset "
                    + e.offset() + ")");
            assertThat(named[(int) e.offset()] & 0xFF).isEqualTo(0xFF);
        }
    }

    @Test
    void errorsOutsideCodeNameNoFunction() {
        MalformedModuleException e = assertThrows(MalformedModuleException.class,
                () -> WasmModule.parse(bytes(0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00, 0x0E, 0x00)));
        assertThat(e.functionIndex()).isEqualTo(-1);
        assertThat(e.functionName()).isNull();
        assertThat(e.getMessage()).doesNotContain("function");
    }

    @Test
    void aDroppedNameSectionIsAWarningInTheReport() {
        byte[] malformedNames = bytes(0x01, 0x05, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F); // function names: count 0xFFFFFFFF
        byte[] module = processorInput().function(0, body(bytes(0x0B))).custom("name", malformedNames).build();
        ProcessingResult r = ExternrefProcessor.builder().build().process(module);
        assertThat(r.changed()).isTrue();
        assertThat(r.report().warnings()).singleElement().asString().startsWith("dropped the malformed 'name' section: ");
        assertThat(r.report().details()).first().asString().startsWith("warning: dropped the malformed 'name' section");
        assertThat(WasmModule.parse(r.output()).sections()).noneMatch(s -> "name".equals(s.customName()));

        byte[] wellNamed = processorInput().function(0, body(bytes(0x0B)))
                .custom("name", ModuleBuilder.nameSection(null, Map.of(1, "f"), Map.of())).build();
        assertThat(ExternrefProcessor.builder().build().process(wellNamed).report().warnings()).isEmpty();
    }
}
