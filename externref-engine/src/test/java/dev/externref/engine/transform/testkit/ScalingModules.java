package dev.externref.engine.transform.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Processor input that grows along one dimension of a module, for the scaling benchmark and
 * the work-counting tests: the same small module (the four surrogate imports, a described
 * import {@code host.take (ref) -> ()}, a described export {@code main (ref) -> ()} that
 * inserts its parameter, hands the slot's reference to {@code take} and drops the slot) with
 * {@code n} of one thing added. Every module is valid and processes without error. Encoded
 * directly: assembling WAT of this size would take longer than processing it.
 */
public final class ScalingModules {
    // Function indices: the imports, interleaved as rustc leaves them, then the described ones.
    private static final int INSERT = 0;
    private static final int TAKE = 1;
    private static final int GET = 2;
    private static final int DROP = 3;
    private static final int GUARD = 4;
    private static final int FIXED_IMPORTS = 5;

    // Types: 0 (i32) -> i32 (insert, get), 1 (i32) -> () (drop, take, the exports), 2 () -> ().
    private static final int I32_TO_I32 = 0;
    private static final int I32_TO_NONE = 1;
    private static final int NONE_TO_NONE = 2;

    /** The dimensions along which a module grows. */
    public enum Dimension {
        /** Defined functions that handle no reference, each calling the previous one. */
        FUNCTIONS,
        /** Import wrappers: guard, get, a call of the described import. */
        REFERENCE_FUNCTIONS,
        /** Exports {@code (ref) -> ()}, each described, calling insert and drop. */
        DESCRIBED_EXPORTS,
        /** Imports {@code (ref) -> ()}, each described and called once from {@code main}. */
        DESCRIBED_IMPORTS,
        /** Calls of insert and drop in {@code main}. */
        SURROGATE_CALLS,
        /** Calls of get and the described import in {@code main}. */
        IMPORT_CALLS,
        /** Locals of {@code main}; every other one holds a reference for a moment. */
        LOCALS,
        /** Blocks in sequence in {@code main}, each using a reference. */
        BLOCKS,
        /** Blocks, loops and ifs nested in {@code main}, a reference used at the bottom. */
        NESTING,
        /** Targets of one {@code br_table} in {@code main}. */
        BR_TABLE_TARGETS,
        /** Entries of one active element segment (a plain function's index). */
        ELEMENT_ENTRIES,
        /** Active data segments of four bytes. */
        DATA_SEGMENTS,
        /** Exports of a plain function, none described. */
        EXPORTS,
        /** Plain functions, each named in the {@code name} section. */
        NAMES,
        /** Small custom sections. */
        CUSTOM_SECTIONS,
        /** Function types. */
        TYPES;

        /** The largest n the processor accepts: the analysis takes at most 50,000 locals in a function. */
        public int maxSize() {
            return this == LOCALS ? 49_000 : Integer.MAX_VALUE;
        }

        /** The lower-case name with dashes, as the benchmark's arguments take it. */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static Dimension ofLabel(String label) {
            return valueOf(label.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    private ScalingModules() {
    }

    /** The module with {@code n} of {@code d}. */
    public static byte[] module(Dimension d, int n) {
        return new Builder(d, n).build();
    }

    private static final class Builder {
        final Dimension d;
        final int n;
        final int describedImports;
        final List<byte[]> bodies = new ArrayList<>();
        final List<Integer> bodyTypes = new ArrayList<>();
        final ByteArrayOutputStream exports = new ByteArrayOutputStream();
        int exportCount;
        final Records records = Records.of();

        Builder(Dimension d, int n) {
            this.d = d;
            this.n = n;
            this.describedImports = d == Dimension.DESCRIBED_IMPORTS ? n : 0;
        }

        int firstDefined() {
            return FIXED_IMPORTS + describedImports;
        }

        /** Adds a defined function; returns its function index. */
        int function(int type, byte[] body) {
            bodies.add(body);
            bodyTypes.add(type);
            return firstDefined() + bodies.size() - 1;
        }

        void export(String name, int kind, int index) {
            exports.writeBytes(name(name));
            exports.write(kind);
            exports.writeBytes(Modules.leb(index));
            exportCount++;
        }

        byte[] build() {
            int helper = function(NONE_TO_NONE, new byte[] {0, 0x0B});
            int main = function(I32_TO_NONE, mainBody());
            export("main", 0, main);
            records.export("main", 1, 0).importFn("host", "take", 1, 0);
            int firstPlain = -1;
            if (d == Dimension.FUNCTIONS || d == Dimension.NAMES) {
                for (int i = 0; i < n; i++) {
                    Code c = new Code().u8(0);
                    if (i > 0) {
                        c.call(firstDefined() + bodies.size() - 1);
                    }
                    int f = function(NONE_TO_NONE, c.u8(0x0B).bytes());
                    firstPlain = i == 0 ? f : firstPlain;
                }
            } else if (d == Dimension.REFERENCE_FUNCTIONS) {
                for (int i = 0; i < n; i++) {
                    function(I32_TO_NONE, new Code().u8(0).call(GUARD).localGet(0).call(GET).call(TAKE).u8(0x0B).bytes());
                }
            } else if (d == Dimension.DESCRIBED_EXPORTS) {
                for (int i = 0; i < n; i++) {
                    int f = function(I32_TO_NONE, new Code().u8(0).localGet(0).call(INSERT).call(DROP).u8(0x0B).bytes());
                    export("e" + i, 0, f);
                    records.export("e" + i, 1, 0);
                }
            } else if (d == Dimension.EXPORTS) {
                for (int i = 0; i < n; i++) {
                    export("x" + i, 0, helper);
                }
            }
            for (int i = 0; i < describedImports; i++) {
                records.importFn("host", "f" + i, 1, 0);
            }

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
            section(out, 1, types());
            section(out, 2, imports());
            Code functions = new Code().leb(bodies.size());
            for (int t : bodyTypes) {
                functions.leb(t);
            }
            section(out, 3, functions.bytes());
            if (d == Dimension.ELEMENT_ENTRIES) {
                section(out, 4, new Code().leb(1).u8(0x70).u8(0).leb(n).bytes()); // funcref table, min n
            }
            section(out, 5, new byte[] {1, 0, 1}); // memory, min 1 page
            section(out, 7, new Code().leb(exportCount).raw(exports.toByteArray()).bytes());
            if (d == Dimension.ELEMENT_ENTRIES) {
                Code e = new Code().leb(1).u8(0).u8(0x41).u8(0).u8(0x0B).leb(n);
                for (int i = 0; i < n; i++) {
                    e.leb(helper);
                }
                section(out, 9, e.bytes());
            }
            Code code = new Code().leb(bodies.size());
            for (byte[] b : bodies) {
                code.leb(b.length).raw(b);
            }
            section(out, 10, code.bytes());
            if (d == Dimension.DATA_SEGMENTS) {
                Code data = new Code().leb(n);
                for (int i = 0; i < n; i++) {
                    data.u8(0).u8(0x41).sleb(i * 4 % 65532).u8(0x0B).leb(4).raw(new byte[] {1, 2, 3, 4});
                }
                section(out, 11, data.bytes());
            }
            if (d == Dimension.CUSTOM_SECTIONS) {
                for (int i = 0; i < n; i++) {
                    Code c = new Code().raw(name("c" + i)).raw(new byte[16]);
                    section(out, 0, c.bytes());
                }
            }
            if (d == Dimension.NAMES) {
                Code names = new Code().leb(n + 2).leb(helper).raw(name("helper")).leb(main).raw(name("main"));
                for (int i = 0; i < n; i++) {
                    names.leb(firstPlain + i).raw(name("plain::function_" + i));
                }
                Code payload = new Code().raw(name("name")).u8(1).leb(names.bytes().length).raw(names.bytes());
                section(out, 0, payload.bytes());
            }
            return records.appendTo(out.toByteArray());
        }

        byte[] types() {
            int extra = d == Dimension.TYPES ? n : 0;
            Code t = new Code().leb(3 + extra);
            t.raw(new byte[] {0x60, 1, 0x7F, 1, 0x7F});
            t.raw(new byte[] {0x60, 1, 0x7F, 0});
            t.raw(new byte[] {0x60, 0, 0});
            for (int i = 0; i < extra; i++) {
                t.raw(new byte[] {0x60, 2, 0x7F, 0x7E, 1, 0x7D});
            }
            return t.bytes();
        }

        byte[] imports() {
            Code c = new Code().leb(FIXED_IMPORTS + describedImports);
            c.raw(name("externref")).raw(name("insert")).u8(0).leb(I32_TO_I32);
            c.raw(name("host")).raw(name("take")).u8(0).leb(I32_TO_NONE);
            c.raw(name("externref")).raw(name("get")).u8(0).leb(I32_TO_I32);
            c.raw(name("externref")).raw(name("drop")).u8(0).leb(I32_TO_NONE);
            c.raw(name("externref")).raw(name("guard")).u8(0).leb(NONE_TO_NONE);
            for (int i = 0; i < describedImports; i++) {
                c.raw(name("host")).raw(name("f" + i)).u8(0).leb(I32_TO_NONE);
            }
            return c.bytes();
        }

        /** {@code main (ref)}: local 1 = insert(param); the dimension's code; drop(local 1). */
        byte[] mainBody() {
            int extraLocals = d == Dimension.LOCALS ? n : 0;
            Code c = new Code().leb(1).leb(1 + extraLocals).u8(0x7F);
            c.localGet(0).call(INSERT).u8(0x21).leb(1);
            switch (d) {
                case DESCRIBED_IMPORTS -> {
                    for (int i = 0; i < n; i++) {
                        c.localGet(1).call(GET).call(FIXED_IMPORTS + i);
                    }
                }
                case SURROGATE_CALLS -> {
                    for (int i = 0; i < n; i++) {
                        c.localGet(0).call(INSERT).call(DROP);
                    }
                }
                case IMPORT_CALLS -> {
                    for (int i = 0; i < n; i++) {
                        c.localGet(1).call(GET).call(TAKE);
                    }
                }
                case LOCALS -> {
                    for (int i = 0; i < n; i++) {
                        int local = 2 + i;
                        if (i % 2 == 0) {
                            c.localGet(1).call(GET).u8(0x21).leb(local).localGet(local).call(TAKE);
                        } else {
                            c.u8(0x41).sleb(i & 0x3F).u8(0x21).leb(local);
                        }
                    }
                }
                case BLOCKS -> {
                    for (int i = 0; i < n; i++) {
                        c.u8(0x02).u8(0x40).localGet(1).call(GET).call(TAKE).u8(0x0B);
                    }
                }
                case NESTING -> {
                    for (int i = 0; i < n; i++) {
                        switch (i % 3) {
                            case 0 -> c.u8(0x02).u8(0x40);
                            case 1 -> c.u8(0x03).u8(0x40);
                            default -> c.u8(0x41).u8(1).u8(0x04).u8(0x40);
                        }
                    }
                    c.localGet(1).call(GET).call(TAKE);
                    for (int i = 0; i < n; i++) {
                        c.u8(0x0B);
                    }
                }
                case BR_TABLE_TARGETS -> {
                    c.u8(0x02).u8(0x40).u8(0x02).u8(0x40).localGet(1).u8(0x0E).leb(n);
                    for (int i = 0; i < n; i++) {
                        c.leb(i & 1);
                    }
                    c.leb(0).u8(0x0B).localGet(1).call(GET).call(TAKE).u8(0x0B);
                }
                default -> c.localGet(1).call(GET).call(TAKE);
            }
            c.localGet(1).call(DROP).u8(0x0B);
            return c.bytes();
        }
    }

    private static void section(ByteArrayOutputStream out, int id, byte[] content) {
        out.write(id);
        out.writeBytes(Modules.leb(content.length));
        out.writeBytes(content);
    }

    private static byte[] name(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return new Code().leb(b.length).raw(b).bytes();
    }

    /** A byte buffer with the encodings the generator needs. */
    private static final class Code {
        private final ByteArrayOutputStream b = new ByteArrayOutputStream();

        Code u8(int v) {
            b.write(v);
            return this;
        }

        Code leb(long v) {
            b.writeBytes(Modules.leb(v));
            return this;
        }

        Code sleb(long v) {
            while (true) {
                int low = (int) (v & 0x7F);
                v >>= 7;
                if ((v == 0 && (low & 0x40) == 0) || (v == -1 && (low & 0x40) != 0)) {
                    b.write(low);
                    return this;
                }
                b.write(low | 0x80);
            }
        }

        Code raw(byte[] bytes) {
            b.writeBytes(bytes);
            return this;
        }

        Code localGet(int local) {
            return u8(0x20).leb(local);
        }

        Code call(int function) {
            return u8(0x10).leb(function);
        }

        byte[] bytes() {
            return b.toByteArray();
        }
    }
}
