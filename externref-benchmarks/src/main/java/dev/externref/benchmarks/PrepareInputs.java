package dev.externref.benchmarks;

import dev.externref.engine.transform.testkit.ProcessorInputs;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes processor input for the command-line comparison: each module with one import renamed
 * to {@code externref.drop} and an empty {@code __externrefs} section, into OUT_DIR.
 *
 * <pre>java -cp externref-benchmarks/target/benchmarks.jar dev.externref.benchmarks.PrepareInputs OUT_DIR FILE...</pre>
 */
public final class PrepareInputs {
    private PrepareInputs() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Files.createDirectories(Path.of(args[0]));
        for (int i = 1; i < args.length; i++) {
            Path in = Path.of(args[i]);
            Files.write(out.resolve(in.getFileName()), ProcessorInputs.withSurrogateDrop(Files.readAllBytes(in)));
        }
    }
}
