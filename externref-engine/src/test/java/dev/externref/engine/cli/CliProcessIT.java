package dev.externref.engine.cli;

import dev.externref.engine.ExternrefProcessor;
import dev.externref.engine.testing.Checkout;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged command line as a process, where the behaviour belongs to the process: pipes,
 * devices, FIFOs and exit codes. Runs the jar the build just packaged ({@code externref.cli.jar},
 * set by failsafe) through {@code bash}, as a user's shell would.
 */
class CliProcessIT {
    @TempDir
    static Path dir;

    private static Path jar;
    private static Path input;
    private static Path large;
    private static byte[] expected;

    @BeforeAll
    static void setUp() throws IOException {
        String configured = System.getProperty("externref.cli.jar");
        assertThat(configured).as("system property externref.cli.jar (set by failsafe)").isNotBlank();
        jar = Path.of(configured);
        assertThat(jar).isRegularFile();
        input = Checkout.resolve("fixtures/modules/release.wasm");
        large = Checkout.resolve("fixtures/modules/release-debug2.wasm"); // more than a pipe's buffer
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        expected = ExternrefProcessor.builder().build().process(Files.readAllBytes(input)).output();
    }

    /** The outcome of one shell command line. */
    record Run(int status, byte[] stdout, String stderr) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    /** Runs {@code script} with the shell function {@code cli} standing for {@code java -jar <jar>} and {@code $IN} for the input module. */
    private static Run sh(String script) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", "-c",
                "set -o pipefail; cli() { java -Xshare:auto -XX:TieredStopAtLevel=1 -jar \"$JAR\" \"$@\"; }; "
                        // root may write anywhere: permission errors are shown as an unprivileged user
                        + "unprivileged() { if [ \"$(id -u)\" = 0 ]; then setpriv --reuid=65534 --regid=65534 --clear-groups \"$@\";"
                        + " else \"$@\"; fi; }; " + script));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().put("JAR", jar.toString());
        pb.environment().put("IN", input.toString());
        pb.environment().put("LARGE", large.toString());
        Path out = Files.createTempFile(dir, "stdout", ".bin");
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        Process p = pb.start();
        p.getOutputStream().close();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("finished: " + script).isTrue();
        Run run = new Run(p.exitValue(), Files.readAllBytes(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return run;
    }

    private static void assertNoJavaInMessages(Run run) {
        assertThat(run.stderr()).doesNotContain("Exception", "java.", "\tat ", ".tmp");
    }

    @Test
    void standardOutputIsTheDefaultAndDash() throws Exception {
        assertThat(sh("cli \"$IN\"").stdout()).isEqualTo(expected);
        assertThat(sh("cli -o - \"$IN\"").stdout()).isEqualTo(expected);
        assertThat(sh("cli -o - - < \"$IN\"").stdout()).isEqualTo(expected);
    }

    @Test
    void devStdoutIsWrittenThroughAndStaysALink() throws Exception {
        boolean wasLink = Files.isSymbolicLink(Path.of("/dev/stdout"));
        Run run = sh("cli -o /dev/stdout \"$IN\" | cat");
        assertThat(run.status()).isZero();
        assertThat(run.stdout()).isEqualTo(expected);
        assertThat(Files.isSymbolicLink(Path.of("/dev/stdout"))).isEqualTo(wasLink);
        assertThat(Files.isRegularFile(Path.of("/dev/stdout"), java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
        Run redirected = sh("cli -o /dev/stdout \"$IN\" > redirected.wasm && cmp redirected.wasm <(cat redirected.wasm)");
        assertThat(redirected.status()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("redirected.wasm"))).isEqualTo(expected);
    }

    @Test
    void devNullStaysADevice() throws Exception {
        Run run = sh("cli -o /dev/null \"$IN\"");
        assertThat(run.status()).isZero();
        assertThat(Files.isRegularFile(Path.of("/dev/null"))).isFalse();
        assertThat(Files.isRegularFile(Path.of("/dev/null"), java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void aFifoIsWrittenThrough() throws Exception {
        Run run = sh("rm -f pipe.fifo && mkfifo pipe.fifo && { cat pipe.fifo > from-fifo.wasm & } && cli -o pipe.fifo \"$IN\""
                + " && wait && test -p pipe.fifo");
        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("from-fifo.wasm"))).isEqualTo(expected);
    }

    @Test
    void aClosedPipeEndsQuietlyWithTheSigpipeStatus() throws Exception {
        Run run = sh("cli \"$LARGE\" | head -c 10 > /dev/null");
        assertThat(run.status()).isEqualTo(Main.BROKEN_PIPE);
        assertThat(run.stderr()).isEmpty();
        Run viaDevStdout = sh("cli -o /dev/stdout \"$LARGE\" | head -c 10 > /dev/null");
        assertThat(viaDevStdout.status()).isEqualTo(Main.BROKEN_PIPE);
        assertThat(viaDevStdout.stderr()).isEmpty();
    }

    @Test
    void inputErrorsNameTheInputWithTheSystemsReason() throws Exception {
        Run missing = sh("cli absent.wasm");
        assertThat(missing.status()).isEqualTo(Main.PROCESSING_ERROR);
        assertThat(missing.stderr()).isEqualTo("externref: error: absent.wasm: No such file or directory\n");
        Run directory = sh("mkdir -p adir && cli adir");
        assertThat(directory.status()).isEqualTo(Main.PROCESSING_ERROR);
        assertThat(directory.stderr()).isEqualTo("externref: error: adir: Is a directory\n");
        Run unreadable = sh("cp \"$IN\" secret.wasm && chmod 000 secret.wasm && unprivileged java -jar \"$JAR\" secret.wasm");
        assertThat(unreadable.status()).isEqualTo(Main.PROCESSING_ERROR);
        assertThat(unreadable.stderr()).isEqualTo("externref: error: secret.wasm: Permission denied\n");
        for (Run run : List.of(missing, directory, unreadable)) {
            assertNoJavaInMessages(run);
        }
    }

    @Test
    void outputErrorsNameTheOutputWithTheSystemsReason() throws Exception {
        Run noDirectory = sh("cli -o no/such/dir/out.wasm \"$IN\"");
        assertThat(noDirectory.status()).isEqualTo(Main.PROCESSING_ERROR);
        assertThat(noDirectory.stderr()).isEqualTo("externref: error: no/such/dir/out.wasm: No such file or directory\n");
        assertThat(dir.resolve("no")).doesNotExist();
        Run directory = sh("mkdir -p outdir && cli -o outdir \"$IN\"");
        assertThat(directory.stderr()).isEqualTo("externref: error: outdir: Is a directory\n");
        Run readOnly = sh("mkdir -p ro && chmod 555 ro && unprivileged java -jar \"$JAR\" -o ro/out.wasm \"$IN\"");
        assertThat(readOnly.status()).isEqualTo(Main.PROCESSING_ERROR);
        assertThat(readOnly.stderr()).isEqualTo("externref: error: ro/out.wasm: Permission denied\n");
        for (Run run : List.of(noDirectory, directory, readOnly)) {
            assertNoJavaInMessages(run);
            assertThat(run.stdout()).isEmpty();
        }
    }

    /**
     * A command-line run pays for every class it makes at run time: the first lambda or
     * method reference of a JVM sets up the invokedynamic machinery and spins classes (several
     * milliseconds), and so do {@code String.format} and regular expressions on first use, and
     * the first VarHandle (a {@code LongAdder}'s: 5-7 ms of a run), and the first NIO file
     * channel, which loads the JDK's networking library (4-6 ms). The processing path uses
     * none of them; a class-data-sharing archive could not hold the spun
     * classes anyway. Checked on every committed rustc module, through the JVM's class-loading log.
     */
    @Test
    void processingMakesNoClassesAndSetsUpNoCostlyMachinery() throws Exception {
        List<String> found = new ArrayList<>();
        try (var modules = Files.list(Checkout.resolve("fixtures/modules"))) {
            for (Path module : modules.filter(m -> m.toString().endsWith(".wasm")).sorted().toList()) {
                Run run = sh("java -Xshare:auto -XX:TieredStopAtLevel=1 -Xlog:class+load=info -jar \"$JAR\" -o out.wasm "
                        + "'" + module + "'");
                assertThat(run.status()).as(run.stderr()).isZero();
                for (String line : run.out().split("\n")) {
                    if (line.contains("$$Lambda") || line.contains("source: __") // spun: lambda proxies, method handle forms
                            || line.contains(" java.util.Formatter ") || line.contains(" java.util.regex.Pattern ")
                            || line.contains(" java.lang.invoke.VarHandles ") || line.contains(" sun.nio.ch.IOUtil ")) {
                        found.add(module.getFileName() + ": " + line);
                    }
                }
            }
        }
        assertThat(found).as("classes made or set up at run time while processing").isEmpty();
    }

    @Test
    void exitCodes() throws Exception {
        assertThat(sh("cli --bogus \"$IN\"").status()).isEqualTo(Main.USAGE_ERROR);
        assertThat(sh("head -c 100 \"$IN\" | cli - > /dev/null").status()).isEqualTo(Main.PROCESSING_ERROR);
        assertThat(sh("cli \"$IN\" > /dev/null").status()).isZero();
    }
}
