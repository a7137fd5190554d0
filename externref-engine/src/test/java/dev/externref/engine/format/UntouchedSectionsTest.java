package dev.externref.engine.format;

import dev.externref.engine.testing.SpecCase;
import dev.externref.engine.testing.SpecCorpus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A writer copies a section whole when it refers to none of the spaces its remap changes (the
 * parser notes which spaces the constant expressions of tables, globals, element and data
 * segments refer to), and a section only appended to keeps its entries' bytes. On every valid
 * and invalid module of the spec corpus, renumbering each space in turn, with and without an
 * entry appended to every section, gives the same bytes as writing every entry one by one.
 */
class UntouchedSectionsTest {
    private static final AtomicInteger copied = new AtomicInteger();

    @TestFactory
    Stream<DynamicTest> copyingUntouchedSectionsGivesTheEntryByEntryBytes() {
        return SpecCorpus.tests(c -> c.kind() != SpecCase.Kind.MALFORMED, c -> {
            byte[] bytes = RoundTrips.read(c.path());
            WasmModule m = WasmModule.parse(bytes);
            for (IndexSpace space : IndexSpace.ALL) {
                // Table 0 and memory 0 cannot move (they are also referred to implicitly).
                int from = space == IndexSpace.TABLE || space == IndexSpace.MEMORY ? 1 : 0;
                for (int delta : new int[] {1, 200}) {
                    IndexRemap remap = IndexRemap.shift(space, from, delta);
                    for (boolean append : new boolean[] {false, true}) {
                        String what = space + " shifted by " + delta + (append ? ", entries appended" : "");
                        assertThat(write(m, remap, append, true)).as(what).isEqualTo(write(m, remap, append, false));
                    }
                }
                for (Section s : m.sections()) {
                    if (s.id() != Section.CUSTOM && s.id() != Section.CODE && (s.spaces & 1 << space.ordinal()) == 0) {
                        copied.incrementAndGet();
                    }
                }
            }
        });
    }

    private static String write(WasmModule m, IndexRemap remap, boolean append, boolean copyUntouched) {
        try {
            ModuleEdits edits = new ModuleEdits();
            if (append) {
                for (Section s : m.sections()) {
                    if (s.id() != Section.CUSTOM && s.id() != Section.START && s.id() != Section.DATA_COUNT) {
                        edits.appendEntry(s.id(), new byte[] {0x01, 0x02}); // bytes the writer copies, whatever they mean
                    }
                }
            }
            ModuleWriter w = new ModuleWriter(m, remap, edits).copyUntouchedSections(copyUntouched);
            return java.util.HexFormat.of().formatHex(w.toBytes());
        } catch (RuntimeException e) {
            return e.toString();
        }
    }

    @AfterAll
    static void report() {
        System.out.printf("untouched sections: %d (section, space) pairs copied whole%n", copied.get());
    }
}
