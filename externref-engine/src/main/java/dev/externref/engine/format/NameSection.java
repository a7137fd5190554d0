package dev.externref.engine.format;

import java.util.Map;
import java.util.TreeMap;

/**
 * Renumbers the {@code name} custom section: the function, local and label subsections by
 * function index, the others by their own spaces. Names of removed items go; names of new
 * functions are added. Unknown subsections are copied as they are.
 */
final class NameSection {
    private NameSection() {
    }

    private static final int MODULE = 0;
    private static final int FUNCTIONS = 1;

    /** Keys of each subsection, or null when unknown; {@code INDIRECT} marks maps of maps. */
    private static IndexSpace space(int id) {
        return switch (id) {
            case 1, 2, 3 -> IndexSpace.FUNCTION;
            case 4, 10 -> IndexSpace.TYPE;
            case 5 -> IndexSpace.TABLE;
            case 6 -> IndexSpace.MEMORY;
            case 7 -> IndexSpace.GLOBAL;
            case 8 -> IndexSpace.ELEMENT;
            case 9 -> IndexSpace.DATA;
            case 11 -> IndexSpace.TAG;
            default -> null;
        };
    }

    private static boolean indirect(int id) {
        return id == 2 || id == 3 || id == 10;
    }

    /**
     * Writes the payload renumbered, with {@code addedFunctionNames} merged in, to {@code out};
     * returns whether anything changed.
     */
    static boolean rewrite(byte[] in, int from, int to, IndexRemap remap, TreeMap<Integer, String> addedFunctionNames,
                           ByteWriter out) {
        ByteReader r = new ByteReader(in, from, to);
        boolean changed = false;
        boolean functionsWritten = false;
        while (!r.atEnd()) {
            int subStart = r.pos();
            int id = r.u8();
            int size = r.byteLength();
            int contentStart = r.pos();
            int end = contentStart + size;
            if (id > FUNCTIONS && !functionsWritten && !addedFunctionNames.isEmpty()) {
                nameMap(in, 0, 0, IndexSpace.FUNCTION, remap, addedFunctionNames, true, out, FUNCTIONS);
                functionsWritten = true;
                changed = true;
            }
            IndexSpace space = space(id);
            boolean rewritten = false;
            if (space != null && (remap.changes(space) || (id == FUNCTIONS && !addedFunctionNames.isEmpty()))) {
                rewritten = indirect(id)
                        ? indirectMap(in, contentStart, end, space, remap, out, id)
                        : nameMap(in, contentStart, end, space, remap, id == FUNCTIONS ? addedFunctionNames : new TreeMap<>(), false, out, id);
            }
            if (id == FUNCTIONS) {
                functionsWritten = true;
            }
            if (!rewritten) {
                out.bytes(in, subStart, end - subStart);
            }
            changed |= rewritten;
            r.pos(end);
        }
        if (!functionsWritten && !addedFunctionNames.isEmpty()) {
            nameMap(in, 0, 0, IndexSpace.FUNCTION, remap, addedFunctionNames, true, out, FUNCTIONS);
            changed = true;
        }
        return changed;
    }

    /** Starts subsection {@code id} in {@code out}; returns where its size goes, for {@link #endSubsection}. */
    private static int startSubsection(ByteWriter out, int id) {
        out.u8(id);
        return out.reserve(1);
    }

    private static void endSubsection(ByteWriter out, int sizeAt) {
        out.patchMinimal(sizeAt, 1, out.size() - (sizeAt + 1));
    }

    /**
     * Writes the name map as subsection {@code id} of {@code out}, renumbered; writes nothing and
     * returns false when no index changes and nothing is added.
     */
    private static boolean nameMap(byte[] in, int from, int to, IndexSpace space, IndexRemap remap,
                                   TreeMap<Integer, String> added, boolean empty, ByteWriter out, int id) {
        if (empty) {
            if (added.isEmpty()) {
                return false;
            }
            streamed(in, 0, 0, 0, space, remap, added, out, id);
            return true;
        }
        // First pass: validate, and see whether anything changes and whether order holds.
        ByteReader r = new ByteReader(in, from, to);
        int n = r.count(2);
        int entriesStart = r.pos();
        boolean changed = !added.isEmpty();
        boolean ordered = true;
        long last = -1;
        for (int i = 0; i < n; i++) {
            int old = r.u32();
            r.skipName();
            int now = remap.map(space, old);
            changed |= now != old;
            if (now >= 0) {
                long key = Integer.toUnsignedLong(now);
                ordered &= key > last;
                last = key;
            }
        }
        if (!r.atEnd()) {
            throw r.error("name map has trailing bytes");
        }
        if (!changed) {
            return false;
        }
        if (ordered) {
            streamed(in, entriesStart, to, n, space, remap, added, out, id);
            return true;
        }
        // A renumbering that reorders names: sort them (rare).
        TreeMap<Long, byte[]> entries = new TreeMap<>();
        r = new ByteReader(in, entriesStart, to);
        for (int i = 0; i < n; i++) {
            int old = r.u32();
            int nameStart = r.pos();
            r.skipName();
            int now = remap.map(space, old);
            if (now >= 0) {
                entries.put(Integer.toUnsignedLong(now), copy(in, nameStart, r.pos()));
            }
        }
        for (Map.Entry<Integer, String> e : added.entrySet()) {
            entries.put(Integer.toUnsignedLong(e.getKey()), new ByteWriter(16).name(e.getValue()).toByteArray());
        }
        writeEntries(out, id, entries);
        return true;
    }

