package dev.externref.engine.format;

import dev.externref.engine.testing.NpmModule;
import dev.externref.engine.testing.NpmModules;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With a warm-up budget, the writer writes the first code on the calling thread and only then
 * spreads runs of bodies over threads: a section that straddles that point must come out as
 * the single-threaded path writes it, and be counted against the budget.
 */
class ParallelWarmUpTest {
    @Test
    void bodiesBeforeAndAfterTheWarmUpPointGiveTheSingleThreadedBytes() throws Exception {
        for (NpmModule npm : NpmModules.ciSubset()) {
            WasmModule m = WasmModule.parse(Files.readAllBytes(npm.path()));
            IndexRemap remap = IndexRemap.shift(IndexSpace.FUNCTION, 0, 1);
            byte[] one = new ModuleWriter(m, remap).policy(CodeWritePolicy.SINGLE_THREADED).toBytes();
            long code = m.bodyEnd(m.definedFunctionCount() - 1) - m.bodyStart(0);
            for (int runBytes : new int[] {CodeWritePolicy.RUN_BYTES, 1 << 16}) {
                // A third of this module's code left before the budget is spent.
                CodeWritePolicy.WarmUp warmUp = new CodeWritePolicy.WarmUp(code / 3);
                CodeWritePolicy policy = new CodeWritePolicy(3, CodeWritePolicy.PARALLEL_THRESHOLD, runBytes, warmUp);
                byte[] split = new ModuleWriter(m, remap).policy(policy).toBytes();
                assertThat(split).as(npm + ", runs of " + runBytes + " bytes").isEqualTo(one);
                assertThat(warmUp.remaining()).as("the section is counted against the budget").isNegative();
                // Once warm, the same budget sends every body to the threads: still the same bytes.
                assertThat(new ModuleWriter(m, remap).policy(policy).toBytes()).as(npm + ", warm").isEqualTo(one);
            }
        }
    }

    @Test
    void budgetsAreTheCallersNotTheJvms() {
        CodeWritePolicy.WarmUp first = new CodeWritePolicy.WarmUp();
        CodeWritePolicy.WarmUp second = new CodeWritePolicy.WarmUp();
        first.add(CodeWritePolicy.WARM_UP_CODE_BYTES);
        assertThat(first.remaining()).isZero();
        assertThat(second.remaining()).isEqualTo(CodeWritePolicy.WARM_UP_CODE_BYTES);
        assertThat(CodeWritePolicy.of(0, first).warmUp()).isSameAs(first);
        assertThat(CodeWritePolicy.of(4, first).warmUp()).as("explicit threads: no warm-up").isNull();
        CodeWritePolicy one = CodeWritePolicy.of(1, first);
        assertThat(one.threads()).isEqualTo(1);
        assertThat(one.warmUp()).as("single-threaded, the warm-up still counts code").isSameAs(first);
    }

    @Test
    void theFastDecoderIsChosenForALargeModuleOrAfterTheWarmUpHasSeenEnoughCode() throws Exception {
        java.nio.file.Path smallest = NpmModules.ciSubset().stream().map(NpmModule::path)
                .min(java.util.Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
        byte[] small = Files.readAllBytes(smallest);
        WasmModule m = WasmModule.parse(small);
        assertThat(m.section(Section.CODE).end - m.section(Section.CODE).start)
                .isLessThan((int) InstructionReader.FAST_DECODING_MODULE_BYTES);
        IndexRemap remap = IndexRemap.shift(IndexSpace.FUNCTION, 0, 1);
        CodeWritePolicy.WarmUp warmUp = new CodeWritePolicy.WarmUp();
        ModuleWriter cold = new ModuleWriter(m, remap).policy(CodeWritePolicy.of(1, warmUp));
        byte[] coldBytes = cold.toBytes();
        assertThat(cold.fastDecoding).as("a small module in a fresh processor").isFalse();
        warmUp.add(InstructionReader.FAST_DECODING_BYTES);
        ModuleWriter warm = new ModuleWriter(m, remap).policy(CodeWritePolicy.of(1, warmUp));
        assertThat(warm.toBytes()).as("either decoder, the same bytes").isEqualTo(coldBytes);
        assertThat(warm.fastDecoding).as("once the processor has written enough code").isTrue();
    }
}
