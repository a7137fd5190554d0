package dev.externref.examples.hello;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The host ({@link HelloHost}, on the {@code externref-host-chicory} library) against the module
 * this build processed: target/wasm/hello.wasm, built from Rust or copied from src/main/wasm at
 * generate-resources, then rewritten in place by externref:process at process-resources.
 */
class HelloHostTest {
    private static final ValType I32 = ValType.I32;
    private static final ValType REF = ValType.ExternRef;

    /** What welcome(Ann), welcome(Alice) and welcome_all(Bob, Christina) print, as in the README. */
    private static final List<String> OUTPUT = List.of(
            "welcome(Person[name=Ann])",
            "  Hi, Ann!",
            "  released greeting \"Hi\"",
            "  released Person[name=Ann]",
            "  -> greeting \"Hi\"",
            "welcome(Person[name=Alice])",
            "  Hello, Alice!",
            "  released greeting \"Hello\"",
            "  released Person[name=Alice]",
            "  -> greeting \"Hello\"",
            "welcome_all(Person[name=Bob], Person[name=Christina])",
            "  Hi, Bob!",
            "  released greeting \"Hi\"",
            "  Hello, Christina!",
            "  released greeting \"Hello\"",
            "  released Person[name=Christina]",
            "  released Person[name=Bob]",
            "  -> 12");

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    private static List<String> lines(ByteArrayOutputStream printed) {
        return Arrays.asList(printed.toString(StandardCharsets.UTF_8).split("\\R"));
    }

    private static Path basedir() {
        return Path.of(System.getProperty("basedir", "."));
    }

    private static Path processedByTheBuild() {
        return Path.of(System.getProperty("hello.module", basedir().resolve("target/wasm/hello.wasm").toString()));
    }

    @Test
    void theBuildProcessedTheModule() throws IOException {
        byte[] processed = Files.readAllBytes(processedByTheBuild());
        WasmModule m = Parser.parse(processed);

        Map<String, FunctionType> imports = new LinkedHashMap<>();
        m.importSection().stream().filter(i -> i.importType() == ExternalType.FUNCTION).forEach(i ->
                imports.put(i.module() + "." + i.name(), m.typeSection().getType(((FunctionImport) i).typeIndex())));
        assertEquals(Map.of(
                "host.new_greeting", FunctionType.of(List.of(I32, I32), List.of(REF)),
                "host.greet", FunctionType.of(List.of(REF, REF), List.of()),
                "host.name_len", FunctionType.of(List.of(REF), List.of(I32)),
                "host.released", FunctionType.of(List.of(REF), List.of())), imports,
                "the surrogate imports externref.* are gone, the host's take and return externrefs, the drop hook is imported");

        int importedFunctions = imports.size();
        Map<String, FunctionType> exports = new LinkedHashMap<>();
        for (int i = 0; i < m.exportSection().exportCount(); i++) {
            var e = m.exportSection().getExport(i);
            if (e.exportType() == ExternalType.FUNCTION) {
                exports.put(e.name(), m.functionSection().getFunctionType(e.index() - importedFunctions, m.typeSection()));
            } else {
                exports.put(e.name() + " (" + e.exportType() + ")", null);
            }
        }
        assertEquals(FunctionType.of(List.of(REF), List.of(REF)), exports.get("welcome"));
        assertEquals(FunctionType.of(List.of(REF, REF), List.of(I32)), exports.get("welcome_all"));
        assertTrue(exports.containsKey("externrefs (TABLE)"), exports.keySet()::toString);
        assertTrue(m.customSections().stream().noneMatch(s -> s.name().equals("__externrefs")),
                "the __externrefs section is gone");

        // Whereas the module as rustc left it (the committed copy) still has the surrogate ABI.
        WasmModule committed = Parser.parse(Files.readAllBytes(basedir().resolve("src/main/wasm/hello.wasm")));
        assertTrue(committed.importSection().stream().anyMatch(i -> i.module().equals("externref")));
        assertTrue(committed.customSections().stream().anyMatch(s -> s.name().equals("__externrefs")));
    }

    @Test
    void theProcessedModuleGreetsJavaObjects() throws IOException {
        HelloHost host = new HelloHost(Files.readAllBytes(processedByTheBuild()), out);
        assertEquals("Hi", host.welcome(new Person("Ann")));
        assertEquals(0, host.liveReferences(), "the module released every object it was given or made");
        assertEquals("Hello", host.welcome(new Person("Alice")));
        assertEquals(3 + 9, host.welcomeAll(new Person("Bob"), new Person("Christina")));
        assertEquals(0, host.liveReferences(), "the module released every object it was given or made");
        // Every person and every greeting the module was given or made is released once, in this order.
        assertEquals(OUTPUT, lines(printed));
    }

    @Test
    void mainPrintsWhatTheReadmeShows() throws IOException {
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            HelloHost.main(new String[] {processedByTheBuild().toString()});
        } finally {
            System.setOut(stdout);
        }
        List<String> lines = lines(captured);
        assertEquals("Running " + processedByTheBuild() + " on Chicory", lines.get(0));
        assertEquals(OUTPUT, lines.subList(1, lines.size()));

        String readme = Files.readString(basedir().resolve("README.md"));
        String shown = readme.substring(readme.indexOf("```\nRunning "));
        shown = shown.substring(4, shown.indexOf("\n```", 4));
        List<String> readmeLines = shown.lines().toList();
        assertTrue(readmeLines.get(0).startsWith("Running ") && readmeLines.get(0).endsWith("/target/wasm/hello.wasm on Chicory"),
                readmeLines.get(0));
        assertEquals(OUTPUT, readmeLines.subList(1, readmeLines.size()), "the README shows what main prints");
    }
}
