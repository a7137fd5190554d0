package dev.externref.engine.equivalence;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Random guest modules in the shape the {@code externref} crate's code takes after rustc, with
 * a scenario each. Host imports (module {@code host}) and exports take and return references and
 * integers at random positions; the surrogate imports {@code externref.insert/get/drop/guard}
 * sit among the host imports in random order; every host import that carries references has a
 * guarded wrapper taking and returning slot indices. Exports insert their reference parameters
 * (often reassigning the parameter, as rustc does), run random statements, drop some slots, and
 * return an integer or a reference.
 *
 * <p>Each program has a {@link Shape}: the construct it exercises beyond the straight-line base
 * (locals reused for integers and references, blocks with {@code br_if}, loops, {@code br_table},
 * {@code select}, block results and parameters, internal calls passing slot indices, shadow-stack
 * spills at frame offsets, guards after a stack-pointer prologue, import wrappers inlined into
 * exports), or all of them; two negative shapes break the ABI (guards where it does not allow
 * them; references in arithmetic, in memory at computed addresses, or where a slot index is
 * expected), and processing may refuse those with a documented error kind.
 */
final class GuestGenerator {
    enum Shape {
        STRAIGHT, LOCAL_REUSE, BLOCKS, LOOPS, BR_TABLE, SELECT, BLOCK_RESULTS, BLOCK_PARAMS, INTERNAL_CALLS, SPILLS,
        GUARD_PROLOGUE, INLINED_IMPORTS, MIXED, NEGATIVE_GUARD_MISPLACED, NEGATIVE_REFERENCE_ESCAPE;

        boolean negative() {
            return name().startsWith("NEGATIVE");
        }

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** A generated module, its scenario, and what it was generated from. */
    record Program(String origin, Shape shape, byte[] module, Scenario scenario) {
    }

    private enum Kind { NONE, INT, SLOT, COPY, REF }

    /** A function the generated code can call: what each parameter and result is. */
    private record Callee(int index, Kind[] params, Kind[] results, boolean rawImport) {
    }

    private static final int FRAME = 32;
    private static final int MAX_DEPTH = 3;

    private final Choices in;
    private final Shape shape;
    private final Set<Shape> features;
    private final Assembler asm = new Assembler();
    private int insert;
    private int get;
    private int drop;
    private int guard;
    private final List<Callee> anywhere = new ArrayList<>();
    private final List<Callee> rawImports = new ArrayList<>();
    private final List<Callee> internals = new ArrayList<>();

    private GuestGenerator(Choices in, Shape shape) {
        this.in = in;
        this.shape = shape;
        this.features = shape == Shape.MIXED
                ? EnumSet.complementOf(EnumSet.of(Shape.NEGATIVE_GUARD_MISPLACED, Shape.NEGATIVE_REFERENCE_ESCAPE))
                : EnumSet.of(shape);
    }

    static Program generate(long seed) {
        Choices c = Choices.seeded(seed);
        Shape shape = Shape.values()[c.below(Shape.values().length)];
        return new GuestGenerator(c, shape).program("seed " + seed);
    }

    static Program generate(Choices c, String origin) {
        Shape shape = Shape.values()[c.below(Shape.values().length)];
        return new GuestGenerator(c, shape).program(origin);
    }

    private boolean has(Shape s) {
        return features.contains(s);
    }

    // ----- the module ---------------------------------------------------------------------------

