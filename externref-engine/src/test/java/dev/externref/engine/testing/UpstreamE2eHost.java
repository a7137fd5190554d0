package dev.externref.engine.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@code externref-engine/src/test/node/upstream-e2e-host.mjs}, the Node host that checks a
 * processed {@code upstream-e2e.wasm} against ABI.md's expected run. Typical use:
 * <pre>{@code
 * Node.Result r = UpstreamE2eHost.run(processedFile, "--drop-fn", "hooks::drop");
 * assertTrue(r.ok(), r::describe);
 * }</pre>
 * Exit code 0: every check passed; 1: a mismatch (listed on stderr); 2: the module could not be
 * loaded (not processed, missing table export or drop hook import, ...). Stdout is a JSON summary.
 */
public final class UpstreamE2eHost {
    private UpstreamE2eHost() {
    }

    /** The script in this checkout. */
    public static Path script() {
        return Checkout.resolve("externref-engine/src/test/node/upstream-e2e-host.mjs");
    }

    /** Runs the host on a processed module; options as on its command line ({@code --table}, {@code --drop-fn}). */
    public static Node.Result run(Path module, String... options) {
        List<String> args = new ArrayList<>();
        args.add(module.toAbsolutePath().toString());
        args.addAll(List.of(options));
        return Node.run(script(), args.toArray(String[]::new));
    }
}
