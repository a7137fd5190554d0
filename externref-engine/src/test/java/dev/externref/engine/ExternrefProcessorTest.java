package dev.externref.engine;

import dev.externref.engine.error.MalformedModuleException;

import dev.externref.engine.testing.SharedFiles;
import dev.externref.engine.transform.testkit.Demo;
import dev.externref.engine.transform.testkit.Modules;
import dev.externref.engine.transform.testkit.ValidatedOutputs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The public API around the transform: builder options, results, report, errors. */
class ExternrefProcessorTest {
    @RegisterExtension
    static final ValidatedOutputs outputs = new ValidatedOutputs();

    @Test
    void builderDefaults() {
        ExternrefProcessor p = ExternrefProcessor.builder().build();
        assertEquals("externrefs", p.tableName());
        assertNull(p.dropFunction());
        assertNull(ExternrefProcessor.builder().tableName("").build().tableName(), "empty means not exported");
        assertNull(ExternrefProcessor.builder().tableName(null).build().tableName());
    }

    @Test
    void dropFunctionSpecs() {
        assertEquals(new DropFunction("hooks", "drop"), DropFunction.parse("hooks::drop"));
        assertEquals(new DropFunction("a", "b::c"), DropFunction.parse("a::b::c"));
        assertEquals("hooks::drop", new DropFunction("hooks", "drop").toString());
        for (String bad : new String[] {"hooks.drop", "::drop", "hooks::", "", null, "hooks::\ud800", "\udc00x::drop"}) {
            assertThrows(IllegalArgumentException.class, () -> DropFunction.parse(bad), String.valueOf(bad));
        }
    }

    @Test
    void namesWrittenIntoTheModuleMustBeWellFormedUnicode() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExternrefProcessor.builder().tableName("refs\ud800"));
        assertTrue(e.getMessage().contains("the table name is not well-formed Unicode"), e::getMessage);
        assertEquals("r\u00e9fs \ud83d\ude00", ExternrefProcessor.builder().tableName("r\u00e9fs \ud83d\ude00").build().tableName());
    }

    @Test
    void theModuleIsHandedOutWithoutItsBufferHeadroom() throws Exception {
        ProcessingResult r = ExternrefProcessor.builder().dropFunction(Demo.HOOK).build().process(Demo.module());
        byte[] module = r.output();
        assertEquals(module.length, r.size());
        assertSame(module, r.output(), "trimmed once");
        java.io.ByteArrayOutputStream written = new java.io.ByteArrayOutputStream();
        r.writeTo(written);
        assertArrayEquals(module, written.toByteArray());
        java.nio.ByteBuffer view = r.outputBuffer();
        assertTrue(view.isReadOnly());
        byte[] viewed = new byte[view.remaining()];
        view.get(viewed);
        assertArrayEquals(module, viewed);
        assertEquals(0, r.outputBuffer().position(), "each view starts at the module's first byte");
        assertThrows(IllegalArgumentException.class, () -> new ProcessingResult(new byte[4], 5, true, r.report()));
    }

    @Test
    void anUnchangedModuleIsReturnedAsItIs() {
        byte[] input = Modules.wat("(module (func (export \"f\")))");
        ProcessingResult r = ExternrefProcessor.builder().build().process(input);
        assertSame(input, r.output());
        assertEquals(false, r.changed());
        assertEquals(ProcessingReport.nothingToDo(), r.report());
    }

    @Test
    void theReportSaysWhatChanged() {
        ProcessingResult r = outputs.process(ExternrefProcessor.builder().dropFunction(Demo.HOOK).build(), Demo.module(), "demo");
        ProcessingReport report = r.report();
        assertEquals(List.of("host.len (externref) -> i32", "host.make (i32) -> externref"), report.imports());
        assertEquals(List.of("length_of (externref) -> i32", "make (i32) -> externref"), report.exports());
        assertEquals(6, report.redirectedCalls(), "get in len, insert in make, insert+drop in length_of, get+drop in make");
        assertEquals(2, report.removedGuards());
        assertEquals(1, report.retypedFunctions().size(), "only the make wrapper keeps a reference in a local");
        assertEquals("externrefs", report.tableExport());
        assertEquals(Demo.HOOK, report.dropFunction());
        assertEquals("2 import(s) and 2 export(s) patched, 6 call(s) redirected, 2 guard(s) removed, "
                + "locals retyped in 1 function(s)", report.summary());
        assertTrue(report.details().contains("reference table: exported as 'externrefs'"), report.details()::toString);
        assertTrue(report.details().contains("drop hook: hooks::drop"), report.details()::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "00", "0061736d", "0061736d01000000ff", "0061736d0200000000"})
    void bytesThatAreNotAModuleAreMalformed(String hex) {
        byte[] bytes = new byte[hex.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        MalformedModuleException e = assertThrows(MalformedModuleException.class,
                () -> ExternrefProcessor.builder().build().process(bytes));
        assertTrue(e.getMessage().contains("byte offset"), e.getMessage());
        assertTrue(e.offset() >= 0 && e.offset() <= bytes.length, "offset " + e.offset());
    }

    @Test
    void aTruncatedModuleWithTheSectionIsMalformedNotAProcessingError() {
        byte[] module = Demo.module();
        byte[] cut = Arrays.copyOf(module, module.length - 3);
        assertThrows(MalformedModuleException.class, () -> ExternrefProcessor.builder().build().process(cut));
    }

    @Test
    void aNullModuleIsRejected() {
        assertThrows(NullPointerException.class, () -> ExternrefProcessor.builder().build().process(null));
    }

    @Test
    void oneProcessorServesManyThreads() throws Exception {
        byte[] fixture = Files.readAllBytes(SharedFiles.fixture("upstream-e2e.wasm"));
        ExternrefProcessor p = ExternrefProcessor.builder().dropFunction(Demo.HOOK).build();
        byte[] expected = outputs.process(p, fixture, "fixture").output();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<byte[]>> futures = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                byte[] input = (i % 2 == 0 ? fixture : Demo.module());
                futures.add(pool.submit(() -> p.process(input).output()));
            }
            byte[] demo = p.process(Demo.module()).output();
            for (int i = 0; i < futures.size(); i++) {
                assertArrayEquals(i % 2 == 0 ? expected : demo, futures.get(i).get());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