    private Program program(String origin) {
        // Imports: host functions and the four surrogates, interleaved.
        int hosts = 1 + in.below(4);
        List<String> order = new ArrayList<>(List.of("insert", "get", "drop", "guard"));
        for (int h = 0; h < hosts; h++) {
            order.add(in.below(order.size() + 1), "h" + h);
        }
        List<Kind[][]> hostTypes = new ArrayList<>();
        int[] hostIndex = new int[hosts];
        for (String name : order) {
            switch (name) {
                case "insert" -> insert = asm.importFunction("externref", "insert", 1, 1);
                case "get" -> get = asm.importFunction("externref", "get", 1, 1);
                case "drop" -> drop = asm.importFunction("externref", "drop", 1, 0);
                case "guard" -> guard = asm.importFunction("externref", "guard", 0, 0);
                default -> {
                    int h = Integer.parseInt(name.substring(1));
                    Kind[] params = kinds(in.below(4), Kind.REF);
                    int r = in.below(100);
                    Kind[] results = kinds(r < 25 ? 0 : r < 85 ? 1 : 2, Kind.REF);
                    while (hostTypes.size() <= h) {
                        hostTypes.add(null);
                    }
                    hostTypes.set(h, new Kind[][] {params, results});
                    hostIndex[h] = asm.importFunction("host", name, params.length, results.length);
                    asm.records.importFn("host", name, params.length + results.length, refPositions(params, results));
                }
            }
        }
        // Defined functions: wrappers, internal functions, exports, in that order.
        int next = order.size();
        List<Runnable> bodies = new ArrayList<>();
        for (int h = 0; h < hosts; h++) {
            Kind[] params = hostTypes.get(h)[0];
            Kind[] results = hostTypes.get(h)[1];
            Callee raw = new Callee(hostIndex[h], params, results, true);
            if (!carriesReferences(params, results)) {
                anywhere.add(raw);
                continue;
            }
            rawImports.add(raw);
            Callee wrapper = new Callee(next++, slots(params), slots(results), false);
            anywhere.add(wrapper);
            bodies.add(() -> wrapper(raw));
        }
        if (has(Shape.INTERNAL_CALLS) || has(Shape.NEGATIVE_REFERENCE_ESCAPE)) {
            int count = 1 + in.below(3);
            for (int i = 0; i < count; i++) {
                Callee f = new Callee(next++, kinds(1 + in.below(3), Kind.SLOT), kinds(in.below(2), Kind.SLOT), false);
                bodies.add(() -> {
                    internal(f);
                    internals.add(f);
                });
            }
        }
        int exports = 1 + in.below(3);
        List<Kind[][]> exportTypes = new ArrayList<>();
        for (int e = 0; e < exports; e++) {
            Kind[] params = kinds(in.below(4), Kind.REF);
            Kind[] results = kinds(in.below(2), Kind.REF);
            exportTypes.add(new Kind[][] {params, results});
            int index = next++;
            String name = "e" + e;
            bodies.add(() -> export(params, results));
            asm.export(name, index);
            if (carriesReferences(params, results)) {
                asm.records.export(name, params.length + results.length, refPositions(params, results));
            }
        }
        bodies.forEach(Runnable::run);
        return new Program(origin, shape, asm.bytes(), scenario(exportTypes));
    }

    private Kind[] kinds(int n, Kind ref) {
        Kind[] k = new Kind[n];
        for (int i = 0; i < n; i++) {
            k[i] = in.chance(50) ? ref : Kind.INT;
        }
        return k;
    }

    private static Kind[] slots(Kind[] kinds) {
        return Arrays.stream(kinds).map(k -> k == Kind.REF ? Kind.SLOT : k).toArray(Kind[]::new);
    }

    private static boolean carriesReferences(Kind[] params, Kind[] results) {
        return Arrays.asList(params).contains(Kind.REF) || Arrays.asList(results).contains(Kind.REF);
    }

    private static int[] refPositions(Kind[] params, Kind[] results) {
        List<Integer> refs = new ArrayList<>();
        for (int i = 0; i < params.length + results.length; i++) {
            if ((i < params.length ? params[i] : results[i - params.length]) == Kind.REF) {
                refs.add(i);
            }
        }
        return refs.stream().mapToInt(Integer::intValue).toArray();
    }

