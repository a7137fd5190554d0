package dev.externref.engine.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeTest {
    /** The smallest valid module: magic and version. */
    private static final byte[] EMPTY_MODULE = {0, 'a', 's', 'm', 1, 0, 0, 0};

    @Test
    void runReturnsExitCodeAndBothOutputs(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("echo.mjs");
        Files.writeString(script, "console.log('out', process.argv.slice(2).join(','));"
                + "console.error('err');process.exitCode = 3;");
        Node.Result result = Node.run(script, "a", "b c");
        assertEquals(3, result.exitCode());
        assertEquals("out a,b c\n", result.stdout());
        assertEquals("err\n", result.stderr());
        assertFalse(result.ok());
        assertTrue(result.describe().contains("exit code 3"));
    }

    @Test
    void runFeedsStandardInput(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("cat.mjs");
        Files.writeString(script, "import {readFileSync} from 'node:fs';"
                + "process.stdout.write(readFileSync(0, 'utf8').toUpperCase());");
        Node.Result result = Node.run(Duration.ofSeconds(30), script, List.of(),
                "hello\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("HELLO\n", result.stdout());
        assertTrue(result.ok(), result::describe);
    }

    @Test
    void aRunThatOutlivesItsTimeoutFails(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("sleep.mjs");
        Files.writeString(script, "console.error('started'); setTimeout(() => {}, 60000);");
        AssertionError e = assertThrows(AssertionError.class,
                () -> Node.run(Duration.ofMillis(1500), script, List.of(), null));
        assertTrue(e.getMessage().startsWith("node did not finish within 1 s"), e.getMessage());
    }

    @Test
    void findOnPathLooksInEachDirectory(@TempDir Path dir) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path node = Files.writeString(bin.resolve("node"), "#!/bin/sh\n");
        assertTrue(node.toFile().setExecutable(true));
        assertEquals(node, Node.findOnPath(dir.resolve("empty") + File.pathSeparator + bin));
        assertNull(Node.findOnPath(dir.resolve("empty").toString()));
        assertNull(Node.findOnPath(null));
    }

    @Test
    void validateGivesOneVerdictPerFileInOrder(@TempDir Path dir) throws Exception {
        Path good = Files.write(dir.resolve("good name.wasm"), EMPTY_MODULE);
        Path bad = Files.write(dir.resolve("bad.wasm"), new byte[] {0, 'a', 's', 'm', 2, 0, 0, 0});
        Path fixture = SharedFiles.fixture("upstream-e2e.wasm");
        List<Node.Validation> results = Node.validate(List.of(good, bad, fixture));
        assertEquals(3, results.size());
        assertEquals(new Node.Validation(good, Node.Validation.Status.OK, ""), results.get(0));
        assertEquals(bad, results.get(1).file());
        assertEquals(Node.Validation.Status.INVALID, results.get(1).status());
        assertTrue(results.get(1).message().startsWith("WebAssembly.Module(): expected version 01 00 00 00"),
                results.get(1).message());
        assertTrue(results.get(2).valid(), results.get(2)::toString);
    }

    @Test
    void validateReportsUnreadableFiles(@TempDir Path dir) {
        Path missing = dir.resolve("missing.wasm");
        Node.Validation v = Node.validate(List.of(missing)).get(0);
        assertEquals(Node.Validation.Status.ERROR, v.status());
        assertTrue(v.message().contains("ENOENT"), v.message());
    }

    @Test
    void validateBytesBatchesInMemoryModules() {
        List<Node.Validation> results = Node.validateBytes(List.of(EMPTY_MODULE, new byte[] {1, 2, 3}, EMPTY_MODULE));
        assertEquals(List.of(true, false, true), results.stream().map(Node.Validation::valid).toList());
        assertTrue(results.get(1).message().startsWith("WebAssembly.Module(): "), results.get(1).message());
        assertTrue(Node.validate(EMPTY_MODULE).valid());
        assertEquals(List.of(), Node.validate(List.of()));
    }

    @Test
    void parseValidationRejectsOutputThatDoesNotMatchTheFiles() {
        Path a = Path.of("/a.wasm");
        Node.Result wrongName = new Node.Result(List.of("node"), 0, "OK /b.wasm\n", "");
        assertThrows(AssertionError.class, () -> Node.parseValidation(List.of(a), List.of("/a.wasm"), wrongName));
        Node.Result wrongExit = new Node.Result(List.of("node"), 0, "INVALID /a.wasm: bad\n", "");
        assertThrows(AssertionError.class, () -> Node.parseValidation(List.of(a), List.of("/a.wasm"), wrongExit));
        Node.Result missingLine = new Node.Result(List.of("node"), 0, "", "");
        assertThrows(AssertionError.class, () -> Node.parseValidation(List.of(a), List.of("/a.wasm"), missingLine));
        Node.Result invalid = new Node.Result(List.of("node"), 1, "INVALID /a.wasm: bad: worse\n", "");
        assertEquals(new Node.Validation(a, Node.Validation.Status.INVALID, "bad: worse"),
                Node.parseValidation(List.of(a), List.of("/a.wasm"), invalid).get(0));
    }
}
