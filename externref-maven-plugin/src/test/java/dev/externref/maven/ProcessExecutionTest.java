package dev.externref.maven;

import dev.externref.engine.DropFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The process goal's behaviour over real modules and the real engine, without Maven. */
class ProcessExecutionTest {
    @TempDir
    Path project;

    private Path target() {
        return project.resolve("target");
    }

    /** Messages, each prefixed with its level. */
    static final class ListLog implements ProcessExecution.Log {
        final List<String> lines = new ArrayList<>();
        boolean debug;

        @Override
        public void info(String message) {
            lines.add("INFO " + message);
        }

        @Override
        public void warn(String message) {
            lines.add("WARN " + message);
        }

        @Override
        public void debug(String message) {
            lines.add("DEBUG " + message);
        }

        @Override
        public boolean isDebugEnabled() {
            return debug;
        }

        String text() {
            return String.join("\n", lines);
        }
    }

    static byte[] itModule(String name) throws IOException {
        return Files.readAllBytes(ItModulesTest.MODULES.resolve(name + ".wasm"));
    }

    private Path copy(String module, String relative) throws IOException {
        Path p = target().resolve(relative);
        Files.createDirectories(p.getParent());
        Files.write(p, itModule(module));
        return p;
    }

    private ProcessExecution.Config config() {
        return new ProcessExecution.Config(target(), null, null, true, null,
                target().resolve("externref-maven-plugin"), "default",
                new ModuleSettings("externrefs", null, false, "externref"), List.of(), false, false, 1, "test",
                project);
    }

    private ProcessExecution.Result run(ListLog log, UnaryOperator<ProcessExecution.Config> change, Path... artifacts)
            throws Exception {
        return new ProcessExecution(change.apply(config()), log).run(List.of(artifacts));
    }

    private ProcessExecution.Result run(ListLog log) throws Exception {
        return run(log, c -> c);
    }

    private static ProcessExecution.Config with(ProcessExecution.Config c, Path outputDirectory, ModuleSettings defaults,
                                                List<ModuleOverride> overrides, boolean attach, int threads) {
        return new ProcessExecution.Config(c.inputDirectory(), c.includes(), c.excludes(), c.excludeForeignDirectories(),
                outputDirectory, c.workDirectory(), c.executionId(), defaults, overrides, c.failIfNoModules(), attach,
                threads, c.pluginVersion(), c.displayBase());
    }

    @Test
    void processesInPlaceAndLogsOneLinePerModule() throws Exception {
        Path hello = copy("hello", "wasm/hello.wasm");
        ListLog log = new ListLog();
        ProcessExecution.Result result = run(log);

        assertEquals(1, result.processed());
        ModuleView out = ModuleView.of(Files.readAllBytes(hello));
        assertTrue(out.importNames().stream().noneMatch(n -> n.startsWith("externref.")), out.importNames().toString());
        assertEquals(List.of("externrefs"), out.exportedTables());
        assertEquals("(externref) -> externref", out.exportSignature("welcome"));
        assertEquals("(externref, externref) -> ()", out.importSignature("host", "greet"));
        String line = log.lines.get(0);
        assertTrue(line.startsWith("INFO target/wasm/hello.wasm: "), line);
        assertTrue(line.matches(".*; " + itModule("hello").length + " -> " + Files.size(hello) + " bytes, \\d+ ms"), line);
        assertEquals("INFO externref: 1 module(s): 1 processed, 0 up to date, 0 with nothing to do, 0 skipped",
                log.lines.get(log.lines.size() - 1));
        assertFalse(Files.list(hello.getParent()).anyMatch(p -> p.getFileName().toString().endsWith(".tmp")));
    }

    @Test
    void theProcessedModuleRunsWithJavaObjectsAsReferences() throws Exception {
        Path hello = copy("hello", "hello.wasm");
        run(new ListLog(), c -> with(c, null, new ModuleSettings("externrefs", DropFunction.parse("host::released"),
                false, "externref"), List.of(), false, 1));
        HelloHost host = new HelloHost(Files.readAllBytes(hello));
        assertEquals("Hi", host.welcome("Ann"));
        assertEquals(3 + 5, host.welcomeAll("Bob", "Alice"));
        assertEquals(List.of("Hi, Ann!", "released Hi", "released Ann",
                "Hi, Bob!", "released Hi", "Hello, Alice!", "released Hello", "released Bob", "released Alice"),
                host.events);
        assertEquals(0, host.liveCount(), "every object the module was given or made is released");
    }

