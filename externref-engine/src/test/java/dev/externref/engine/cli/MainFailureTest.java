package dev.externref.engine.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Main#run} never throws: bad options are usage errors, anything unexpected an internal error. */
class MainFailureTest {
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    private int run(InputStream stdin, String... args) {
        return Main.run(args, stdin, stdout, new PrintStream(stderr, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return stderr.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aTableNameThatCannotBeAWebAssemblyNameIsAUsageError() {
        assertThat(run(new ByteArrayInputStream(new byte[0]), "--table", "t\uD800", "-")).isEqualTo(Main.USAGE_ERROR);
        assertThat(err()).contains("the table name is not well-formed Unicode").contains("Try 'externref --help'.");
        assertThat(stdout.size()).isZero();
    }

    @Test
    void anUnexpectedExceptionIsReportedAsAnInternalErrorWithItsTrace() {
        InputStream failing = new InputStream() {
            @Override
            public int read() {
                throw new IllegalStateException("stdin broke");
            }
        };
        assertThat(run(failing, "-")).isEqualTo(Main.PROCESSING_ERROR);
        assertThat(err()).startsWith("externref: internal error: java.lang.IllegalStateException: stdin broke")
                .contains("please report it").contains("\tat ");
        assertThat(stdout.size()).isZero();
    }

    @Test
    void anErrorIsReportedToo() {
        InputStream failing = new InputStream() {
            @Override
            public int read() {
                throw new StackOverflowError();
            }
        };
        assertThat(run(failing, "-")).isEqualTo(Main.PROCESSING_ERROR);
        assertThat(err()).startsWith("externref: internal error: java.lang.StackOverflowError");
    }

    @Test
    void runningOutOfMemorySaysWhatToDo() {
        InputStream failing = new InputStream() {
            @Override
            public int read() {
                throw new OutOfMemoryError("Java heap space");
            }
        };
        assertThat(run(failing, "-")).isEqualTo(Main.PROCESSING_ERROR);
        assertThat(err()).isEqualTo("externref: error: out of memory (raise -Xmx)" + System.lineSeparator());
    }
}
