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
    void theDecodingLoopFollowsTheModulesSizeAndTheJvmsWarmth() throws Exception {
        long large = InstructionReader.FAST_DECODING_MODULE_BYTES;
        long small = InstructionReader.TABLE_DECODING_MODULE_BYTES;
        CodeWritePolicy.WarmUp fresh = new CodeWritePolicy.WarmUp();
        CodeWritePolicy.WarmUp warm = new CodeWritePolicy.WarmUp();
        warm.add(InstructionReader.FAST_DECODING_BYTES);
        assertThat(ModuleWriter.decoding(large, fresh)).as("a large module, fresh").isEqualTo(InstructionReader.Loop.FAST);
        assertThat(ModuleWriter.decoding(large - 1, fresh)).as("a smaller module, fresh").isEqualTo(InstructionReader.Loop.COMPACT);
        assertThat(ModuleWriter.decoding(large, null)).as("no warm-up to tell").isEqualTo(InstructionReader.Loop.COMPACT);
        assertThat(ModuleWriter.decoding(large, warm)).as("a large module, warm").isEqualTo(InstructionReader.Loop.COMPACT);
        assertThat(ModuleWriter.decoding(small, warm)).as("at the table's limit").isEqualTo(InstructionReader.Loop.COMPACT);
        assertThat(ModuleWriter.decoding(small - 1, fresh)).as("a small module, fresh").isEqualTo(InstructionReader.Loop.COMPACT);
        for (CodeWritePolicy.WarmUp w : java.util.Arrays.asList(warm, null)) {
            assertThat(ModuleWriter.decoding(small - 1, w)).as("a small module, warm").isEqualTo(InstructionReader.Loop.TABLE);
            assertThat(ModuleWriter.decoding(0, w)).as("no code, warm").isEqualTo(InstructionReader.Loop.TABLE);
        }

        // That every loop reads every body alike: FastScanTest.
    }
}
