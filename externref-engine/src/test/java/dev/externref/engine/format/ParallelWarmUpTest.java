package dev.externref.engine.format;

import dev.externref.engine.testing.NpmModule;
import dev.externref.engine.testing.NpmModules;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * In a fresh JVM the automatic mode writes the first code on the calling thread and only then
 * spreads runs of bodies over threads: a section that straddles that point must come out as
 * the single-threaded path writes it.
 */
class ParallelWarmUpTest {
    @Test
    void bodiesBeforeAndAfterTheWarmUpPointGiveTheSingleThreadedBytes() throws Exception {
        for (NpmModule npm : NpmModules.ciSubset()) {
            WasmModule m = WasmModule.parse(Files.readAllBytes(npm.path()));
            IndexRemap remap = IndexRemap.shift(IndexSpace.FUNCTION, 0, 1);
            byte[] one = new ModuleWriter(m, remap).parallelism(1).toBytes();
            long written = ModuleWriter.CODE_BYTES_WRITTEN.get();
            try {
                // A third of this module's code left before the JVM counts as warm.
                long code = m.bodyEnd(m.definedFunctionCount() - 1) - m.bodyStart(0);
                ModuleWriter.CODE_BYTES_WRITTEN.set(ModuleWriter.WARM_UP_CODE_BYTES - code / 3);
                byte[] split = new ModuleWriter(m, remap).parallelism(3).warmUpFirst(true).toBytes();
                assertThat(split).as(npm.toString()).isEqualTo(one);
                assertThat(ModuleWriter.CODE_BYTES_WRITTEN.get()).isGreaterThan(ModuleWriter.WARM_UP_CODE_BYTES);
            } finally {
                ModuleWriter.CODE_BYTES_WRITTEN.set(Math.max(written, ModuleWriter.WARM_UP_CODE_BYTES));
            }
        }
    }
}