    private Scenario scenario(List<Kind[][]> exportTypes) {
        Scenario.Builder b = Scenario.builder();
        Scenario.Given[] pool = {new Scenario.Given("a", "a"), new Scenario.Given("b", "bb"), new Scenario.Given("c", "ccc")};
        int calls = 2 + in.below(6);
        for (int i = 0; i < calls; i++) {
            int e = in.below(exportTypes.size());
            Kind[] params = exportTypes.get(e)[0];
            Object[] args = new Object[params.length];
            for (int p = 0; p < params.length; p++) {
                args[p] = params[p] == Kind.REF ? (in.chance(15) ? null : pool[in.below(pool.length)]) : (Object) in.below(5);
            }
            b.call("e" + e, args);
        }
        return b.build();
    }

    // ----- wrappers -----------------------------------------------------------------------------

    /** The guarded wrapper of a host import, as the crate generates it (slots in and out). */
    private void wrapper(Callee raw) {
        Assembler.Code c = new Assembler.Code();
        int params = raw.params().length;
        int fp = params;
        int spare = params + 1;
        boolean frame = has(Shape.GUARD_PROLOGUE) && in.chance(70) || has(Shape.MIXED) && in.chance(20);
        boolean misplaced = has(Shape.NEGATIVE_GUARD_MISPLACED) && in.chance(60);
        if (frame) {
            c.op(0x23, 0).i32(16).op(0x6B).tee(fp).op(0x24, 0);
        }
        if (!misplaced) {
            c.call(guard);
        }
        for (int p = 0; p < params; p++) {
            c.get(p);
            if (raw.params()[p] == Kind.REF) {
                c.call(get);
            }
            if (misplaced && p == 0) {
                c.call(guard);
            }
        }
        if (misplaced && params == 0) {
            c.op(0x02, 0x40).call(guard).op(0x0B);
        }
        c.call(raw.index());
        Kind[] results = raw.results();
        if (results.length == 1 && results[0] == Kind.REF) {
            if (in.chance(40)) {
                c.set(spare).get(spare); // the crate keeps the new reference in a local first
            }
            c.call(insert);
        } else if (results.length == 2) {
            if (results[1] == Kind.REF) {
                c.call(insert);
            }
            if (results[0] == Kind.REF) {
                c.set(spare).call(insert).get(spare);
            }
        }
        if (frame) {
            c.get(fp).i32(16).op(0x6A).op(0x24, 0);
        }
        asm.define(params, results.length, 2, c.bytes());
    }

    // ----- bodies -------------------------------------------------------------------------------

    private void internal(Callee f) {
        Body b = new Body(false, f.params());
        int n = 1 + in.below(5);
        for (int i = 0; i < n; i++) {
            b.statement(0);
        }
        for (Kind r : f.results()) {
            if (r == Kind.SLOT) {
                b.slot(0);
            } else {
                b.integer(0);
            }
        }
        asm.define(f.params().length, f.results().length, b.locals(), b.c.bytes());
    }

    private void export(Kind[] params, Kind[] results) {
        Body b = new Body(true, params);
        if (has(Shape.SPILLS) && in.chance(80) || has(Shape.MIXED) && in.chance(25)) {
            b.openFrame();
        }
        for (int p = 0; p < params.length; p++) {
            if (params[p] != Kind.REF) {
                continue;
            }
            int how = in.below(10);
            if (b.fp >= 0 && how < 2) {
                b.spillParameter(p);
            } else if (how < 6) {
                b.c.get(p).call(insert).set(p); // rustc: the parameter reassigned with its slot
                b.kinds.set(p, Kind.SLOT);
            } else if (how < 8) {
                int l = b.fresh();
                b.c.get(p).call(insert).set(l);
                b.kinds.set(l, Kind.SLOT);
            }
        }
        b.callStatement(0);
        int n = 1 + in.below(8);
        for (int i = 0; i < n; i++) {
            b.statement(0);
        }
        for (int l = 0; l < b.kinds.size(); l++) {
            if (b.kinds.get(l) == Kind.SLOT && !b.reserved.contains(l) && in.chance(70)) {
                b.dropSlot(l);
            }
        }
        for (Kind r : results) {
            int s = b.pick(Kind.SLOT);
            if (r == Kind.REF && s >= 0 && in.chance(60)) {
                b.c.get(s).call(get).get(s).call(drop); // return the reference, release the slot
            } else if (r == Kind.REF) {
                b.ref(0);
            } else {
                b.integer(0);
            }
        }
        b.closeFrame();
        asm.define(params.length, results.length, b.locals(), b.c.bytes());
    }

