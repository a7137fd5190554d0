package dev.externref.engine.slots;

import com.dylibso.chicory.wabt.Wat2Wasm;
import dev.externref.engine.DropFunction;
import dev.externref.engine.ExternrefProcessor;
import dev.externref.engine.ProcessingResult;
import dev.externref.engine.SlotAllocator;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A tiny guest that exposes the slot glue to the host: it imports the surrogates
 * {@code externref.insert/get/drop} like a module compiled against the {@code externref} crate,
 * exports thin wrappers, and describes them in an {@code __externrefs} section (ABI.md), so
 * that after processing the host calls, with real externrefs:
 * <ul>
 *   <li>{@code ins(ref) -> i32}: the slot of a new reference ({@code -1} for null),</li>
 *   <li>{@code get(i32) -> ref}: the reference in a slot (null for {@code -1}),</li>
 *   <li>{@code drop(i32)}: releases a slot (calling the drop hook, if any),</li>
 *   <li>{@code nop()} and {@code nop_ref(ref) -> i32}: empty exports, the host-call baseline.</li>
 * </ul>
 * The processed module exports the slot table as {@value #TABLE} and, with a hook, imports
 * {@value #HOOK_MODULE}.{@value #HOOK_NAME} {@code (externref) -> ()}.
 */
public final class SlotGuest {
    public static final String TABLE = ExternrefProcessor.DEFAULT_TABLE_NAME;
    public static final String HOOK_MODULE = "host";
    public static final String HOOK_NAME = "dropped";

    /** The guest as the compiler would leave it: surrogate i32s everywhere. */
    static final String WAT = """
            (module
              (import "externref" "insert" (func $insert (param i32) (result i32)))
              (import "externref" "get" (func $get (param i32) (result i32)))
              (import "externref" "drop" (func $drop (param i32)))
              (func (export "ins") (param $r i32) (result i32)
                (call $insert (local.get $r)))
              (func (export "get") (param $i i32) (result i32)
                (call $get (local.get $i)))
              (func (export "drop") (param $i i32)
                (call $drop (local.get $i)))
              (func (export "nop"))
              (func (export "nop_ref") (param $r i32) (result i32)
                (i32.const 0)))
            """;

    private SlotGuest() {
    }

    /** One way of processing the guest. */
    public record Config(SlotAllocator allocator, boolean hook) {
        public String label() {
            return allocator + (hook ? "+hook" : "");
        }

        @Override
        public String toString() {
            return label();
        }
    }

    /** The unprocessed guest: the assembled WAT followed by its {@code __externrefs} section. */
    public static byte[] unprocessed() {
        byte[] code = Wat2Wasm.parse(WAT);
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        exportRecord(records, "ins", 2, 0b01);     // (param ref) (result i32)
        exportRecord(records, "get", 2, 0b10);     // (param i32) (result ref)
        exportRecord(records, "drop", 1, 0b0);     // (param i32)
        exportRecord(records, "nop_ref", 2, 0b01); // (param ref) (result i32)
        return withCustomSection(code, "__externrefs", records.toByteArray());
    }

    /** The guest after the engine, with the given allocator and, if asked, the drop hook. */
    public static byte[] processed(Config config) {
        ExternrefProcessor.Builder builder = ExternrefProcessor.builder().slotAllocator(config.allocator());
        if (config.hook()) {
            builder.dropFunction(new DropFunction(HOOK_MODULE, HOOK_NAME));
        }
        ProcessingResult result = builder.build().process(unprocessed());
        if (!result.changed()) {
            throw new AssertionError("the engine did not process the slot guest");
        }
        return result.output();
    }

    /** ABI.md record of an export: kind 0xFFFFFFFF, name, bit count, ceil(bits/8) bytes of bits. */
    private static void exportRecord(ByteArrayOutputStream out, String name, int bits, int refBits) {
        u32le(out, 0xFFFFFFFF);
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        u32le(out, utf8.length);
        out.writeBytes(utf8);
        u32le(out, bits);
        for (int i = 0; i < (bits + 7) / 8; i++) {
            out.write(refBits >>> (8 * i));
        }
    }

    private static void u32le(ByteArrayOutputStream out, int v) {
        out.write(v);
        out.write(v >>> 8);
        out.write(v >>> 16);
        out.write(v >>> 24);
    }

    /** Appends a custom section (id 0, LEB128 size, LEB128-prefixed name, payload) to a module. */
    static byte[] withCustomSection(byte[] module, String name, byte[] payload) {
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        leb(body, utf8.length);
        body.writeBytes(utf8);
        body.writeBytes(payload);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(module);
        out.write(0);
        leb(out, body.size());
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    private static void leb(ByteArrayOutputStream out, int v) {
        do {
            int b = v & 0x7F;
            v >>>= 7;
            out.write(v != 0 ? b | 0x80 : b);
        } while (v != 0);
    }
}