    @Test
    void withDebugTheReportDetailsAreLogged() throws Exception {
        copy("hello", "hello.wasm");
        ListLog log = new ListLog();
        log.debug = true;
        run(log);
        assertTrue(log.lines.contains("DEBUG   settings: table 'externrefs'"), log.text());
        assertTrue(log.lines.stream().anyMatch(l -> l.startsWith("DEBUG   import host.greet")), log.text());
    }

    @Test
    void aModuleWithoutTheSectionIsLeftAsItIs() throws Exception {
        Path plain = copy("plain", "plain.wasm");
        ListLog log = new ListLog();
        ProcessExecution.Result result = run(log);
        assertEquals(1, result.nothingToDo());
        assertArrayEquals(itModule("plain"), Files.readAllBytes(plain));
        assertTrue(log.lines.get(0).startsWith("INFO target/plain.wasm: nothing to do (no __externrefs section"),
                log.text());
    }

    @Test
    void aSecondRunIsUpToDateAndAFreshInputIsProcessedAgain() throws Exception {
        Path hello = copy("hello", "wasm/hello.wasm");
        run(new ListLog());
        byte[] processed = Files.readAllBytes(hello);
        long modified = Files.getLastModifiedTime(hello).toMillis();

        ListLog second = new ListLog();
        ProcessExecution.Result result = run(second);
        assertEquals(1, result.upToDate());
        assertEquals("INFO target/wasm/hello.wasm: up to date", second.lines.get(0));
        assertEquals(modified, Files.getLastModifiedTime(hello).toMillis(), "not rewritten");

        copy("hello", "wasm/hello.wasm");                      // e.g. the compiler ran again
        ListLog third = new ListLog();
        assertEquals(1, run(third).processed(), third.text());
        assertArrayEquals(processed, Files.readAllBytes(hello));
    }

    private static ModuleSettings table(String name) {
        return new ModuleSettings(name, null, false, "externref");
    }