    /** One function body being generated: its code, and what each local holds at this point. */
    private final class Body {
        final Assembler.Code c = new Assembler.Code();
        final boolean export;
        final int params;
        final List<Kind> kinds = new ArrayList<>();
        final Set<Integer> reserved = new HashSet<>();
        final Kind[] frame = new Kind[FRAME / 4];
        int fp = -1;
        /** Loops around the code being generated, and the locals that existed when the outermost began. */
        int loops;
        int loopEntryLocals;

        Body(boolean export, Kind[] params) {
            this.export = export;
            this.params = params.length;
            kinds.addAll(Arrays.asList(params));
            Arrays.fill(frame, Kind.NONE);
        }

        int locals() {
            return kinds.size() - params;
        }

        int fresh() {
            kinds.add(Kind.NONE);
            return kinds.size() - 1;
        }

        /** A local holding one of {@code wanted}, or -1. */
        int pick(Kind... wanted) {
            List<Integer> found = new ArrayList<>();
            for (int l = 0; l < kinds.size(); l++) {
                if (!reserved.contains(l) && Arrays.asList(wanted).contains(kinds.get(l))) {
                    found.add(l);
                }
            }
            return found.isEmpty() ? -1 : found.get(in.below(found.size()));
        }

        /** Where to store a new value: often a local that held something else (rustc reuses them). */
        int target() {
            int reuse = has(Shape.LOCAL_REUSE) ? 75 : 35;
            if (!kinds.isEmpty() && in.chance(reuse)) {
                int l = in.below(kinds.size());
                if (!reserved.contains(l)) {
                    return l;
                }
            }
            return fresh();
        }

        void store(Kind kind) {
            int l = target();
            if (loops > 0 && l < loopEntryLocals && kinds.get(l) != kind) {
                l = fresh(); // the next iteration must find what the code before this point expects
            }
            c.set(l);
            kinds.set(l, kind);
        }

        void openFrame() {
            fp = fresh();
            reserved.add(fp);
            kinds.set(fp, Kind.INT);
            c.op(0x23, 0).i32(FRAME).op(0x6B).tee(fp).op(0x24, 0);
        }

        void closeFrame() {
            if (fp >= 0) {
                c.get(fp).i32(FRAME).op(0x6A).op(0x24, 0);
            }
        }

        /** A debug build's store of a reference parameter to its frame slot. */
        void spillParameter(int p) {
            int slot = in.below(frame.length);
            c.get(fp).get(p).op(0x36, 2).u(slot * 4L);
            frame[slot] = Kind.REF;
        }

        /** Drops the slot unless it is -1 (as an {@code Option<Resource>} is dropped). */
        void dropSlot(int s) {
            c.op(0x02, 0x40).get(s).i32(-1).op(0x46).op(0x0D, 0).get(s).call(drop).op(0x0B);
            kinds.set(s, Kind.NONE);
        }

        /** What the locals and frame slots hold at one point. */
        record Snapshot(List<Kind> locals, Kind[] frame) {
        }

        Snapshot snapshot() {
            return new Snapshot(new ArrayList<>(kinds), frame.clone());
        }

        void merge(Snapshot other) {
            for (int l = 0; l < kinds.size(); l++) {
                Kind o = l < other.locals().size() ? other.locals().get(l) : Kind.NONE;
                if (kinds.get(l) != o) {
                    kinds.set(l, Kind.NONE);
                }
            }
            for (int s = 0; s < frame.length; s++) {
                if (frame[s] != other.frame()[s]) {
                    frame[s] = Kind.NONE;
                }
            }
        }

        void restore(Snapshot s) {
            for (int l = 0; l < kinds.size(); l++) {
                kinds.set(l, l < s.locals().size() ? s.locals().get(l) : Kind.NONE);
            }
            System.arraycopy(s.frame(), 0, frame, 0, frame.length);
        }

