package dev.externref.engine.format;

import dev.externref.engine.error.MalformedModuleException;
import dev.externref.engine.error.WasmException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes a module back, renumbering indices with an {@link IndexRemap} and applying entry-level
 * edits. Sections that neither the remap nor an edit touches are copied as raw bytes; in the
 * others, every byte run between two changed indices is copied as it is, and a changed index
 * keeps its original encoded width when it fits, so an identity remap reproduces the input
 * byte for byte, including non-minimal LEB128s.
 *
 * <p>Edits address entries of vector sections by their position in the input. Replacement
 * entries are written in the input's index space and are renumbered like the originals;
 * appended entries are written as given, in the output's index space.
 *
 * <p>Table 0 and memory 0 must keep their index: the binary format also refers to them
 * implicitly, and such references cannot be renumbered in place.
 */
public final class ModuleWriter {
    private static final int[] ORDER = {Section.TYPE, Section.IMPORT, Section.FUNCTION, Section.TABLE, Section.MEMORY,
        Section.TAG, Section.GLOBAL, Section.EXPORT, Section.START, Section.ELEMENT, Section.DATA_COUNT, Section.CODE, Section.DATA};

    private final WasmModule module;
    private final byte[] in;
    private final IndexRemap remap;
    private final boolean identity;
    private final Map<Integer, Set<Integer>> removed = new HashMap<>();
    private final Map<Integer, Map<Integer, byte[]>> replaced = new HashMap<>();
    private final Map<Integer, List<byte[]>> appended = new HashMap<>();
    private final Map<String, byte[]> customReplaced = new HashMap<>();
    private final List<String[]> customAppendedNames = new ArrayList<>();
    private final List<byte[]> customAppended = new ArrayList<>();
    private final TreeMap<Integer, String> addedFunctionNames = new TreeMap<>();
    private final List<String> warnings = new ArrayList<>();
    /** Code sections at least this large are written on several threads (unless parallelism is 1). */
    static final int PARALLEL_THRESHOLD = 4 << 20;
    /** Bytes of bodies one task encodes. */
    static final int PARALLEL_RUN_BYTES = 1 << 20;
    /**
     * Code a JVM writes on the calling thread before the automatic mode spreads bodies over
     * threads. While the JIT compiles the decoder, its compiler threads need the cores that
     * writer threads would take: on 2 cores the first module of a fresh JVM ran 20-30% slower
     * on two writer threads than on one. Counted across the JVM, so only the first modules pay.
     */
    static final long WARM_UP_CODE_BYTES = 16 << 20;
    /** Code bytes this JVM has written, for {@link #WARM_UP_CODE_BYTES}. */
    static final AtomicLong CODE_BYTES_WRITTEN = new AtomicLong();

    /** The spaces the remap changes, one bit per {@link IndexSpace} ordinal. */
    private final int changedSpaces;
    private final int refMask;
    private final boolean dataCountRequired;
    private BodyHook bodyHook;
    private int parallelism;
    private boolean warmUpFirst = true;
    private boolean copyUntouchedSections = true;

    /**
     * Rewrites function bodies while they are written, in the same pass: after a body is
     * decoded, the hook is asked whether it wants it (by the functions it references); if so,
     * its replacement (input index space; null: keep the body) is written instead.
     */
    public interface BodyHook {
        /** Whether this body needs {@link #rewrite}; {@code calls} holds the function indices it references. */
        boolean wants(int definedIndex, int[] functions, int count);

        byte[] rewrite(int definedIndex);
    }

