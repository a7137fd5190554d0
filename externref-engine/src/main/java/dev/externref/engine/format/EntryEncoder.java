package dev.externref.engine.format;

import dev.externref.engine.error.MalformedModuleException;
import dev.externref.engine.error.WasmException;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * Writes one entry or function body at a time, renumbered, into its output buffer: the state
 * of one writing thread (the buffer, the index references of the entry in hand, and reusable
 * readers). Input entries are renumbered; edit contents, already in the output's index space,
 * are checked and copied as they are.
 */
final class EntryEncoder {
    private final ModuleWriter job;
    private final byte[] in;
    ByteWriter out;
    private final IndexRefs refs = new IndexRefs();
    private final ByteReader bodyReader;
    private final ByteReader entryReader;
    private final InstructionReader codeReader;
    private int[] calls = new int[16];

    EntryEncoder(ModuleWriter job, ByteWriter out) {
        this.job = job;
        this.in = job.in;
        this.out = out;
        this.bodyReader = new ByteReader(in, 0, 0);
        this.entryReader = new ByteReader(in, 0, 0);
        this.codeReader = new InstructionReader(in, 0, 0, refs);
        refs.mask = job.refMask;
    }

    /** Writes entry {@code i} of a vector section: left out, replaced (output space) or the input's, renumbered. */
    void writeEntryAt(Section s, int i, Set<Integer> drop, Map<Integer, byte[]> replaced) {
        if (!drop.isEmpty() && drop.contains(i)) {
            return;
        }
        byte[] replacement = replaced.isEmpty() ? null : replaced.get(i);
        if (s.id == Section.CODE) {
            if (replacement != null) {
                writeSizedBody(replacement, i, false);
            } else {
                writeCodeEntry(s, i);
            }
        } else if (replacement != null) {
            writeEntry(s.id, replacement, 0, replacement.length, false);
        } else {
            writeEntry(s.id, in, s.entryStart(i), s.entryEnd(i), true);
        }
    }

    /** Writes the start section's content: one function index. */
    void writeStart(Section s) {
        refs.clear();
        TypeReader.index(new ByteReader(in, s.contentStart, s.end), refs, IndexSpace.FUNCTION);
        emitRemapped(in, s.contentStart, s.end);
    }

    /** Checks an entry's structure and writes it; renumbered when it is the input's. */
    private void writeEntry(int sectionId, byte[] src, int from, int to, boolean renumber) {
        refs.clear();
        ByteReader r = src == in ? entryReader : new ByteReader(src, from, to);
        r.pos(from);
        r.limit(to);
        ModuleParser.reparseEntry(sectionId, r, refs);
        if (r.pos() != to) {
            throw new MalformedModuleException("entry of the " + Section.name(sectionId) + " section has trailing bytes", from);
        }
        if (renumber) {
            emitRemapped(src, from, to);
        } else {
            out.bytes(src, from, to - from);
        }
    }

    /** An input body: decoded, offered to the body hook, and written renumbered (or as the hook rewrote it). */
    private void writeCodeEntry(Section s, int i) {
        int entryStart = s.entryStart(i);
        int bodyStart = job.module.bodyStart(i);
        int bodyEnd = job.module.bodyEnd(i);
        if (job.bodyScan != null && !job.bodyScan.mayReferTo(in, bodyStart, bodyEnd) && !job.bodyHook.wants(i, calls, 0)) {
            out.bytes(in, entryStart, bodyEnd - entryStart); // nothing to renumber, nothing the hook wants
            return;
        }
        decodeBody(in, bodyStart, bodyEnd, i);
        if (job.bodyHook != null && hookWants(i)) {
            byte[] replacement = job.bodyHook.rewrite(i);
            if (replacement != null) {
                writeSizedBody(replacement, i, true); // a rewritten input body: input index space
                return;
            }
        }
        int sizeWidth = bodyStart - entryStart;
        int sizeAt = out.reserve(sizeWidth);
        int start = out.size();
        emitRemapped(in, bodyStart, bodyEnd);
        out.patch(sizeAt, sizeWidth, out.size() - start);
    }

    /** A body that is not the input's, with its size in front: decoded, then written (renumbered if in input space). */
    private void writeSizedBody(byte[] body, int definedIndex, boolean renumber) {
        int sizeAt = out.reserve(ByteWriter.uSize(body.length));
        int start = out.size();
        decodeBody(body, 0, body.length, definedIndex);
        if (renumber) {
            emitRemapped(body, 0, body.length);
        } else {
            out.bytes(body, 0, body.length);
        }
        out.patch(sizeAt, start - sizeAt, out.size() - start);
    }

    private boolean hookWants(int definedIndex) {
        if (job.refMask == 1 << IndexSpace.FUNCTION.ordinal()) {
            return job.bodyHook.wants(definedIndex, refs.value, refs.size); // only function indices were recorded
        }
        int n = 0;
        for (int k = 0; k < refs.size; k++) {
            if (refs.space[k] == 0) { // IndexSpace.FUNCTION
                if (n == calls.length) {
                    calls = Arrays.copyOf(calls, n * 2);
                }
                calls[n++] = refs.value[k];
            }
        }
        return job.bodyHook.wants(definedIndex, calls, n);
    }

    /** Decodes a body completely (so malformed code is caught even where nothing changes), recording its index references. */
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
            code.scan(job.decoding);
            code.finish();
            if (code.usesDataIndex() && job.dataCountRequired) {
                throw new MalformedModuleException("data count section required", code.dataIndexAt());
            }
        } catch (MalformedModuleException e) {
            int function = job.module.functionOfDefined(definedIndex);
            throw e.inFunction(function, job.module.functionName(function));
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
        IndexRemap remap = job.remap;
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
            int now = job.remap.map(space, old);
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
}
