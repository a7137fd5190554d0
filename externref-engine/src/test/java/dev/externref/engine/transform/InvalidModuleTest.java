package dev.externref.engine.transform;

import dev.externref.engine.ExternrefProcessor;
import dev.externref.engine.error.InvalidModuleException;
import dev.externref.engine.error.ProcessingException;
import dev.externref.engine.error.WasmException;
import dev.externref.engine.format.Export;
import dev.externref.engine.format.Section;
import dev.externref.engine.format.WasmModule;
import dev.externref.engine.transform.testkit.Demo;
import dev.externref.engine.transform.testkit.Modules;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Modules that are well formed but invalid where the transform reads them: each ends in an
 * error naming what is wrong and where, not in an exception from deep inside (a mutation
 * campaign over the fixtures found each of these as a NullPointerException or an
 * IndexOutOfBoundsException). Built as valid WAT, then one byte changed.
 */
class InvalidModuleTest {
    private static final ExternrefProcessor PROCESSOR = ExternrefProcessor.builder().dropFunction(Demo.HOOK).build();

    @Test
    void aFunctionWhoseTypeIndexNamesNoType() {
        byte[] module = Demo.module();
        PROCESSOR.process(module);
        int function = Demo.FUNCTIONS - 1; // export `make`
        int at = WasmModule.parse(module).functionTypeOffset(function);
        module[at] = 0x7F;
        InvalidModuleException e = assertInvalid(module, at);
        assertTrue(e.getMessage().startsWith("export 'make' (function 10) has type index 127, but the module has "),
                e.getMessage());
    }

    @Test
    void aFunctionWhoseTypeIsAStructType() {
        byte[] demo = Demo.module();
        WasmModule m = WasmModule.parse(demo);
        Section types = m.section(Section.TYPE);
        int struct = m.typeCount();
        // The type section again with `(struct)` (0x5F, no fields) appended as type `struct`.
        int[] size = leb(demo, types.start() + 1);
        int[] count = leb(demo, size[1]);
        byte[] entries = Arrays.copyOfRange(demo, count[1], types.end());
        byte[] content = concat(Modules.leb(struct + 1), entries, Modules.bytes(0x5F, 0x00));
        byte[] module = concat(Arrays.copyOfRange(demo, 0, types.start()), Modules.bytes(Section.TYPE),
                Modules.leb(content.length), content, Arrays.copyOfRange(demo, types.end(), demo.length));
        PROCESSOR.process(module);
        int at = WasmModule.parse(module).functionTypeOffset(Demo.FUNCTIONS - 1); // export `make`
        assertTrue(struct < 128, "a one-byte type index");
        module[at] = (byte) struct;
        InvalidModuleException e = assertInvalid(module, at);
        assertTrue(e.getMessage().startsWith("export 'make' (function 10) has type " + struct + ", which is not a function type"),
                e.getMessage());
    }

    @Test
    void anExportNamingNoFunction() {
        byte[] module = Demo.module();
        PROCESSOR.process(module);
        Export make = WasmModule.parse(module).exports().stream().filter(x -> x.name().equals("make")).findFirst().orElseThrow();
        module[make.offset() + 1 + make.nameLength() + 1] = 0x7F; // name length, name, kind, then the index
        InvalidModuleException e = assertInvalid(module, make.offset());
        assertTrue(e.getMessage().startsWith("export 'make' names function 127, but the module has 11 functions"), e.getMessage());
    }

    @Test
    void aStartSectionNamingNoFunction() {
        byte[] module = Demo.module("(func $init) (start $init)", Demo.records());
        PROCESSOR.process(module);
        int at = WasmModule.parse(module).section(Section.START).payloadStart();
        module[at] = 0x7F;
        InvalidModuleException e = assertInvalid(module, at);
        assertTrue(e.getMessage().startsWith("the start section names function 127"), e.getMessage());
    }