    public ModuleWriter(WasmModule module, IndexRemap remap) {
        this.module = module;
        this.in = module.bytes();
        this.remap = remap;
        int changed = 0;
        for (IndexSpace s : IndexSpace.ALL) {
            if (remap.changes(s)) {
                changed |= 1 << s.ordinal();
            }
        }
        this.changedSpaces = changed;
        this.identity = changed == 0;
        // Table 0 and memory 0 are also referred to without an index (active element segments
        // with flags 0 and 4, data segments with flags 0, memory instructions without a memory
        // index), where the writer has nothing to rewrite: moving them would be silently wrong.
        if (!module.tables().isEmpty() && remap.changes(IndexSpace.TABLE) && remap.map(IndexSpace.TABLE, 0) != 0) {
            throw new IllegalArgumentException("table 0 cannot be renumbered: it is also referred to implicitly");
        }
        if (module.memoryCount() > 0 && remap.changes(IndexSpace.MEMORY) && remap.map(IndexSpace.MEMORY, 0) != 0) {
            throw new IllegalArgumentException("memory 0 cannot be renumbered: it is also referred to implicitly");
        }
        // Record only the indices this writer may change (and call targets, for the body hook).
        this.refMask = changed | 1 << IndexSpace.FUNCTION.ordinal();
        this.dataCountRequired = module.section(Section.DATA_COUNT) == null && module.dataCount() > 0;
    }