        // ----- statements -----------------------------------------------------------------------

        /** A statement that writes some code (a few tries: not every kind applies everywhere). */
        void statement(int depth) {
            int before = c.size();
            for (int tries = 0; tries < 4 && c.size() == before; tries++) {
                anyStatement(depth);
            }
        }

        private void anyStatement(int depth) {
            boolean nest = depth < MAX_DEPTH;
            switch (in.below(16)) {
                case 0, 1 -> {
                    integer(depth);
                    store(Kind.INT);
                }
                case 2, 3 -> {
                    slot(depth);
                    store(Kind.SLOT);
                }
                case 4 -> {
                    if (export) {
                        ref(depth);
                        store(Kind.REF);
                    } else {
                        negative(depth);
                    }
                }
                case 5 -> {
                    int s = pick(Kind.SLOT);
                    if (s >= 0) {
                        c.get(s);
                        store(Kind.COPY); // a copy of the index: never dropped
                    }
                }
                case 6 -> {
                    int s = pick(Kind.SLOT);
                    if (s >= 0) {
                        dropSlot(s);
                    }
                }
                case 7, 8 -> callStatement(depth);
                case 9 -> {
                    if (export) {
                        ref(depth);
                        c.op(0x1A);
                    }
                }
                case 10 -> {
                    if (nest && has(Shape.BLOCKS)) {
                        block(depth);
                    } else if (nest && has(Shape.BLOCKS)) {
                        ifElse(depth);
                    }
                }
                case 11 -> {
                    if (nest && has(Shape.BLOCKS)) {
                        ifElse(depth);
                    } else if (nest && has(Shape.LOOPS)) {
                        loop(depth);
                    }
                }
                case 12 -> {
                    if (nest && has(Shape.LOOPS)) {
                        loop(depth);
                    } else if (nest && has(Shape.BR_TABLE)) {
                        brTable(depth);
                    }
                }
                case 13 -> {
                    if (nest && has(Shape.BR_TABLE)) {
                        brTable(depth);
                    }
                }
                case 14 -> {
                    if (fp >= 0) {
                        spill(depth);
                    } else {
                        negative(depth);
                    }
                }
                default -> negative(depth);
            }
        }

        void callStatement(int depth) {
            Callee f = callee(false);
            if (f == null) {
                return;
            }
            call(f, depth);
            for (int r = f.results().length - 1; r >= 0; r--) {
                Kind k = f.results()[r];
                if (in.chance(25) || (k == Kind.REF && !export)) {
                    c.op(0x1A);
                } else {
                    store(k);
                }
            }
        }

        /** A function to call here; with {@code single}, one returning exactly one value. */
        Callee callee(boolean single) {
            List<Callee> options = new ArrayList<>(anywhere);
            options.addAll(internals);
            if (export && has(Shape.INLINED_IMPORTS)) {
                options.addAll(rawImports);
                options.addAll(rawImports);
            }
            if (single) {
                options.removeIf(f -> f.results().length != 1);
            }
            return options.isEmpty() ? null : options.get(in.below(options.size()));
        }

        void call(Callee f, int depth) {
            if (f.rawImport() && carriesReferences(f.params(), f.results()) && in.chance(50)) {
                c.call(guard); // an inlined wrapper: its guard in the middle of the caller
            }
            for (Kind p : f.params()) {
                value(p, depth + 1);
            }
            c.call(f.index());
        }

        void value(Kind k, int depth) {
            switch (k) {
                case REF -> ref(depth);
                case SLOT, COPY -> slot(depth);
                default -> integer(depth);
            }
        }

        void block(int depth) {
            Snapshot exits = null;
            c.op(0x02, 0x40);
            int n = 1 + in.below(3);
            for (int i = 0; i < n; i++) {
                statement(depth + 1);
                if (in.chance(40)) {
                    integer(depth + 1);
                    c.op(0x0D, 0);
                    if (exits == null) {
                        exits = snapshot();
                    } else {
                        Snapshot now = snapshot();
                        restore(exits);
                        merge(now);
                        exits = snapshot();
                        restore(now);
                    }
                }
            }
            c.op(0x0B);
            if (exits != null) {
                merge(exits);
            }
        }