    private static void writeEntries(ByteWriter out, int id, TreeMap<Long, byte[]> entries) {
        int sizeAt = startSubsection(out, id);
        out.u32(entries.size());
        for (Map.Entry<Long, byte[]> e : entries.entrySet()) {
            out.u32(e.getKey()).bytes(e.getValue());
        }
        endSubsection(out, sizeAt);
    }

    /**
     * The renumbered map written in one pass straight into {@code out}, names copied as byte
     * runs, the added names merged in at their place: for renumberings that keep the order,
     * which removing or inserting functions does.
     */
    private static void streamed(byte[] in, int from, int to, int n, IndexSpace space, IndexRemap remap,
                                 TreeMap<Integer, String> added, ByteWriter out, int id) {
        int sizeAt = startSubsection(out, id);
        int countAt = out.reserve(1);
        java.util.Iterator<Map.Entry<Integer, String>> extra = added.entrySet().iterator();
        Map.Entry<Integer, String> pending = extra.hasNext() ? extra.next() : null;
        int count = 0;
        ByteReader r = new ByteReader(in, from, to);
        for (int i = 0; i < n; i++) {
            int old = r.u32();
            int nameStart = r.pos();
            r.skip(r.byteLength()); // validated by nameMap's first pass (a Rust module's names run to megabytes)
            int now = remap.map(space, old);
            if (now < 0) {
                continue;
            }
            long key = Integer.toUnsignedLong(now);
            while (pending != null && Integer.toUnsignedLong(pending.getKey()) < key) {
                out.u32(Integer.toUnsignedLong(pending.getKey())).name(pending.getValue());
                count++;
                pending = extra.hasNext() ? extra.next() : null;
            }
            if (pending != null && Integer.toUnsignedLong(pending.getKey()) == key) {
                continue; // an added name replaces the old one
            }
            out.u32(key).bytes(in, nameStart, r.pos() - nameStart);
            count++;
        }
        while (pending != null) {
            out.u32(Integer.toUnsignedLong(pending.getKey())).name(pending.getValue());
            count++;
            pending = extra.hasNext() ? extra.next() : null;
        }
        out.patchMinimal(countAt, 1, count);
        endSubsection(out, sizeAt);
    }

    /**
     * An indirect name map (locals, labels, fields) written as subsection {@code id}: outer keys
     * renumbered, inner maps kept. Writes nothing and returns false when no key changes.
     */
    private static boolean indirectMap(byte[] in, int from, int to, IndexSpace space, IndexRemap remap,
                                       ByteWriter out, int id) {
        ByteReader r = new ByteReader(in, from, to);
        int n = r.count(2);
        TreeMap<Long, byte[]> entries = new TreeMap<>();
        boolean changed = false;
        for (int i = 0; i < n; i++) {
            int old = r.u32();
            int innerStart = r.pos();
            int m = r.count(2);
            for (int k = 0; k < m; k++) {
                r.u32();
                r.skipName();
            }
            int now = remap.map(space, old);
            changed |= now != old;
            if (now >= 0) {
                entries.put(Integer.toUnsignedLong(now), copy(in, innerStart, r.pos()));
            }
        }
        if (!r.atEnd()) {
            throw r.error("indirect name map has trailing bytes");
        }
        if (!changed) {
            return false;
        }
        writeEntries(out, id, entries);
        return true;
    }

    private static byte[] copy(byte[] in, int from, int to) {
        return java.util.Arrays.copyOfRange(in, from, to);
    }

    /** Function names by index, for error messages; empty when the section is absent or malformed. */
    static Map<Integer, String> functionNames(WasmModule module) {
        Map<Integer, String> names = new TreeMap<>();
        Section s = module.customSection("name");
        if (s == null) {
            return names;
        }
        try {
            ByteReader r = new ByteReader(module.bytes(), s.payloadStart, s.end);
            while (!r.atEnd()) {
                int id = r.u8();
                int size = r.byteLength();
                int end = r.pos() + size;
                if (id == FUNCTIONS) {
                    ByteReader m = new ByteReader(module.bytes(), r.pos(), end);
                    int n = m.count(2);
                    for (int i = 0; i < n; i++) {
                        int idx = m.u32();
                        names.put(idx, m.name());
                    }
                }
                r.pos(end);
            }
        } catch (RuntimeException e) {
            return new TreeMap<>(names);
        }
        return names;
    }

}
