package dev.externref.engine.cli;

import dev.externref.engine.DropFunction;
import dev.externref.engine.ExternrefProcessor;
import dev.externref.engine.ProcessingResult;
import dev.externref.engine.error.WasmException;
import dev.externref.engine.io.AtomicFiles;
import dev.externref.engine.io.FileBytes;
import dev.externref.engine.io.IoErrors;
import dev.externref.engine.wasmopt.WasmOpt;
import dev.externref.engine.wasmopt.WasmOptException;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * {@code externref [--table NAME | --table none | --no-table] [--drop-fn MODULE::NAME] [--wasm-opt ARGS] [-o OUT] [-v] IN}:
 * processes one module, like the reference CLI. Exit codes: 0 done (also "nothing to do"),
 * 1 processing or I/O error (or a failure of this tool itself), 2 usage error, 141 standard
 * output closed early. What the processor reads and writes: {@code docs/ABI.md}.
 */
public final class Main {
    static final int OK = 0;
    static final int PROCESSING_ERROR = 1;
    static final int USAGE_ERROR = 2;
    /**
     * Standard output was a pipe whose reader exited. A C tool dies of SIGPIPE there, which the
     * shell reports as 128 + 13; the JVM ignores the signal, so the same status is returned.
     */
    static final int BROKEN_PIPE = 141;
    /** As IN or OUT: standard input or standard output. */
    static final String STANDARD_STREAM = "-";
    /** As the table name: do not export the table (the plugin's {@code tableName} reads it the same way). */
    static final String NO_TABLE = "none";

    static final String USAGE = """
            Usage: externref [OPTIONS] IN
            Rewrites a WebAssembly module built against the externref crate's surrogate ABI so that its
            imports and exports take and return real externrefs.

              IN                     input module, or - for standard input
              -o, --output OUT       write the processed module to OUT, or - for standard output (the
                                     default); a regular file is replaced atomically, a symbolic
                                     link's target gets the bytes, a device or FIFO is written through
              --table NAME           export the reference table as NAME (default: externrefs);
                                     none: do not export it
              --no-table             do not export the reference table (same as --table none)
              --drop-fn MODULE::NAME call the host function MODULE.NAME (externref) -> () with each
                                     reference just before its slot is released
              --wasm-opt ARGS        run binaryen's wasm-opt with ARGS (such as -Os, split on spaces) on
                                     the processed module; binaryen 110 or later
              --wasm-opt-executable PATH
                                     the wasm-opt to run (default: wasm-opt on the PATH)
              -v, --verbose          print what was changed to standard error
              -h, --help             print this help
              --version              print the version

            Warnings (such as a malformed name section that was dropped) go to standard error.
            Exit codes: 0 processed or nothing to do, 1 processing or I/O error, 2 usage error,
            141 standard output closed early (as SIGPIPE ends other tools).
            """;

    private Main() {
    }

    public static void main(String[] args) {
        OutputStream stdout = new FileOutputStream(FileDescriptor.out);
        int code = run(args, System.in, stdout, System.err);
        if (code == 0 && ArchiveRecording.requested()) {
            ArchiveRecording.loadAllClasses();
        }
        System.exit(code);
    }

    /**
     * Runs the command. Never throws: a failure of the tool itself (an unexpected exception or
     * error, a bug) is reported on {@code err} as an internal error with its stack trace, and
     * ends with status 1 as other failures do; running out of memory says to raise {@code -Xmx}.
     *
     * @return the exit status
     */
    static int run(String[] args, InputStream stdin, OutputStream stdout, PrintStream err) {
        try {
            return runCommand(args, stdin, stdout, err);
        } catch (OutOfMemoryError e) {
            err.println("externref: error: out of memory (raise -Xmx)");
            return PROCESSING_ERROR;
        } catch (RuntimeException | Error e) {
            err.println("externref: internal error: " + e + " (a bug in externref " + ExternrefProcessor.version()
                    + "; please report it with this trace)");
            e.printStackTrace(err);
            return PROCESSING_ERROR;
        }
    }