        void ifElse(int depth) {
            integer(depth + 1);
            c.op(0x04, 0x40);
            Snapshot before = snapshot();
            statement(depth + 1);
            Snapshot then = snapshot();
            restore(before);
            if (in.chance(70)) {
                c.op(0x05);
                statement(depth + 1);
            }
            c.op(0x0B);
            merge(then);
        }

        void loop(int depth) {
            int counter = fresh();
            reserved.add(counter);
            c.i32(1 + in.below(3)).set(counter);
            c.op(0x03, 0x40);
            if (loops++ == 0) {
                loopEntryLocals = kinds.size();
            }
            int n = 1 + in.below(3);
            for (int i = 0; i < n; i++) {
                statement(depth + 1);
            }
            loops--;
            c.get(counter).i32(1).op(0x6B).tee(counter).op(0x0D, 0).op(0x0B);
            reserved.remove(counter);
            kinds.set(counter, Kind.INT);
        }

        void brTable(int depth) {
            Snapshot before = snapshot();
            c.op(0x02, 0x40, 0x02, 0x40, 0x02, 0x40);
            integer(depth + 1);
            int targets = 1 + in.below(4);
            c.op(0x0E).u(targets);
            for (int t = 0; t < targets; t++) {
                c.u(in.below(3));
            }
            c.u(in.below(3)).op(0x0B);
            statement(depth + 1);
            c.op(0x0B);
            merge(before);
            statement(depth + 1);
            c.op(0x0B);
            merge(before);
        }

        void spill(int depth) {
            int slot = in.below(frame.length);
            Kind k = in.chance(60) && export ? Kind.REF : in.chance(50) ? Kind.SLOT : Kind.INT;
            if (loops > 0 && frame[slot] != Kind.NONE && frame[slot] != k) {
                return;
            }
            c.get(fp);
            value(k, depth + 1);
            c.op(0x36, 2).u(slot * 4L);
            frame[slot] = k;
        }

        /** Breaks the ABI: the negative shapes only. */
        void negative(int depth) {
            if (has(Shape.NEGATIVE_GUARD_MISPLACED)) {
                c.call(guard);
            } else if (has(Shape.NEGATIVE_REFERENCE_ESCAPE)) {
                int slot = pick(Kind.SLOT);
                if (slot < 0) {
                    return;
                }
                switch (in.below(4)) {
                    case 0 -> c.get(slot).call(get).i32(1).op(0x6A).op(0x1A); // arithmetic on a reference
                    case 1 -> { // to memory at a computed address and back
                        integer(depth + 1);
                        c.i32(4).op(0x6C).get(slot).call(get).op(0x36, 2, 0);
                        integer(depth + 1);
                        c.i32(4).op(0x6C).op(0x28, 2, 0).op(0x1A);
                    }
                    case 2 -> { // a reference where a slot index is expected
                        Callee f = callee(false);
                        if (f != null && !f.rawImport()) {
                            for (Kind p : f.params()) {
                                if (p == Kind.SLOT) {
                                    c.get(slot).call(get);
                                } else {
                                    integer(depth + 1);
                                }
                            }
                            c.call(f.index());
                            for (Kind ignored : f.results()) {
                                c.op(0x1A);
                            }
                        }
                    }
                    default -> { // a reference kept in a local of an unguarded function
                        c.get(slot).call(get);
                        store(Kind.NONE);
                    }
                }
            }
        }

        // ----- expressions: each pushes one i32 -------------------------------------------------

