package dev.externref.engine.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.wabt.Wat2Wasm;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Tests the Node host of the real fixture before a processor exists: in --unprocessed mode on
 * the original fixture (the host plays the processor), and in processed mode on a hand-written
 * module with the processed interface ({@code src/test/node/processed-shape.wat}).
 */
class UpstreamE2eHostTest {
    private static final String DROP_HOOK_CALL = "    (call $hook (local.get $r))\n";
    private static final String SLOT_CLEAR = "    (table.set $refs (local.get $i) (ref.null extern)))";

    private static Node.Result host(String... args) {
        return Node.run(UpstreamE2eHost.script(), args);
    }

    private static String processedShape() throws Exception {
        return Files.readString(Checkout.resolve("externref-engine/src/test/node/processed-shape.wat"));
    }

    private static Path assemble(Path dir, String wat) throws Exception {
        return Files.write(dir.resolve("processed.wasm"), Wat2Wasm.parse(wat));
    }

    @Test
    void theOriginalFixturePassesWithTheSimulatedProcessor() {
        Node.Result r = host(SharedFiles.fixture("upstream-e2e.wasm").toString(), "--unprocessed");
        assertEquals(0, r.exitCode(), r::describe);
        assertTrue(r.stdout().contains("\"ok\": true"), r::describe);
        assertTrue(r.stdout().contains("\"inspections\": [\"0:s\", \"0:s 1:m1\", \"0:s 1:m1 2:m2\", "
                + "\"0:s 1:m1 2:m2 3:m3\", \"0:s 2:m2 3:m3\", \"0:s\"]"), r::describe);
        assertTrue(r.stderr().contains("OK, 4 scenarios passed"), r::describe);
    }

    @ParameterizedTest
    @CsvSource({
        "leak,             after the call the table still holds",
        "no-hook,          drop hook saw m1 0 time(s)",
        "double-hook,      drop hook saw m1 2 time(s)",
        "hook-after-clear, drop hook called with m1, which is not in the table",
        "wrong-get,        send_message got m1 as sender, expected s",
    })
    void aMisbehavingSimulatedProcessorIsCaught(String bug, String message) {
        Node.Result r = host(SharedFiles.fixture("upstream-e2e.wasm").toString(), "--unprocessed", "--simulate-bug", bug);
        assertEquals(1, r.exitCode(), r::describe);
        assertTrue(r.stderr().contains(message), r::describe);
        assertTrue(r.stdout().contains("\"ok\": false"), r::describe);
    }

    @Test
    void theOriginalFixtureIsNotAProcessedModule() {
        Node.Result r = UpstreamE2eHost.run(SharedFiles.fixture("upstream-e2e.wasm"), "--drop-fn", "hooks::drop");
        assertEquals(2, r.exitCode(), r::describe);
        assertTrue(r.stderr().contains("module still imports externref.drop"), r::describe);
    }

    @Test
    void aModuleWithTheProcessedInterfacePasses(@TempDir Path dir) throws Exception {
        Node.Result r = UpstreamE2eHost.run(assemble(dir, processedShape()), "--drop-fn", "hooks::drop");
        assertEquals(0, r.exitCode(), r::describe);
        assertTrue(r.stdout().contains("\"mode\": \"processed\""), r::describe);
        assertTrue(r.stdout().contains("\"drops\": [\"m1\", \"m3\", \"m2\", \"s\"]"), r::describe);
    }

    @Test
    void withoutADropHookOnlyTheTableIsChecked(@TempDir Path dir) throws Exception {
        String wat = processedShape()
                .replace("  (import \"hooks\" \"drop\" (func $hook (param externref)))\n", "")
                .replace(DROP_HOOK_CALL, "");
        Node.Result r = UpstreamE2eHost.run(assemble(dir, wat));
        assertEquals(0, r.exitCode(), r::describe);
        assertTrue(r.stderr().contains("no drop hook: drops not checked"), r::describe);
    }

    @Test
    void aProcessedModuleThatLeaksFails(@TempDir Path dir) throws Exception {
        String wat = processedShape();
        assertTrue(wat.contains(SLOT_CLEAR));
        Node.Result r = UpstreamE2eHost.run(assemble(dir, wat.replace(SLOT_CLEAR, "    )")), "--drop-fn", "hooks::drop");
        assertEquals(1, r.exitCode(), r::describe);
        assertTrue(r.stderr().contains("test_export(s): inspect_refs #5: expected {s,m2,m3}, table has [0:s 1:m1 2:m2 3:m3]"),
                r::describe);
    }

    @Test
    void aHookThatRunsAfterTheSlotIsClearedFails(@TempDir Path dir) throws Exception {
        String wat = processedShape();
        assertTrue(wat.contains(DROP_HOOK_CALL + SLOT_CLEAR));
        String swapped = wat.replace(DROP_HOOK_CALL + SLOT_CLEAR,
                "    (table.set $refs (local.get $i) (ref.null extern))\n    (call $hook (local.get $r)))");
        Node.Result r = UpstreamE2eHost.run(assemble(dir, swapped), "--drop-fn", "hooks::drop");
        assertEquals(1, r.exitCode(), r::describe);
        assertTrue(r.stderr().contains("drop hook called with m1, which is not in the table"), r::describe);
    }

    @Test
    void missingTableOrHookImportIsALoadError(@TempDir Path dir) throws Exception {
        Path module = assemble(dir, processedShape());
        Node.Result noTable = UpstreamE2eHost.run(module, "--drop-fn", "hooks::drop", "--table", "refs");
        assertEquals(2, noTable.exitCode(), noTable::describe);
        assertTrue(noTable.stderr().contains("module has no table export 'refs'"), noTable::describe);
        Node.Result noHookOption = UpstreamE2eHost.run(module);
        assertEquals(2, noHookOption.exitCode(), noHookOption::describe);
        assertTrue(noHookOption.stderr().contains("pass --drop-fn module::name"), noHookOption::describe);
    }
}
