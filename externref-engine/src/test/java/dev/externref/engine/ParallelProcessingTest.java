package dev.externref.engine;

import dev.externref.engine.error.MalformedModuleException;

import dev.externref.engine.testing.Checkout;
import dev.externref.engine.testing.NpmModule;
import dev.externref.engine.testing.NpmModules;
import dev.externref.engine.testing.SharedFiles;
import dev.externref.engine.transform.testkit.ProcessorInputs;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A large module's code is written on several threads; the output must be the very bytes of the
 * single-threaded path, and a failure the one the single-threaded path raises.
 */
class ParallelProcessingTest {
    private static final ExternrefProcessor ONE = ExternrefProcessor.builder().parallelism(1).build();
    private static final ExternrefProcessor FOUR = ExternrefProcessor.builder().parallelism(4).build();

    @TestFactory
    Stream<DynamicTest> realModulesGiveTheSameBytesOnOneAndOnFourThreads() throws Exception {
        List<Path> modules = new ArrayList<>();
        modules.add(SharedFiles.fixture("upstream-e2e.wasm"));
        modules.addAll(Checkout.rustFixtures());
        return modules.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            byte[] in = Files.readAllBytes(p);
            assertThat(FOUR.process(in).output()).isEqualTo(ONE.process(in).output());
        }));
    }

    @TestFactory
    Stream<DynamicTest> npmModulesGiveTheSameBytesOnOneAndOnFourThreads() {
        return NpmModules.ciSubset().stream().map(m -> DynamicTest.dynamicTest(m.path().getFileName().toString(), () -> {
            byte[] in = ProcessorInputs.withSurrogateDrop(Files.readAllBytes(m.path()));
            assertThat(FOUR.process(in).output()).isEqualTo(ONE.process(in).output());
        }));
    }

    @Test
    void aMalformedBodyFailsTheSameWayOnFourThreads() throws Exception {
        byte[] in = ProcessorInputs.withSurrogateDrop(Files.readAllBytes(NpmModules.ciSubset().get(0).path()));
        // Break the last byte (its final `end`) of the last body the writer decodes: one that may
        // call the surrogate or the last import, which moves into the surrogate's place. Only a
        // late run of bodies fails, after the others have been written by other threads.
        dev.externref.engine.format.WasmModule m = dev.externref.engine.format.WasmModule.parse(in);
        java.util.BitSet watched = new java.util.BitSet();
        watched.set(m.importedFunctionCount() - 1);
        for (int f = 0; f < m.importedFunctionCount(); f++) {
            if (m.imports().get(m.importOfFunction(f)).module().equals("externref")) {
                watched.set(f);
            }
        }
        var scan = new dev.externref.engine.format.FunctionIndexScan(watched.toLongArray());
        int body = m.definedFunctionCount() - 1;
        while (!scan.mayReferTo(in, m.bodyStart(body), m.bodyEnd(body))) {
            body--;
        }
        assertThat(body).isGreaterThan(m.definedFunctionCount() / 2);
        int last = m.bodyEnd(body) - 1;
        in[last] = (byte) 0xFF;
        Throwable sequential = catchThrowable(() -> ONE.process(in));
        Throwable parallel = catchThrowable(() -> FOUR.process(in));
        assertThat(sequential).isInstanceOf(MalformedModuleException.class);
        assertThat(parallel).isInstanceOf(MalformedModuleException.class).hasMessage(sequential.getMessage());
    }
}
