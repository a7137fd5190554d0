package dev.externref.examples.hello;

import com.dylibso.chicory.wabt.Wat2Wasm;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The host against the module the build processed (target/wasm/hello.wasm, processed at
 * process-resources by externref:process) and against a hand-written processed-form stand-in.
 */
class HelloHostTest {
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    private List<String> lines() {
        return Arrays.asList(printed.toString(StandardCharsets.UTF_8).split("\\R"));
    }

    private static byte[] standIn() throws IOException {
        try (InputStream in = HelloHostTest.class.getResourceAsStream("/hello-processed-standin.wat")) {
            return Wat2Wasm.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static byte[] processedByTheBuild() throws IOException {
        return Files.readAllBytes(Path.of(System.getProperty("hello.module", "target/wasm/hello.wasm")));
    }

    @Test
    void theProcessedModuleGreetsJavaObjects() throws IOException {
        checkBehaviour(processedByTheBuild());
    }

    @Test
    void theStandInGreetsJavaObjects() throws IOException {
        checkBehaviour(standIn());
    }

    private void checkBehaviour(byte[] module) {
        HelloHost host = new HelloHost(module, out);
        assertEquals("Hi", host.welcome(new Person("Ann")));
        assertEquals("Hello", host.welcome(new Person("Alice")));
        assertEquals(3 + 9, host.welcomeAll(new Person("Bob"), new Person("Christina")));
        assertEquals(0, host.liveReferences(), "the module released every object it was given or made");

        List<String> lines = lines();
        assertTrue(lines.contains("  Hi, Ann!"), lines.toString());
        assertTrue(lines.contains("  Hello, Alice!"), lines.toString());
        assertTrue(lines.contains("  Hi, Bob!"), lines.toString());
        assertTrue(lines.contains("  Hello, Christina!"), lines.toString());
        // Every person and every greeting the module was given or made is released once.
        List<String> released = lines.stream().filter(l -> l.startsWith("  released ")).sorted().toList();
        assertEquals(List.of(
                "  released Person[name=Alice]", "  released Person[name=Ann]",
                "  released Person[name=Bob]", "  released Person[name=Christina]",
                "  released greeting \"Hello\"", "  released greeting \"Hello\"",
                "  released greeting \"Hi\"", "  released greeting \"Hi\""), released);
    }
}
