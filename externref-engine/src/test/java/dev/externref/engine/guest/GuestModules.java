package dev.externref.engine.guest;

import dev.externref.engine.DropFunction;
import dev.externref.engine.ExternrefProcessor;
import dev.externref.engine.ProcessingResult;
import dev.externref.engine.testing.Checkout;
import dev.externref.engine.testing.Node;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The committed Rust guest modules (all UNPROCESSED): every {@code fixtures/modules/*.wasm},
 * discovered, so that a new build profile is picked up without touching the tests, and the
 * hello-externref example. Processing results are cached per module and configuration, since
 * several tests need them.
 */
final class GuestModules {
    static final String MODULES_DIR = "fixtures/modules";
    static final String HELLO = "examples/hello-externref/src/main/wasm/hello.wasm";
    static final DropFunction DROP_HOOK = DropFunction.parse("host::dropped");
    /** The processor of the issue: default table name and allocator, the drop hook above. */
    static final ExternrefProcessor PROCESSOR = ExternrefProcessor.builder().dropFunction(DROP_HOOK).build();

    private static final Map<String, ProcessingResult> PROCESSED = new ConcurrentHashMap<>();
    private static final Map<String, Node.Result> NODE_RUNS = new ConcurrentHashMap<>();

    private GuestModules() {
    }

    /** A committed guest module: its name (file name without {@code .wasm}) and path. */
    record GuestModule(String name, Path path) {
        byte[] bytes() {
            try {
                return Files.readAllBytes(path);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The path relative to the checkout root. */
        String relative() {
            return Checkout.root().relativize(path).toString().replace('\\', '/');
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** The fixture modules, sorted by name, then hello. */
    static List<GuestModule> all() {
        List<GuestModule> modules = new ArrayList<>(profiles());
        modules.add(new GuestModule("hello", Checkout.resolve(HELLO)));
        return modules;
    }

    /** {@code fixtures/modules/*.wasm}, sorted by name. */
    static List<GuestModule> profiles() {
        try (Stream<Path> files = Files.list(Checkout.resolve(MODULES_DIR))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".wasm"))
                    .sorted()
                    .map(p -> new GuestModule(p.getFileName().toString().replaceFirst("\\.wasm$", ""), p))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The module processed by {@link #PROCESSOR} (computed once). */
    static ProcessingResult processed(GuestModule m) {
        return PROCESSED.computeIfAbsent(m.name(), k -> PROCESSOR.process(m.bytes()));
    }

    /** The processed module written to a file under {@code dir}. */
    static Path write(Path dir, String name, byte[] bytes) {
        try {
            return Files.write(dir.resolve(name + ".wasm"), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code fixtures/rust-guest/<script>}. */
    static Path script(String name) {
        return Checkout.resolve("fixtures/rust-guest/" + name);
    }

    /**
     * Runs {@code host.mjs} on the module processed by {@link #PROCESSOR} (once per module), with
     * {@code --events-out} to {@code dir/<name>.events}.
     */
    static Node.Result nodeScenario(GuestModule m, Path dir) {
        return NODE_RUNS.computeIfAbsent(m.name(), k -> {
            Path file = write(dir, m.name(), processed(m).output());
            return Node.run(script("host.mjs"), file.toString(), "--drop-fn", DROP_HOOK.toString(),
                    "--events-out", dir.resolve(m.name() + ".events").toString());
        });
    }
}
