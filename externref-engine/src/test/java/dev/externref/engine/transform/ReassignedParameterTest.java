package dev.externref.engine.transform;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.types.ValType;
import dev.externref.engine.ExternrefProcessor;
import dev.externref.engine.ProcessingResult;
import dev.externref.engine.transform.testkit.Demo;
import dev.externref.engine.transform.testkit.ValidatedOutputs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * ABI.md, "Facts about real compiler output": rustc reassigns a reference parameter with its
 * slot index, {@code local.get N; call $insert; local.tee N}, at the start of the body, after a
 * stack-pointer prologue, or inside a {@code block}. The processed export takes an externref
 * there and keeps working: the slot index lives in an i32 local.
 */
class ReassignedParameterTest {
    @RegisterExtension
    static final ValidatedOutputs outputs = new ValidatedOutputs();

    /**
     * Exports {@code (i32 n, ref r) -> i32}: r is parameter 1 (so that parameter 0 must stay
     * an i32), each returns {@code n * 1000 + length(r)} and drops r's slot. After the
     * reassignment, parameter 1 is read again (for len and for drop).
     */
    private static String body(String variant) {
        String use = """
                    call $len
                    local.get 0
                    i32.const 1000
                    i32.mul
                    i32.add
                    local.get 1
                    call $drop
                """;
        return switch (variant) {
            case "start" -> """
                      (func (export "f") (param i32 i32) (result i32)
                        local.get 1
                        call $insert
                        local.tee 1
                    """ + use + ")";
            case "prologue" -> """
                      (func (export "f") (param i32 i32) (result i32) (local $frame i32) (local $out i32)
                        global.get $sp
                        i32.const 16
                        i32.sub
                        local.tee $frame
                        global.set $sp
                        local.get 1
                        call $insert
                        local.tee 1
                    """ + use + """
                        local.set $out
                        local.get $frame
                        i32.const 16
                        i32.add
                        global.set $sp
                        local.get $out)
                    """;
            case "block" -> """
                      (func (export "f") (param i32 i32) (result i32) (local $n i32)
                        block $done
                          local.get 1
                          call $insert
                          local.tee 1
                          call $len
                          local.set $n
                        end
                        local.get 0
                        i32.const 1000
                        i32.mul
                        local.get $n
                        i32.add
                        local.get 1
                        call $drop)
                    """;
            case "set" -> """
                      (func (export "f") (param i32 i32) (result i32)
                        local.get 1
                        call $insert
                        local.set 1
                        local.get 1
                    """ + use + ")";
            default -> throw new IllegalArgumentException(variant);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"start", "prologue", "block", "set"})
    void theReassignedParameterKeepsWorking(String variant) {
        byte[] input = Demo.module(body(variant), Demo.records().export("f", 3, 1));
        ProcessingResult r = outputs.process(ExternrefProcessor.builder().dropFunction(Demo.HOOK).build(), input, variant);

        var m = Parser.parse(r.output());
        var type = m.typeSection().getType(m.functionSection().getFunctionType(m.exportSection().getExport(
                exportIndex(m, "f")).index() - m.importSection().count(com.dylibso.chicory.wasm.types.ExternalType.FUNCTION)));
        assertEquals(List.of(ValType.I32, ValType.ExternRef), type.params(), "parameter 1 is an externref, 0 stays i32");

        Demo.Host host = new Demo.Host(r.output());
        StringBuilder word = new StringBuilder("reference");
        assertEquals(7009, host.call("f", 7, host.refs.ref(word)));
        assertEquals(List.of(word), host.drops, "the reassigned slot index reached drop");
        assertEquals(List.of(), host.refs.live(host.table()));
        assertEquals(List.of(), host.failures);
        if (variant.equals("prologue")) {
            assertEquals(1024, host.instance.global(0).getValue());
        }
        StringBuilder other = new StringBuilder("xy");
        assertEquals(2002, host.call("f", 2, host.refs.ref(other)), "a second call reuses the freed slot");
        assertEquals(List.of(word, other), host.drops);
    }

    @Test
    void twoReassignedReferenceParametersGetTwoSlotLocals() {
        String two = """
                  (func (export "two") (param i32 i32) (result i32) (local $n i32)
                    local.get 0
                    call $insert
                    local.tee 0
                    call $len
                    local.get 1
                    call $insert
                    local.tee 1
                    call $len
                    i32.const 100
                    i32.mul
                    i32.add
                    local.set $n
                    local.get 1
                    call $drop
                    local.get 0
                    call $drop
                    local.get $n)
                """;
        byte[] input = Demo.module(two, Demo.records().export("two", 3, 0, 1));
        ProcessingResult r = outputs.process(ExternrefProcessor.builder().dropFunction(Demo.HOOK).build(), input, "two");
        Demo.Host host = new Demo.Host(r.output());
        StringBuilder first = new StringBuilder("ab");
        StringBuilder second = new StringBuilder("cde");
        assertEquals(302, host.call("two", host.refs.ref(first), host.refs.ref(second)));
        assertEquals(List.of(second, first), host.drops);
        assertEquals(List.of(), host.refs.live(host.table()));
    }

    private static int exportIndex(com.dylibso.chicory.wasm.WasmModule m, String name) {
        for (int i = 0; i < m.exportSection().exportCount(); i++) {
            if (m.exportSection().getExport(i).name().equals(name)) {
                return i;
            }
        }
        throw new AssertionError("no export " + name);
    }
}
