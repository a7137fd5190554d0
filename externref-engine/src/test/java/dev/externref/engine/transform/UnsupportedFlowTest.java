package dev.externref.engine.transform;

import dev.externref.engine.ExternrefProcessor;
import dev.externref.engine.error.ProcessingException;
import dev.externref.engine.ProcessingResult;
import dev.externref.engine.testing.Node;
import dev.externref.engine.transform.testkit.Demo;
import dev.externref.engine.transform.testkit.Modules;
import dev.externref.engine.transform.testkit.Records;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.Arguments;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * ABI.md: "The output is a valid module: it validates wherever the input validated". For
 * reference flows the transform does not understand, the contract leaves two outcomes: a
 * {@link ProcessingException}, or a valid module. These inputs are valid wasm. The first is
 * what a debug build does (ABI.md: the reference processor "tells users to lower the debug-info
 * level"); the next two are plausible optimized output (LLVM reuses an i32 local for the slot
 * index; an export inserts its parameter on two paths); the rest are shapes rustc does not emit.
 */
class UnsupportedFlowTest {
    static Stream<Arguments> flows() {
        return Stream.of(
                Arguments.of("debug build: a reference spilled to the shadow stack", Demo.module("""
                          (func $spill (param $slot i32) (result i32) (local $r i32)
                            call $guard
                            local.get $slot
                            call $get
                            local.set $r
                            i32.const 16
                            local.get $r
                            i32.store
                            i32.const 16
                            i32.load
                            call $host_len)
                        """, Demo.records())),
                Arguments.of("a wrapper's local reused for the slot index", Demo.module("""
                          (func $make2 (param $n i32) (result i32) (local $r i32)
                            call $guard
                            local.get $n
                            call $host_make
                            local.set $r
                            local.get $r
                            call $insert
                            local.set $r
                            local.get $r)
                        """, Demo.records())),
                Arguments.of("an export parameter inserted and reassigned in both branches of an if", Demo.module("""
                          (func (export "branches") (param i32 i32) (result i32)
                            local.get 0
                            if (result i32)
                              local.get 1
                              call $insert
                              local.tee 1
                              call $len
                              local.get 1
                              call $drop
                            else
                              local.get 1
                              call $insert
                              local.tee 1
                              call $len
                              local.get 1
                              call $drop
                            end)
                        """, Demo.records().export("branches", 3, 1))),
                Arguments.of("a marked export parameter used as a number", Demo.module("""
                          (func (export "arith") (param i32) (result i32) local.get 0 i32.const 1 i32.add)
                        """, Demo.records().export("arith", 2, 0))),
                Arguments.of("a get result consumed by i32.eqz", Demo.module("""
                          (func $d (param i32) (result i32) local.get 0 call $get i32.eqz)
                        """, Demo.records())),
                Arguments.of("an internal call of a described export", Demo.module("""
                          (func $caller (result i32) i32.const 5 call $make call 9)
                        """, Demo.records())),
                Arguments.of("a multi-value import whose first result is a reference",
                        Records.of().importFn("host", "pair", 2, 0).appendTo(Modules.wat("""
                                (module
                                  (import "externref" "guard" (func $guard))
                                  (import "externref" "insert" (func $insert (param i32) (result i32)))
                                  (import "host" "pair" (func $pair (result i32 i32)))
                                  (func $w (result i32) (local $a i32) (local $b i32)
                                    call $guard
                                    call $pair
                                    local.set $b
                                    local.set $a
                                    local.get $a
                                    call $insert
                                    local.get $b
                                    i32.add))
                                """))));
    }

    @Test
    void anUnsupportedFlowIsAnErrorOrAValidModule() {
        List<String> names = new ArrayList<>();
        List<byte[]> modules = new ArrayList<>();
        flows().forEach(a -> {
            names.add("input: " + a.get()[0]);
            modules.add((byte[]) a.get()[1]);
            try {
                ProcessingResult r = ExternrefProcessor.builder().build().process((byte[]) a.get()[1]);
                names.add("output: " + a.get()[0]);
                modules.add(r.output());
            } catch (ProcessingException e) {
                // an error is one of the two allowed outcomes
            }
        });
        List<Node.Validation> verdicts = Node.validateBytes(modules);
        List<String> invalid = new ArrayList<>();
        for (int i = 0; i < verdicts.size(); i++) {
            if (!verdicts.get(i).valid()) {
                invalid.add(names.get(i) + ": " + verdicts.get(i).message());
            }
        }
        assertEquals(List.of(), invalid, "inputs must be valid; outputs must be valid or be an error instead");
    }
}
