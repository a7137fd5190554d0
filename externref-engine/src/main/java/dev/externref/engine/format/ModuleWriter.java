package dev.externref.engine.format;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes a module back, renumbering indices with an {@link IndexRemap} and applying
 * {@link ModuleEdits}. Sections that neither the remap nor an edit touches are copied as raw
 * bytes; in the others, every byte run between two changed indices is copied as it is, and a
 * changed index keeps its original encoded width when it fits, so an identity remap
 * reproduces the input byte for byte, including non-minimal LEB128s.
 *
 * <p>The remap applies to the input's contents; the edits' contents are already in the
 * output's index space (see {@link ModuleEdits}). The work is split three ways:
 * {@link SectionEncoder} orders and sizes the sections, {@link EntryEncoder} writes one entry
 * or body, and {@link ParallelCodeWriter} spreads the bodies of a large code section over
 * threads as the {@link CodeWritePolicy} says.
 *
 * <p>Table 0 and memory 0 must keep their index: the binary format also refers to them
 * implicitly, and such references cannot be renumbered in place.
 */
public final class ModuleWriter {
    final WasmModule module;
    final byte[] in;
    final IndexRemap remap;
    final ModuleEdits edits;
    /** Whether the remap changes nothing. */
    final boolean identity;
    /** The spaces the remap changes, one bit per {@link IndexSpace} ordinal. */
    final int changedSpaces;
    /** The spaces whose references an entry encoder records. */
    final int refMask;
    /** Code that uses a data index needs a data count section, which this module lacks. */
    final boolean dataCountRequired;
    final List<String> warnings = new ArrayList<>();
    BodyHook bodyHook;
    CodeWritePolicy policy = CodeWritePolicy.SINGLE_THREADED;
    boolean copyUntouchedSections = true;
    /** The loop that decodes bodies (see {@link #decoding}). */
    InstructionReader.Loop decoding = InstructionReader.Loop.COMPACT;
    /** Bodies that this scan clears are copied undecoded; null: every body is decoded (see {@link #write()}). */
    FunctionIndexScan bodyScan;

    /**
     * Rewrites function bodies while they are written, in the same pass: after a body is
     * decoded, the hook is asked whether it wants it (by the functions it references); if so,
     * its replacement is written instead. A replacement is a rewritten input body: in the
     * input's index space, renumbered like the body it stands for (null: keep the body).
     */
    public interface BodyHook {
        /** Whether this body needs {@link #rewrite}; {@code functions} holds the {@code count} function indices it references. */
        boolean wants(int definedIndex, int[] functions, int count);

        /**
         * The functions whose references decide {@link #wants}, or null (the default) when any
         * may: then every body is decoded. With a set, a body that cannot refer to one of them
         * (nor to a function the remap renumbers) is asked about as referring to none, and if
         * not wanted, copied without being decoded.
         */
        default java.util.BitSet watchedFunctions() {
            return null;
        }

        /** The body (locals and code, input index space) to write instead, or null to keep it. */
        byte[] rewrite(int definedIndex);
    }

    /** The module as written: its first {@code size} bytes of {@code buffer}, which has some headroom. */
    public record Output(byte[] buffer, int size) {
        /** The module in an array of its own length. */
        public byte[] toByteArray() {
            return buffer.length == size ? buffer : java.util.Arrays.copyOf(buffer, size);
        }
    }

    /** A writer that only renumbers. */
    public ModuleWriter(WasmModule module, IndexRemap remap) {
        this(module, remap, new ModuleEdits());
    }

