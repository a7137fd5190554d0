package dev.externref.engine.format;

import dev.externref.engine.error.MalformedModuleException;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes the module's sections in order: copies the untouched ones, writes the others entry by
 * entry with their count and size, creates sections that only appended entries need, and
 * rewrites the custom sections (the {@code name} section follows the renumbering).
 */
final class SectionEncoder {
    /** The required order of the known sections. */
    private static final int[] ORDER = {Section.TYPE, Section.IMPORT, Section.FUNCTION, Section.TABLE, Section.MEMORY,
        Section.TAG, Section.GLOBAL, Section.EXPORT, Section.START, Section.ELEMENT, Section.DATA_COUNT, Section.CODE, Section.DATA};

    private final ModuleWriter job;
    private final byte[] in;
    private final ModuleEdits edits;
    private final ByteWriter out;
    private final EntryEncoder entries;

    SectionEncoder(ModuleWriter job) {
        this.job = job;
        this.in = job.in;
        this.edits = job.edits;
        this.out = new ByteWriter(in.length + (in.length >> 6) + 64 + edits.appendedBytes()); // headroom for indices that widen
        this.entries = new EntryEncoder(job, out);
    }

    ByteWriter writeModule() {
        out.bytes(in, 0, 8);
        Set<Integer> present = new HashSet<>();
        for (Section s : job.module.sections()) {
            if (s.id != Section.CUSTOM) {
                present.add(s.id);
            }
        }
        int nextNew = 0; // position in ORDER of the next section that might need creating
        for (Section s : job.module.sections()) {
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
        for (ModuleEdits.AppendCustomSection s : edits.appendedCustomSections()) {
            writeCustom(s.name(), s.payload());
        }
        return out;
    }

    /** A section the input lacks but appended entries need. */
    private void createIfNeeded(int id, Set<Integer> present) {
        List<byte[]> first = edits.prepended(id);
        List<byte[]> add = edits.appended(id);
        if (present.contains(id) || add.isEmpty() && first.isEmpty()) {
            return;
        }
        out.u8(id);
        int sizeAt = out.reserve(5);
        int contentStart = out.size();
        out.u32(first.size() + add.size());
        writeAppended(id, first);
        writeAppended(id, add);
        out.patch(sizeAt, 5, out.size() - contentStart);
    }

    private void writeKnown(Section s) {
        if (!edits.touches(s.id) && job.untouched(s)) {
            out.bytes(in, s.start, s.end - s.start);
            return;
        }
        out.u8(s.id);
        int sizeWidth = s.contentStart - s.start - 1; // the size keeps its width when it fits
        int sizeAt = out.reserve(sizeWidth);
        int contentStart = out.size();
        if (s.id == Section.START) {
            entries.writeStart(s);
        } else if (s.id == Section.DATA_COUNT) {
            out.bytes(in, s.contentStart, s.end - s.contentStart);
        } else {
            writeEntries(s);
        }
        out.patch(sizeAt, sizeWidth, out.size() - contentStart);
    }

    private void writeEntries(Section s) {
        Set<Integer> drop = edits.removed(s.id);
        Map<Integer, byte[]> replaced = edits.replaced(s.id);
        List<byte[]> first = edits.prepended(s.id);
        List<byte[]> add = edits.appended(s.id);
        int n = s.entryCount();
        int count = n - countIn(drop, n) + first.size() + add.size();
        int countWidth = s.entriesStart - s.contentStart;
        out.leb(count, Math.max(countWidth, ByteWriter.uSize(count)), false);
        writeAppended(s.id, first);
        if (s.id == Section.CODE) {
            new ParallelCodeWriter(job).write(s, entries, drop, replaced);
        } else if (drop.isEmpty() && replaced.isEmpty() && job.untouched(s)) {
            out.bytes(in, s.entriesStart, s.end - s.entriesStart); // only appended to: the entries stay as they are
        } else {
            for (int i = 0; i < n; i++) {
                entries.writeEntryAt(s, i, drop, replaced);
            }
        }
        writeAppended(s.id, add);
    }

    /** Added entries, in the output's index space: written as they are (bodies with their size). */
    private void writeAppended(int id, List<byte[]> add) {
        for (byte[] e : add) {
            if (id == Section.CODE) {
                out.u32(e.length);
            }
            out.bytes(e);
        }
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

    // ---------------------------------------------------------------- custom sections

    private void writeCustom(Section s) {
        if (edits.customSectionReplaced(s.customName)) {
            byte[] payload = edits.customSectionPayload(s.customName);
            if (payload != null) {
                writeCustom(s.customName, payload);
            }
            return;
        }
        if ("name".equals(s.customName) && (!job.identity || !edits.functionNames().isEmpty())) {
            // Rewritten straight into the output; rolled back if unchanged or malformed.
            int mark = out.size();
            out.u8(Section.CUSTOM);
            int sizeWidth = s.contentStart - s.start - 1;
            int sizeAt = out.reserve(sizeWidth);
            int start = out.size();
            out.bytes(in, s.contentStart, s.payloadStart - s.contentStart);
            boolean changed;
            try {
                changed = NameSection.rewrite(in, s.payloadStart, s.end, job.remap, edits.functionNames(), out);
            } catch (MalformedModuleException e) {
                out.truncate(mark);
                job.warnings.add("dropped the malformed 'name' section: " + e.detail() + " (at byte offset " + e.offset() + ")");
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

    private void writeCustom(String name, byte[] payload) {
        ByteWriter encodedName = new ByteWriter(32).name(name);
        out.u8(Section.CUSTOM).u32(encodedName.size() + payload.length).bytes(encodedName.toByteArray()).bytes(payload);
    }
}