    @Test
    void aCallOfNoFunctionInCodeThatHandlesReferences() {
        byte[] module = withHandler("", "i32.const 77 call $log");
        int call = Modules.indexOfUnique(module, Modules.bytes(0x41, 0xCD, 0x00, 0x10, 0x00)) + 3;
        module[call + 1] = 0x7F;
        InvalidModuleException e = assertInvalid(module, call);
        assertTrue(e.getMessage().startsWith("export 'handler' (function 11): a call of function 127, but the module has 12 functions"),
                e.getMessage());
    }

    @Test
    void aCallIndirectTypeIndexNamingNoType() {
        byte[] module = withHandler("(table 1 funcref) (type $v (func))",
                "i32.const 77 drop (call_indirect (type $v) (i32.const 0))");
        int call = Modules.indexOfUnique(module, Modules.bytes(0x41, 0xCD, 0x00, 0x1A, 0x41, 0x00, 0x11)) + 6;
        module[call + 1] = 0x7F;
        InvalidModuleException e = assertInvalid(module, call);
        assertTrue(e.getMessage().contains("the call_indirect type index 127 names no function type"), e.getMessage());
    }

    @Test
    void aBlockTypeIndexNamingNoType() {
        byte[] module = withHandler("", "i32.const 77 (block (param i32) drop)");
        int block = Modules.indexOfUnique(module, Modules.bytes(0x41, 0xCD, 0x00, 0x02)) + 3;
        module[block + 1] = 0x3F; // type index 63 (a one-byte s33 below 64 is a type index, not a value type)
        InvalidModuleException e = assertInvalid(module, block);
        assertTrue(e.getMessage().contains("the block type index 63 names no function type"), e.getMessage());
    }

    /**
     * Legacy exception handling inside code the analysis reads: its blocks are not modelled, so
     * the analysis stops there with an error rather than lose track of the code's blocks.
     */
    @Test
    void aTryBlockInCodeThatHandlesReferences() {
        byte[] module = withHandler("", "i32.const 77 drop (block nop)");
        int block = Modules.indexOfUnique(module, Modules.bytes(0x41, 0xCD, 0x00, 0x1A, 0x02, 0x40, 0x01, 0x0B)) + 4;
        module[block] = 0x06; // try [] nop end
        ProcessingException e = assertThrows(ProcessingException.class, () -> PROCESSOR.process(module));
        assertEquals(ProcessingException.Kind.UNSUPPORTED_REFERENCE_FLOW, e.kind());
        assertEquals(block, e.offset());
        assertTrue(e.getMessage().contains("does not support exception handling"), e.getMessage());
    }

    /** A described export that handles a reference (inserts, then drops its parameter), with {@code code} first. */
    private static String handler(String code) {
        return "(func (export \"handler\") (param $ref i32) (result i32) (local $slot i32)\n"
                + code + "\n"
                + "  local.get $ref\n"
                + "  call $insert\n"
                + "  local.set $slot\n"
                + "  local.get $slot\n"
                + "  call $drop\n"
                + "  i32.const 0)";
    }

    /** The demo with {@link #handler}; processed as it is, so that the byte a test changes is what fails it. */
    private static byte[] withHandler(String fields, String code) {
        byte[] module = Demo.module(fields + handler(code), Demo.records().export("handler", 2, 0));
        PROCESSOR.process(module);
        return module;
    }

    /** The unsigned LEB128 at {@code at}: its value and the position after it. */
    private static int[] leb(byte[] b, int at) {
        int value = 0;
        int shift = 0;
        while (true) {
            int x = b[at++];
            value |= (x & 0x7F) << shift;
            shift += 7;
            if (x >= 0) {
                return new int[] {value, at};
            }
        }
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static InvalidModuleException assertInvalid(byte[] module, long offset) {
        byte[] copy = module.clone();
        InvalidModuleException e = assertThrows(InvalidModuleException.class, () -> PROCESSOR.process(module));
        assertEquals(offset, e.offset(), e.getMessage());
        assertTrue(e.getMessage().endsWith("(at byte offset " + offset + ")"), e.getMessage());
        assertTrue(e instanceof WasmException);
        org.junit.jupiter.api.Assertions.assertArrayEquals(copy, module, "the input is not modified");
        return e;
    }
}