    @Test
    void anInPlaceModuleIsProcessedAgainFromItsOriginalWhenTheSettingsChange() throws Exception {
        Path hello = copy("hello", "hello.wasm");
        run(new ListLog());
        assertEquals(List.of("externrefs"), ModuleView.of(Files.readAllBytes(hello)).exportedTables());

        ListLog log = new ListLog();
        ProcessExecution.Result other = run(log, c -> with(c, null, table("other"), List.of(), false, 1));
        assertEquals(1, other.processed(), log.text());
        assertTrue(log.lines.get(0).startsWith("INFO target/hello.wasm: processed again from its original"), log.text());
        assertArrayEquals(table("other").processor().process(itModule("hello")).output(), Files.readAllBytes(hello),
                "as if the original had been processed with the new settings");

        ListLog back = new ListLog();
        assertEquals(1, run(back).processed(), back.text());
        assertEquals(List.of("externrefs"), ModuleView.of(Files.readAllBytes(hello)).exportedTables());
        assertEquals(1, run(new ListLog()).upToDate());
        try (var kept = Files.list(target().resolve("externref-maven-plugin/default.originals"))) {
            assertEquals(List.of(Hashes.sha256(itModule("hello")) + ".wasm"),
                    kept.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void withoutItsOriginalAStaleInPlaceModuleFailsWithTheFix() throws Exception {
        Path hello = copy("hello", "hello.wasm");
        run(new ListLog());
        byte[] processed = Files.readAllBytes(hello);
        try (var kept = Files.list(target().resolve("externref-maven-plugin/default.originals"))) {
            for (Path p : kept.toList()) {
                Files.delete(p);
            }
        }
        ProcessExecution.Failure f = assertThrows(ProcessExecution.Failure.class,
                () -> run(new ListLog(), c -> with(c, null, table("other"), List.of(), false, 1)));
        assertTrue(f.getMessage().contains("target/hello.wasm: was processed in place by an earlier build with other"
                + " settings"), f.getMessage());
        assertTrue(f.getMessage().contains("rebuild the module (for example mvn clean package)"), f.getMessage());
        assertArrayEquals(processed, Files.readAllBytes(hello), "left as it was");
    }

    @Test
    void aModuleWithoutRecordsIsNothingToDoUnderAnySettingsWithoutAWarning() throws Exception {
        Path plain = copy("plain", "plain.wasm");
        run(new ListLog());
        ListLog log = new ListLog();
        assertEquals(1, run(log, c -> with(c, null, table("other"), List.of(), false, 1)).nothingToDo(), log.text());
        assertTrue(log.lines.stream().noneMatch(l -> l.startsWith("WARN")), log.text());
        assertArrayEquals(itModule("plain"), Files.readAllBytes(plain));
        assertFalse(Files.exists(target().resolve("externref-maven-plugin/default.originals")) && Files.list(
                target().resolve("externref-maven-plugin/default.originals")).findAny().isPresent(), "nothing kept");
    }

    @Test
    void filesThatAreNotModulesAreDescribedWithHowToExcludeThem() throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("empty.wasm", "");
        files.put("lfs.wasm", "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a2146\nsize 30300\n");
        files.put("text.wasm", "<html>Not Found</html>\n");
        files.put("wat.wasm", "(module (func))\n");
        Map<String, String> expected = Map.of(
                "empty.wasm", "the file is empty",
                "lfs.wasm", "it is a Git LFS pointer, not the module it stands for (fetch the module with git lfs pull)",
                "text.wasm", "it is text, not a WebAssembly binary (it starts with \"<html>Not Found</html>\")",
                "wat.wasm", "it is WebAssembly text (WAT), not a binary module");
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path dir = Files.createDirectories(target().resolve("w-" + file.getKey()));
            Files.writeString(dir.resolve(file.getKey()), file.getValue());
            ProcessExecution.Failure f = assertThrows(ProcessExecution.Failure.class, () -> run(new ListLog(),
                    c -> new ProcessExecution.Config(dir, null, null, true, null, c.workDirectory(), "default",
                            c.defaults(), List.of(), false, false, 1, "test", project)));
            assertTrue(f.getMessage().startsWith("externref: target/w-" + file.getKey() + "/" + file.getKey()
                    + ": not a WebAssembly module: " + expected.get(file.getKey())), f.getMessage());
            assertTrue(f.getMessage().contains("; if it is not meant to be processed, add <exclude>" + file.getKey()
                    + "</exclude> to the plugin's <excludes>"), f.getMessage());
        }
        Path binary = Files.createDirectories(target().resolve("w-binary"));
        Files.write(binary.resolve("b.wasm"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A});
        ProcessExecution.Failure f = assertThrows(ProcessExecution.Failure.class, () -> run(new ListLog(),
                c -> new ProcessExecution.Config(binary, null, null, true, null, c.workDirectory(), "default",
                        c.defaults(), List.of(), false, false, 1, "test", project)));
        assertTrue(f.getMessage().contains("it does not start with the WebAssembly magic bytes 00 61 73 6d (it starts with"
                + " 89 50 4e 47)"), f.getMessage());
    }

    @Test
    void aFailedWriteNamesTheOutputAndKeepsTheCause() throws Exception {
        copy("hello", "wasm/hello.wasm");
        Path out = target().resolve("processed");
        Files.createDirectories(out.resolve("wasm/hello.wasm")); // a directory where the output goes
        IOException e = assertThrows(IOException.class,
                () -> run(new ListLog(), c -> with(c, out, c.defaults(), List.of(), false, 1)));
        assertEquals("cannot write target/processed/wasm/hello.wasm: Is a directory", e.getMessage());
        assertTrue(e.getCause() instanceof java.nio.file.FileSystemException, String.valueOf(e.getCause()));
    }

    @Test
    void engineWarningsReachTheLog() throws Exception {
        byte[] malformedNames = {0x00, 0x0C, 0x04, 'n', 'a', 'm', 'e', 0x01, 0x05, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
                (byte) 0xFF, 0x0F};
        byte[] hello = itModule("hello");
        byte[] module = java.util.Arrays.copyOf(hello, hello.length + malformedNames.length);
        System.arraycopy(malformedNames, 0, module, hello.length, malformedNames.length);
        Files.createDirectories(target());
        Files.write(target().resolve("named.wasm"), module);
        ListLog log = new ListLog();
        assertEquals(1, run(log).processed(), log.text());
        assertTrue(log.lines.stream().anyMatch(l -> l.startsWith("WARN target/named.wasm: dropped the malformed 'name' section: ")),
                log.text());
    }

    @Test
    void anAlreadyProcessedModuleWithoutStateIsNothingToDo() throws Exception {
        Path hello = copy("hello", "hello.wasm");
        run(new ListLog());
        byte[] processed = Files.readAllBytes(hello);
        Files.delete(target().resolve("externref-maven-plugin/default.state"));
        ListLog log = new ListLog();
        assertEquals(1, run(log).nothingToDo(), log.text());
        assertArrayEquals(processed, Files.readAllBytes(hello));
    }

    @Test
    void anOutputDirectoryMirrorsRelativePathsAndLeavesInputsAlone() throws Exception {
        Path hello = copy("hello", "wasm/sub/hello.wasm");
        Path plain = copy("plain", "wasm/plain.wasm");
        Path out = target().resolve("processed");
        ListLog log = new ListLog();
        run(log, c -> with(c, out, c.defaults(), List.of(), false, 1));

        assertArrayEquals(itModule("hello"), Files.readAllBytes(hello));
        assertArrayEquals(itModule("plain"), Files.readAllBytes(plain));
        assertEquals(List.of("externrefs"), ModuleView.of(Files.readAllBytes(out.resolve("wasm/sub/hello.wasm"))).exportedTables());
        assertArrayEquals(itModule("plain"), Files.readAllBytes(out.resolve("wasm/plain.wasm")), "unchanged modules are copied");
        assertTrue(log.text().contains("INFO target/wasm/sub/hello.wasm -> target/processed/wasm/sub/hello.wasm: "), log.text());

        // The mirror is never an input, neither for this execution nor for another one.
        ListLog again = new ListLog();
        assertEquals(2, run(again, c -> with(c, out, c.defaults(), List.of(), false, 1)).upToDate(), again.text());
        ListLog other = new ListLog();
        ProcessExecution.Result inPlace = new ProcessExecution(new ProcessExecution.Config(target(), null, null, true,
                null, target().resolve("externref-maven-plugin"), "other", config().defaults(), List.of(), false, false,
                1, "test", project), other).run(List.of());
        assertEquals(2, inPlace.modules(), other.text());
    }

    @Test
    void oneBadModuleFailsTheRunAndNothingIsWritten() throws Exception {
        Path bad = copy("malformed", "a-bad.wasm");
        Path hello = copy("hello", "b-hello.wasm");
        ProcessExecution.Failure failure = assertThrows(ProcessExecution.Failure.class, () -> run(new ListLog()));
        assertTrue(failure.getMessage().startsWith("externref: 1 of 2 module(s) could not be processed; no module was written:"),
                failure.getMessage());
        assertTrue(failure.getMessage().contains("target/a-bad.wasm: not a well-formed WebAssembly module: "),
                failure.getMessage());
        assertArrayEquals(itModule("malformed"), Files.readAllBytes(bad));
        assertArrayEquals(itModule("hello"), Files.readAllBytes(hello));
        assertFalse(Files.exists(target().resolve("externref-maven-plugin/default.state")));
    }

    @Test
    void anInvalidModuleFailsNamingWhatIsInvalid() throws Exception {
        byte[] module = itModule("hello");
        // export "welcome": name length 7, the name, kind 0 (function), then its index
        byte[] entry = {7, 'w', 'e', 'l', 'c', 'o', 'm', 'e', 0};
        int at = indexOf(module, entry);
        assertTrue(at > 0 && indexOf(java.util.Arrays.copyOfRange(module, at + 1, module.length), entry) < 0);
        module[at + entry.length] = 0x7F; // function 127: the module has fewer
        Path invalid = target().resolve("invalid.wasm");
        Files.createDirectories(invalid.getParent());
        Files.write(invalid, module);
        ProcessExecution.Failure failure = assertThrows(ProcessExecution.Failure.class, () -> run(new ListLog()));
        assertTrue(failure.getMessage().contains("target/invalid.wasm: not a valid WebAssembly module: export 'welcome' names"
                + " function 127, but the module has "), failure.getMessage());
        assertTrue(failure.getMessage().contains("(at byte offset " + at + ")"), failure.getMessage());
        assertArrayEquals(module, Files.readAllBytes(invalid));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (java.util.Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void anOptimizedModuleFailsWithAdvice() throws Exception {
        Path optimized = copy("optimized", "optimized.wasm");
        ProcessExecution.Failure failure = assertThrows(ProcessExecution.Failure.class, () -> run(new ListLog()));
        assertTrue(failure.getMessage().startsWith("externref: target/optimized.wasm: "), failure.getMessage());
        assertTrue(failure.getMessage().contains("wasm-opt"), failure.getMessage());
        assertTrue(failure.getMessage().endsWith("(the module was left untouched)"), failure.getMessage());
        assertArrayEquals(itModule("optimized"), Files.readAllBytes(optimized));
    }

    @Test
    void overridesApplyPerModule() throws Exception {
        Path a = copy("hello", "a.wasm");
        Path b = copy("poke", "b.wasm");
        Path c = copy("hello", "c.wasm");
        ListLog log = new ListLog();
        ProcessExecution.Result result = run(log, cfg -> with(cfg, null, cfg.defaults(), List.of(
                new ModuleOverride("a.wasm", "refs_a", null, null, null),
                new ModuleOverride("b.wasm", "none", "env::gone", null, null),
                new ModuleOverride("c.*", null, null, true, null),
                new ModuleOverride("typo.wasm", null, null, true, null)), false, 1));

        assertEquals(List.of("refs_a"), ModuleView.of(Files.readAllBytes(a)).exportedTables());
        ModuleView pb = ModuleView.of(Files.readAllBytes(b));
        assertEquals(List.of(), pb.exportedTables());
        assertEquals("(externref) -> ()", pb.importSignature("env", "gone"));
        assertArrayEquals(itModule("hello"), Files.readAllBytes(c));
        assertEquals(1, result.skipped());
        assertTrue(log.lines.contains("INFO target/c.wasm: skipped (<modules> entry sets <skip>)"), log.text());
        assertTrue(log.lines.contains("WARN externref: <modules> entry with <include>typo.wasm</include> matches no module"),
                log.text());
    }

    @Test
    void severalThreadsGiveTheSameFilesAndTheSameLogOrder() throws Exception {
        for (int i = 0; i < 6; i++) {
            copy(i % 2 == 0 ? "hello" : "poke", "m" + i + "/module.wasm");
        }
        copy("plain", "m6/module.wasm");
        ListLog serial = new ListLog();
        run(serial, c -> with(c, target().resolve("serial"), c.defaults(), List.of(), false, 1));
        ListLog parallel = new ListLog();
        run(parallel, c -> with(c, target().resolve("parallel"), c.defaults(), List.of(), false, 4));
        for (int i = 0; i <= 6; i++) {
            assertArrayEquals(Files.readAllBytes(target().resolve("serial/m" + i + "/module.wasm")),
                    Files.readAllBytes(target().resolve("parallel/m" + i + "/module.wasm")));
        }
        assertEquals(withoutTimes(serial).replace("serial", "X"), withoutTimes(parallel).replace("parallel", "X"));
    }

    private static String withoutTimes(ListLog log) {
        return log.lines.stream().map(l -> l.replaceAll("\\d+ ms", "N ms")).collect(Collectors.joining("\n"));
    }

    @Test
    void attachingNeedsOneClassifierPerModule() throws Exception {
        copy("hello", "a.wasm");
        copy("poke", "b.wasm");
        IllegalArgumentException clash = assertThrows(IllegalArgumentException.class,
                () -> run(new ListLog(), c -> with(c, null, c.defaults(), List.of(), true, 1)));
        assertTrue(clash.getMessage().contains("would both be attached with classifier 'externref'"), clash.getMessage());

        ProcessExecution.Result result = run(new ListLog(), c -> with(c, null, c.defaults(),
                List.of(new ModuleOverride("b.wasm", null, null, null, "poke")), true, 1));
        assertEquals(List.of(new ProcessExecution.Attachment(target().resolve("a.wasm"), "externref"),
                new ProcessExecution.Attachment(target().resolve("b.wasm"), "poke")), result.attachments());
    }

    @Test
    void wasmArtifactsOutsideTheInputDirectoryAreProcessed(@TempDir Path elsewhere) throws Exception {
        Path artifact = elsewhere.resolve("lib.wasm");
        Files.write(artifact, itModule("poke"));
        ListLog log = new ListLog();
        assertEquals(1, run(log, c -> c, artifact).processed(), log.text());
        assertEquals(List.of("externrefs"), ModuleView.of(Files.readAllBytes(artifact)).exportedTables());
    }

    @Test
    void noModulesIsLoggedOrFails() throws Exception {
        ListLog log = new ListLog();
        assertEquals(0, run(log).modules());
        assertTrue(log.lines.get(0).startsWith("INFO externref: no WebAssembly module found (includes [**/*.wasm] under"),
                log.text());
        ProcessExecution.Config failing = new ProcessExecution.Config(target(), null, null, true, null,
                target().resolve("externref-maven-plugin"), "default", config().defaults(), List.of(), true, false, 1,
                "test", project);
        assertThrows(ProcessExecution.Failure.class, () -> new ProcessExecution(failing, new ListLog()).run(List.of()));
    }

    @Test
    void outputDirectoryEqualToTheInputIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(new ListLog(), c -> with(c, target(), c.defaults(), List.of(), false, 1)));
        assertTrue(e.getMessage().startsWith("outputDirectory is the inputDirectory"), e.getMessage());
    }
}