    private static int runCommand(String[] args, InputStream stdin, OutputStream stdout, PrintStream err) {
        Options options;
        ExternrefProcessor processor;
        try {
            options = Options.parse(args);
            // Built up front: the options are checked (a table name must be well-formed Unicode)
            // before any input is read, and a bad one is a usage error.
            processor = ExternrefProcessor.builder()
                    .tableName(options.tableName())
                    .dropFunction(options.dropFunction())
                    .build();
        } catch (IllegalArgumentException e) {
            err.println("externref: " + e.getMessage());
            err.println("Try 'externref --help'.");
            return USAGE_ERROR;
        }
        if (options.help()) {
            new PrintStream(stdout, true).print(USAGE);
            return OK;
        }
        if (options.version()) {
            new PrintStream(stdout, true).println("externref " + ExternrefProcessor.version());
            return OK;
        }
        String source = options.input().equals(STANDARD_STREAM) ? "<stdin>" : options.input();
        WasmOpt wasmOpt = null;
        if (options.wasmOpt() != null) {
            try {
                wasmOpt = WasmOpt.locate(options.wasmOptExecutable(), options.wasmOpt());
            } catch (WasmOptException e) {
                err.println("externref: error: " + e.getMessage());
                return PROCESSING_ERROR;
            }
        }
        byte[] input;
        try {
            input = options.input().equals(STANDARD_STREAM) ? stdin.readAllBytes() : FileBytes.read(Path.of(options.input()));
        } catch (IOException e) {
            err.println("externref: error: " + source + ": " + IoErrors.reason(e));
            return PROCESSING_ERROR;
        }
        ProcessingResult result;
        byte[] optimized;
        try {
            result = processor.process(input);
            // Only a module that was processed is optimized: "nothing to do" keeps meaning output = input.
            optimized = wasmOpt != null && result.changed() ? wasmOpt.optimize(result.outputBuffer()) : null;
        } catch (WasmException | WasmOptException e) {
            err.println("externref: error: " + source + ": " + e.getMessage());
            return PROCESSING_ERROR;
        } catch (OutOfMemoryError e) {
            err.println("externref: error: " + source + ": out of memory (raise -Xmx)");
            return PROCESSING_ERROR;
        }
        boolean toStdout = options.output() == null || options.output().equals(STANDARD_STREAM);
        try {
            if (toStdout) {
                if (optimized != null) {
                    stdout.write(optimized);
                } else {
                    result.writeTo(stdout);
                }
                stdout.flush();
            } else {
                AtomicFiles.write(Path.of(options.output()),
                        optimized != null ? ByteBuffer.wrap(optimized) : result.outputBuffer());
            }
        } catch (IOException e) {
            if (IoErrors.isBrokenPipe(e)) {
                return BROKEN_PIPE; // the reader has gone, like `cat file | head -c 10`: no message
            }
            err.println("externref: error: " + (toStdout ? "<stdout>" : options.output()) + ": " + IoErrors.reason(e));
            return PROCESSING_ERROR;
        }
        if (options.verbose()) {
            if (!result.changed()) {
                err.println("externref: " + source + ": nothing to do (no __externrefs section); output is the input");
            } else {
                err.println("externref: " + source + ": " + result.report().summary());
                for (String line : result.report().details()) {
                    err.println("  " + line);
                }
                if (optimized != null) {
                    err.println("  optimized by " + wasmOpt.describe() + ": " + result.size() + " -> "
                            + optimized.length + " bytes");
                }
            }
        } else {
            // A loop, not forEach with a lambda: this runs on every call, and a lambda's first use
            // costs the JVM more than the rest of a small module's output.
            for (String w : result.report().warnings()) {
                err.println("externref: warning: " + source + ": " + w);
            }
        }
        return OK;
    }

    /** The parsed command line. */
    record Options(String input, String output, String tableName, DropFunction dropFunction,
                   boolean verbose, boolean help, boolean version, String wasmOpt, String wasmOptExecutable) {

        static Options parse(String[] args) {
            String input = null;
            String output = null;
            String table = ExternrefProcessor.DEFAULT_TABLE_NAME;
            boolean tableSet = false;
            boolean noTable = false;
            DropFunction drop = null;
            boolean verbose = false;
            String wasmOpt = null;
            String wasmOptExecutable = null;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "-h", "--help" -> {
                        return new Options(null, null, null, null, false, true, false, null, null);
                    }
                    case "--version" -> {
                        return new Options(null, null, null, null, false, false, true, null, null);
                    }
                    case "-v", "--verbose" -> verbose = true;
                    case "-o", "--output" -> output = value(args, ++i, a);
                    case "--table" -> {
                        table = tableName(value(args, ++i, a));
                        tableSet = true;
                    }
                    case "--no-table" -> noTable = true;
                    case "--drop-fn" -> drop = DropFunction.parse(value(args, ++i, a));
                    case "--wasm-opt" -> wasmOpt = value(args, ++i, a);
                    case "--wasm-opt-executable" -> wasmOptExecutable = value(args, ++i, a);
                    default -> {
                        if (a.startsWith("--table=")) {
                            table = tableName(a.substring("--table=".length()));
                            tableSet = true;
                        } else if (a.startsWith("--drop-fn=")) {
                            drop = DropFunction.parse(a.substring("--drop-fn=".length()));
                        } else if (a.startsWith("--wasm-opt=")) {
                            wasmOpt = a.substring("--wasm-opt=".length());
                        } else if (a.startsWith("--wasm-opt-executable=")) {
                            wasmOptExecutable = a.substring("--wasm-opt-executable=".length());
                        } else if (a.startsWith("--output=")) {
                            output = a.substring("--output=".length());
                        } else if (a.startsWith("-") && !a.equals("-")) {
                            throw new IllegalArgumentException("unknown option '" + a + "'");
                        } else if (input != null) {
                            throw new IllegalArgumentException("one input module only (got '" + input + "' and '" + a + "')");
                        } else {
                            input = a;
                        }
                    }
                }
            }
            if (tableSet && noTable && table != null) {
                throw new IllegalArgumentException("--table and --no-table exclude each other");
            }
            if (input == null) {
                throw new IllegalArgumentException("no input module (give a path, or - for standard input)");
            }
            if (wasmOptExecutable != null && wasmOpt == null) {
                throw new IllegalArgumentException("--wasm-opt-executable needs --wasm-opt (the arguments, such as -Os)");
            }
            return new Options(input, output, noTable ? null : table, drop, verbose, false, false, wasmOpt, wasmOptExecutable);
        }

        /** The table name as given: {@code none} (any case) means no table, as in the plugin. */
        private static String tableName(String name) {
            if (name.isEmpty()) {
                throw new IllegalArgumentException("--table needs a non-empty name (--table none or --no-table: no table)");
            }
            return name.equalsIgnoreCase(NO_TABLE) ? null : name;
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }
    }
}