        void integer(int depth) {
            int choice = in.below(depth > 2 ? 2 : 6);
            switch (choice) {
                case 0 -> c.i32(in.below(5));
                case 1 -> {
                    int l = pick(Kind.INT);
                    if (l >= 0) {
                        c.get(l);
                    } else {
                        c.i32(in.below(5));
                    }
                }
                case 2, 3 -> {
                    Callee f = callee(true);
                    if (f != null && f.results()[0] != Kind.REF && f.results()[0] != Kind.SLOT) {
                        call(f, depth);
                    } else {
                        c.i32(in.below(5));
                    }
                }
                default -> {
                    integer(depth + 1);
                    integer(depth + 1);
                    c.op(new int[] {0x6A, 0x6B, 0x71, 0x73}[in.below(4)]);
                }
            }
        }

        void slot(int depth) {
            int choice = in.below(depth > 2 ? 2 : 8);
            switch (choice) {
                case 0 -> {
                    int l = pick(Kind.SLOT, Kind.COPY);
                    if (l >= 0) {
                        c.get(l);
                    } else {
                        c.i32(-1);
                    }
                }
                case 1 -> {
                    if (in.chance(30)) {
                        c.i32(-1);
                    } else {
                        slot(depth + 1);
                    }
                }
                case 2, 3 -> {
                    Callee f = callee(true);
                    if (f != null && f.results()[0] == Kind.SLOT) {
                        call(f, depth);
                    } else if (export) {
                        ref(depth + 1);
                        c.call(insert);
                    } else {
                        c.i32(-1);
                    }
                }
                case 4 -> {
                    if (export) {
                        ref(depth + 1);
                        c.call(insert);
                    } else {
                        slot(depth + 1);
                    }
                }
                case 5 -> {
                    if (has(Shape.SELECT)) {
                        slot(depth + 1);
                        slot(depth + 1);
                        integer(depth + 1);
                        c.op(0x1B);
                    } else {
                        slot(depth + 1);
                    }
                }
                default -> structured(Kind.SLOT, depth);
            }
        }

        void ref(int depth) {
            int choice = in.below(depth > 2 ? 2 : 8);
            switch (choice) {
                case 0 -> {
                    slot(depth + 1);
                    c.call(get);
                }
                case 1 -> {
                    int l = pick(Kind.REF);
                    if (l >= 0) {
                        c.get(l);
                    } else {
                        slot(depth + 1);
                        c.call(get);
                    }
                }
                case 2 -> {
                    List<Integer> spilled = new ArrayList<>();
                    for (int s = 0; s < frame.length; s++) {
                        if (frame[s] == Kind.REF) {
                            spilled.add(s);
                        }
                    }
                    if (fp >= 0 && !spilled.isEmpty()) {
                        c.get(fp).op(0x28, 2).u(spilled.get(in.below(spilled.size())) * 4L);
                    } else {
                        ref(depth + 1);
                    }
                }
                case 3 -> {
                    if (has(Shape.SELECT)) {
                        ref(depth + 1);
                        ref(depth + 1);
                        integer(depth + 1);
                        c.op(0x1B);
                    } else {
                        ref(depth + 1);
                    }
                }
                case 4 -> {
                    Callee f = callee(true);
                    if (f != null && f.results()[0] == Kind.REF) {
                        call(f, depth);
                    } else {
                        ref(depth + 1);
                    }
                }
                default -> structured(Kind.REF, depth);
            }
        }

        /** A value of {@code kind} through a block with a result, or a block with a parameter. */
        void structured(Kind kind, int depth) {
            if (has(Shape.BLOCK_RESULTS) && in.chance(60)) {
                c.op(0x02, 0x7F);
                value(kind, depth + 1);
                integer(depth + 1);
                c.op(0x0D, 0);
                if (in.chance(70)) {
                    c.op(0x1A);
                    value(kind, depth + 1);
                }
                c.op(0x0B);
            } else if (has(Shape.BLOCK_PARAMS)) {
                value(kind, depth + 1);
                c.op(0x02).s(asm.type(1, 1));
                if (in.chance(50)) {
                    integer(depth + 1);
                    c.op(0x0D, 0);
                }
                if (in.chance(40)) {
                    c.op(0x1A);
                    value(kind, depth + 1);
                }
                c.op(0x0B);
            } else {
                value(kind, depth + 1);
            }
        }
    }
}