    /** A writer that renumbers the input with {@code remap} and applies {@code edits} (output index space). */
    public ModuleWriter(WasmModule module, IndexRemap remap, ModuleEdits edits) {
        this.module = module;
        this.in = module.bytes();
        this.remap = remap;
        this.edits = edits;
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

    /** Writes the module with only the remap applied. */
    public static byte[] write(WasmModule module, IndexRemap remap) {
        return new ModuleWriter(module, remap).toBytes();
    }

    /**
     * How the code section is written; {@link CodeWritePolicy#SINGLE_THREADED} unless set. The
     * output is the same byte for byte either way; with more than one thread the body hook is
     * called concurrently and must be thread-safe.
     */
    public ModuleWriter policy(CodeWritePolicy policy) {
        this.policy = java.util.Objects.requireNonNull(policy, "policy");
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

    /** What the writer chose to drop rather than write wrong (e.g. a malformed name section). */
    public List<String> warnings() {
        return warnings;
    }

    /** Writes the module into an array of its own length. */
    public byte[] toBytes() {
        return write().toByteArray();
    }

    /** Writes the module without the final trimming copy. */
    public Output write() {
        Section code = module.section(Section.CODE);
        decoding = decoding(code == null ? 0 : code.end - code.start, policy.warmUp());
        bodyScan = bodyScan();
        ByteWriter out = new SectionEncoder(this).writeModule();
        return new Output(out.buffer(), out.size());
    }

    /**
     * The loop that decodes the bodies of a module with {@code codeBytes} of code. Once the
     * caller's warm-up (or its absence) says the JVM is warm, the table walk below
     * {@link InstructionReader#TABLE_DECODING_MODULE_BYTES} and the compact loop above. In a
     * fresh JVM, whose loops run interpreted or from C1 (the command line stops there for
     * inputs up to 16 MB), the compact loop, which needs fewer steps there; for a very large
     * module the branchless loop, which reaches its speed sooner.
     */
    static InstructionReader.Loop decoding(long codeBytes, CodeWritePolicy.WarmUp warmUp) {
        boolean fresh = warmUp != null && warmUp.written() < InstructionReader.FAST_DECODING_BYTES;
        if (codeBytes < InstructionReader.TABLE_DECODING_MODULE_BYTES) {
            return fresh ? InstructionReader.Loop.COMPACT : InstructionReader.Loop.TABLE;
        }
        return codeBytes >= InstructionReader.FAST_DECODING_MODULE_BYTES && fresh
                ? InstructionReader.Loop.FAST : InstructionReader.Loop.COMPACT;
    }

    /**
     * Code bytes from which bodies are scanned eight bytes at a time (in one module, or written
     * before by the caller's warm-up): there the scan's set-up in a fresh JVM (about 10 ms) pays.
     */
    static final long WIDE_SCAN_MODULE_BYTES = 4 << 20;

    /**
     * The scan that lets bodies be copied undecoded: when the hook names the functions it watches
     * and the remap renumbers functions only, a body that refers to none of those and none the
     * remap moves has nothing to change. Such bodies are not checked either: a malformed one is
     * copied as it is (the engine is not a validator; docs/ARCHITECTURE.md).
     */
    private FunctionIndexScan bodyScan() {
        java.util.BitSet watched = bodyHook == null ? null : bodyHook.watchedFunctions();
        if (watched == null || (changedSpaces & ~(1 << IndexSpace.FUNCTION.ordinal())) != 0) {
            return null;
        }
        watched = (java.util.BitSet) watched.clone();
        if (!identity) {
            for (int f = 0; f < module.functionCount(); f++) {
                if (remap.map(IndexSpace.FUNCTION, f) != f) {
                    watched.set(f);
                }
            }
        }
        Section code = module.section(Section.CODE);
        long codeBytes = code == null ? 0 : code.end - code.start;
        CodeWritePolicy.WarmUp warmUp = policy.warmUp();
        boolean wide = codeBytes >= WIDE_SCAN_MODULE_BYTES || warmUp != null && warmUp.written() >= WIDE_SCAN_MODULE_BYTES;
        return new FunctionIndexScan(watched.toLongArray(), wide);
    }

    /** Whether the remap leaves every index in the section as it is. */
    boolean untouched(Section s) {
        return identity || copyUntouchedSections && (s.spaces & changedSpaces) == 0;
    }
}