    /**
     * Threads for the code section: 1 writes single-threaded; 0 (the default) uses the available
     * processors when the code section is large, after the JVM's first {@link #WARM_UP_CODE_BYTES}
     * of code. The output is the same byte for byte either way; with more than one thread the
     * body hook is called concurrently and must be thread-safe.
     */
    public ModuleWriter parallelism(int threads) {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be 0 (automatic) or more: " + threads);
        }
        this.parallelism = threads;
        this.warmUpFirst = threads == 0;
        return this;
    }

    /** Whether the JVM's first code is written on the calling thread (for tests of explicit parallelism). */
    ModuleWriter warmUpFirst(boolean onThisThread) {
        this.warmUpFirst = onThisThread;
        return this;
    }

    /**
     * Whether a section that refers to none of the spaces the remap changes is copied whole (the
     * default) or still written entry by entry: for tests that compare the two.
     */
    ModuleWriter copyUntouchedSections(boolean copy) {
        this.copyUntouchedSections = copy;
        return this;
    }

    /** Sets the hook that may rewrite bodies during the code section's pass. */
    public ModuleWriter bodyHook(BodyHook hook) {
        this.bodyHook = hook;
        return this;
    }

    /** Writes the module with only the remap applied. */
    public static byte[] write(WasmModule module, IndexRemap remap) {
        return new ModuleWriter(module, remap).toBytes();
    }

    /** Leaves out entry {@code index} of a vector section. */
    public ModuleWriter removeEntry(int sectionId, int index) {
        Set<Integer> entries = removed.get(sectionId);
        if (entries == null) {
            removed.put(sectionId, entries = new HashSet<>());
        }
        entries.add(index);
        return this;
    }

    /** Writes {@code entry} (input index space) instead of entry {@code index}. Code entries: the body without its size. */
    public ModuleWriter replaceEntry(int sectionId, int index, byte[] entry) {
        Map<Integer, byte[]> entries = replaced.get(sectionId);
        if (entries == null) {
            replaced.put(sectionId, entries = new HashMap<>());
        }
        entries.put(index, entry);
        return this;
    }

    /** Adds an entry (output index space) at the end of a vector section, creating the section if needed. */
    public ModuleWriter appendEntry(int sectionId, byte[] entry) {
        List<byte[]> entries = appended.get(sectionId);
        if (entries == null) {
            appended.put(sectionId, entries = new ArrayList<>());
        }
        entries.add(entry);
        return this;
    }

    /** Replaces the payload of the custom sections named {@code name}; null removes them. */
    public ModuleWriter replaceCustomSection(String name, byte[] payload) {
        customReplaced.put(name, payload);
        return this;
    }

    /** Adds a custom section at the end of the module. */
    public ModuleWriter appendCustomSection(String name, byte[] payload) {
        customAppendedNames.add(new String[] {name});
        customAppended.add(payload);
        return this;
    }

    /** Names a function (output index space) in the {@code name} section, if the module has one. */
    public ModuleWriter nameFunction(int newIndex, String name) {
        addedFunctionNames.put(newIndex, name);
        return this;
    }

    /** What the writer chose to drop rather than write wrong (e.g. a malformed name section). */
    public List<String> warnings() {
        return warnings;
    }

    public byte[] toBytes() {
        return new Encoder().writeModule().toByteArray();
    }

    /**
     * Writes the module without the final trimming copy: the result's array has some headroom
     * (for indices that grow) and the module is its first {@link ByteWriter#size} bytes.
     */
    public ByteWriter toByteWriter() {
        return new Encoder().writeModule();
    }

    private int codeThreads(Section code) {
        if (parallelism > 0) {
            return parallelism;
        }
        int available = Runtime.getRuntime().availableProcessors();
        return code.end - code.start >= PARALLEL_THRESHOLD ? Math.min(available, 8) : 1;
    }

    /**
     * The state of one writing thread: its output buffer, the index references of the entry or
     * body in hand, and reusable readers. The main encoder writes the module; for a large code
     * section, helper encoders write runs of bodies that the main one then copies in order.
     */
    private final class Encoder {
        private ByteWriter out;
        private final IndexRefs refs = new IndexRefs();
        private final ByteReader bodyReader = new ByteReader(in, 0, 0);
        private final ByteReader entryReader = new ByteReader(in, 0, 0);
        private final InstructionReader codeReader = new InstructionReader(in, 0, 0, refs);
        private int[] calls = new int[16];

        Encoder() {
            refs.mask = refMask;
        }

        ByteWriter writeModule() {
            int extra = 64;
            for (List<byte[]> l : appended.values()) {
                for (byte[] b : l) {
                    extra += b.length + 5;
                }
            }
            for (byte[] b : customAppended) {
                extra += b.length + 32;
            }
            out = new ByteWriter(in.length + (in.length >> 6) + extra); // headroom for indices that widen
            out.bytes(in, 0, 8);
            Set<Integer> present = new HashSet<>();
            for (Section s : module.sections()) {
                if (s.id != Section.CUSTOM) {
                    present.add(s.id);
                }
            }
            int nextNew = 0; // position in ORDER of the next section that might need creating
            for (Section s : module.sections()) {
                if (s.id != Section.CUSTOM) {
                    int rank = Section.rank(s.id);
                    while (nextNew < ORDER.length && Section.rank(ORDER[nextNew]) < rank) {
                        createIfNeeded(ORDER[nextNew++], present);
                    }
                    if (nextNew < ORDER.length && ORDER[nextNew] == s.id) {
                        nextNew++;
                    }
                    writeKnown(s);
                } else {
                    writeCustom(s);
                }
            }
            while (nextNew < ORDER.length) {
                createIfNeeded(ORDER[nextNew++], present);
            }
            for (int i = 0; i < customAppended.size(); i++) {
                byte[] payload = customAppended.get(i);
                ByteWriter name = new ByteWriter(32).name(customAppendedNames.get(i)[0]);
                out.u8(Section.CUSTOM).u32(name.size() + payload.length).bytes(name.toByteArray()).bytes(payload);
            }
            return out;
        }

        private void createIfNeeded(int id, Set<Integer> present) {
            List<byte[]> add = appended.get(id);
            if (present.contains(id) || add == null || add.isEmpty()) {
                return;
            }
            out.u8(id);
            int sizeAt = out.reserve(5);
            int contentStart = out.size();
            out.u32(add.size());
            for (byte[] e : add) {
                if (id == Section.CODE) {
                    out.u32(e.length);
                }
                out.bytes(e);
            }
            out.patch(sizeAt, 5, out.size() - contentStart);
        }

        // ---------------------------------------------------------------- known sections

        private void writeKnown(Section s) {
            boolean edited = removed.containsKey(s.id) || replaced.containsKey(s.id) || appended.containsKey(s.id);
            if (!edited && untouched(s)) {
                out.bytes(in, s.start, s.end - s.start);
                return;
            }
            out.u8(s.id);
            int sizeWidth = s.contentStart - s.start - 1;
            int sizeAt = out.reserve(sizeWidth);
            int contentStart = out.size();
            if (s.id == Section.START) {
                ByteReader r = new ByteReader(in, s.contentStart, s.end);
                refs.clear();
                TypeReader.index(r, refs, IndexSpace.FUNCTION);
                emitRemapped(in, s.contentStart, s.end);
            } else if (s.id == Section.DATA_COUNT) {
                out.bytes(in, s.contentStart, s.end - s.contentStart);
            } else {
                writeEntries(s);
            }
            out.patch(sizeAt, sizeWidth, out.size() - contentStart);
        }

        /** Whether the remap leaves every index in the section as it is. */
        private boolean untouched(Section s) {
            return identity || copyUntouchedSections && (s.spaces & changedSpaces) == 0;
        }

        private void writeEntries(Section s) {
            Set<Integer> drop = removed.getOrDefault(s.id, Set.of());
            Map<Integer, byte[]> repl = replaced.getOrDefault(s.id, Map.of());
            List<byte[]> add = appended.getOrDefault(s.id, List.of());
            int n = s.entryCount();
            int count = n - countIn(drop, n) + add.size();
            int countWidth = s.entriesStart - s.contentStart;
            out.leb(count, Math.max(countWidth, ByteWriter.uSize(count)), false);
            if (s.id != Section.CODE && drop.isEmpty() && repl.isEmpty() && untouched(s)) {
                out.bytes(in, s.entriesStart, s.end - s.entriesStart); // only appended to: the entries stay as they are
            } else {
                int threads = s.id == Section.CODE ? codeThreads(s) : 1;
                int first = threads == 1 ? n : warmUpFirst ? warmUpBodies(s) : 0; // bodies written on this thread
                for (int i = 0; i < first; i++) {
                    writeEntryAt(s, i, drop, repl);
                }
                if (first < n) {
                    writeCodeInParallel(s, first, drop, repl, threads);
                }
            }
            if (s.id == Section.CODE) {
                CODE_BYTES_WRITTEN.addAndGet(s.end - s.contentStart);
            }
            for (byte[] e : add) {
                if (s.id == Section.CODE) {
                    out.u32(e.length);
                }
                out.bytes(e);
            }
        }

        private void writeEntryAt(Section s, int i, Set<Integer> drop, Map<Integer, byte[]> repl) {
            if (!drop.isEmpty() && drop.contains(i)) {
                return;
            }
            byte[] replacement = repl.isEmpty() ? null : repl.get(i);
            if (s.id == Section.CODE) {
                if (replacement != null) {
                    int sizeAt = out.reserve(ByteWriter.uSize(replacement.length));
                    int start = out.size();
                    writeBody(replacement, 0, replacement.length, i);
                    out.patch(sizeAt, start - sizeAt, out.size() - start);
                } else {
                    writeCodeEntry(s, i);
                }
            } else if (replacement != null) {
                writeEntry(s.id, replacement, 0, replacement.length);
            } else {
                writeEntry(s.id, in, s.entryStart(i), s.entryEnd(i));
            }
        }

        /**
         * Bodies are independent and each one's encoding does not depend on where it lands, so
         * runs of bodies (from body {@code from} on, the earlier ones already written on this
         * thread) are encoded on several threads and copied in order: the same bytes as
         * one thread. A failure is the one the first failing body in order would have raised.
         * Each thread keeps one encoder, and run outputs go to a few recycled buffers, so the
         * extra memory is a few runs, not a second copy of the code.
         */
        private void writeCodeInParallel(Section s, int from, Set<Integer> drop, Map<Integer, byte[]> repl, int threads) {
            int n = s.entryCount();
            List<int[]> runs = new ArrayList<>();
            int runStart = from;
            for (int i = from; i < n; i++) {
                if (s.entryEnd(i) - s.entryStart(runStart) >= PARALLEL_RUN_BYTES || i == n - 1) {
                    runs.add(new int[] {runStart, i + 1});
                    runStart = i + 1;
                }
            }
            // Runs start in order and a run takes a buffer when it starts, so the oldest run not
            // yet copied always holds one: copying it frees a buffer, and the pool cannot stall.
            BlockingQueue<ByteWriter> buffers = new ArrayBlockingQueue<>(2 * threads);
            for (int i = 0; i < 2 * threads; i++) {
                buffers.add(new ByteWriter(PARALLEL_RUN_BYTES + (PARALLEL_RUN_BYTES >> 2)));
            }
            ThreadLocal<Encoder> encoders = ThreadLocal.withInitial(Encoder::new);
            ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "externref-writer");
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<ByteWriter>> parts = new ArrayList<>(runs.size());
                for (int[] run : runs) {
                    parts.add(pool.submit(() -> {
                        Encoder e = encoders.get();
                        e.out = buffers.take();
                        e.out.clear();
                        for (int i = run[0]; i < run[1]; i++) {
                            e.writeEntryAt(s, i, drop, repl);
                        }
                        return e.out;
                    }));
                }
                for (Future<ByteWriter> part : parts) {
                    ByteWriter w = part.get();
                    out.bytes(w.buffer(), 0, w.size());
                    buffers.add(w);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while writing the code section", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException(e.getCause());
            } finally {
                pool.shutdownNow();
            }
        }

        /** How many of the section's first bodies take this JVM's remaining warm-up budget. */
        private int warmUpBodies(Section s) {
            long budget = WARM_UP_CODE_BYTES - CODE_BYTES_WRITTEN.get();
            int n = s.entryCount();
            int i = 0;
            while (i < n && s.entryStart(i) - s.entriesStart < budget) {
                i++;
            }
            return i;
        }

        private static int countIn(Set<Integer> set, int n) {
            int c = 0;
            for (int i : set) {
                if (i >= 0 && i < n) {
                    c++;
                }
            }
            return c;
        }

        private void writeEntry(int sectionId, byte[] src, int from, int to) {
            refs.clear();
            ByteReader r = src == in ? entryReader : new ByteReader(src, from, to);
            r.pos(from);
            r.limit(to);
            module.reparseEntry(sectionId, r, refs);
            if (r.pos() != to) {
                throw new MalformedModuleException("entry of the " + Section.name(sectionId) + " section has trailing bytes", from);
            }
            emitRemapped(src, from, to);
        }

        private void writeCodeEntry(Section s, int i) {
            int entryStart = s.entryStart(i);
            int bodyStart = module.bodyStart(i);
            int bodyEnd = module.bodyEnd(i);
            decodeBody(in, bodyStart, bodyEnd, i);
            if (bodyHook != null && hookWants(i)) {
                byte[] replacement = bodyHook.rewrite(i);
                if (replacement != null) {
                    int sizeAt = out.reserve(ByteWriter.uSize(replacement.length));
                    int start = out.size();
                    writeBody(replacement, 0, replacement.length, i);
                    out.patch(sizeAt, start - sizeAt, out.size() - start);
                    return;
                }
            }
            int sizeWidth = bodyStart - entryStart;
            int sizeAt = out.reserve(sizeWidth);
            int start = out.size();
            emitRemapped(in, bodyStart, bodyEnd);
            out.patch(sizeAt, sizeWidth, out.size() - start);
        }

        private boolean hookWants(int definedIndex) {
            if (refMask == 1 << IndexSpace.FUNCTION.ordinal()) {
                return bodyHook.wants(definedIndex, refs.value, refs.size); // only function indices were recorded
            }
            int n = 0;
            for (int k = 0; k < refs.size; k++) {
                if (refs.space[k] == 0) { // IndexSpace.FUNCTION
                    if (n == calls.length) {
                        calls = java.util.Arrays.copyOf(calls, n * 2);
                    }
                    calls[n++] = refs.value[k];
                }
            }
            return bodyHook.wants(definedIndex, calls, n);
        }

        /** Decodes a whole body (so malformed code is caught even where nothing changes) and writes it renumbered. */
        private void writeBody(byte[] src, int from, int to, int definedIndex) {
            decodeBody(src, from, to, definedIndex);
            emitRemapped(src, from, to);
        }

        /** Decodes a body completely, recording its index references. */
        private void decodeBody(byte[] src, int from, int to, int definedIndex) {
            refs.clear();
            try {
                InstructionReader code;
                if (src == in) {
                    bodyReader.pos(from);
                    bodyReader.limit(to);
                    int codeStart = FunctionBody.skipLocals(bodyReader, refs);
                    code = codeReader;
                    code.reset(codeStart, to);
                } else {
                    ByteReader r = new ByteReader(src, from, to);
                    code = new InstructionReader(src, FunctionBody.skipLocals(r, refs), to, refs);
                }
                code.scanToEnd();
                code.finish();
                if (code.usesDataIndex() && dataCountRequired) {
                    throw new MalformedModuleException("data count section required", code.dataIndexAt());
                }
            } catch (MalformedModuleException e) {
                int function = module.importedFunctionCount() + definedIndex;
                throw e.inFunction(function, module.functionName(function));
            }
        }

        /**
         * Copies {@code [from, to)} of {@code src}, substituting every recorded index that the
         * remap changes. The range is copied whole and the new indices written over the old
         * ones, each in its old width; only when one needs more bytes is the range written
         * again piece by piece. Real code has a call every few dozen bytes: one bulk copy per
         * body instead of one per call.
         */
        private void emitRemapped(byte[] src, int from, int to) {
            int start = out.size();
            byte[] o = out.room(to - from);
            System.arraycopy(src, from, o, start, to - from);
            int shift = start - from;
            for (int k = 0; k < refs.size; k++) {
                // An index the remap keeps is written again as it was: in its old width, the
                // encoding is the same bytes (and no branch for the JIT to find untaken).
                int now = remap.map(IndexSpace.ALL[refs.space[k]], refs.value[k]);
                int width = refs.len[k];
                long v = Integer.toUnsignedLong(now);
                if (now < 0 || (refs.signed[k] ? ByteWriter.sSize(v) : ByteWriter.uSize(v)) > width) {
                    emitWidened(src, from, to); // also reports a removed index
                    return;
                }
                int at = refs.pos[k] + shift;
                for (int i = width; i > 1; i--) {
                    o[at++] = (byte) (v & 0x7F | 0x80);
                    v >>>= 7;
                }
                o[at] = (byte) (v & 0x7F);
            }
            out.advanceTo(start + to - from);
        }

        /** {@link #emitRemapped} for a range where some index needs a wider LEB128 than it had. */
        private void emitWidened(byte[] src, int from, int to) {
            int cur = from;
            for (int k = 0; k < refs.size; k++) {
                IndexSpace space = IndexSpace.ALL[refs.space[k]];
                int old = refs.value[k];
                int now = remap.map(space, old);
                if (now == old) {
                    continue;
                }
                int pos = refs.pos[k];
                if (now < 0) {
                    throw new WasmException(space.name().toLowerCase() + " " + Integer.toUnsignedString(old)
                            + " is removed but still used here", src == in ? pos : -1);
                }
                out.bytes(src, cur, pos - cur);
                int width = refs.len[k];
                int need = refs.signed[k] ? ByteWriter.sSize(now) : ByteWriter.uSize(Integer.toUnsignedLong(now));
                out.leb(Integer.toUnsignedLong(now), Math.max(width, need), refs.signed[k]);
                cur = pos + width;
            }
            out.bytes(src, cur, to - cur);
        }

        // ---------------------------------------------------------------- custom sections

        private void writeCustom(Section s) {
            if (customReplaced.containsKey(s.customName)) {
                byte[] payload = customReplaced.get(s.customName);
                if (payload != null) {
                    ByteWriter name = new ByteWriter(32).name(s.customName);
                    out.u8(Section.CUSTOM).u32(name.size() + payload.length).bytes(name.toByteArray()).bytes(payload);
                }
                return;
            }
            if ("name".equals(s.customName) && (!identity || !addedFunctionNames.isEmpty())) {
                // Rewritten straight into the output; rolled back if unchanged or malformed.
                int mark = out.size();
                out.u8(Section.CUSTOM);
                int sizeWidth = s.contentStart - s.start - 1;
                int sizeAt = out.reserve(sizeWidth);
                int start = out.size();
                out.bytes(in, s.contentStart, s.payloadStart - s.contentStart);
                boolean changed;
                try {
                    changed = NameSection.rewrite(in, s.payloadStart, s.end, remap, addedFunctionNames, out);
                } catch (MalformedModuleException e) {
                    out.truncate(mark);
                    warnings.add("dropped the malformed 'name' section: " + e.getMessage());
                    return;
                }
                if (changed) {
                    out.patch(sizeAt, sizeWidth, out.size() - start);
                    return;
                }
                out.truncate(mark); // nothing changed: the original bytes, size field included
            }
            out.bytes(in, s.start, s.end - s.start);
        }

    }
}
