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

    /** The new payload, or null when nothing changes. */
    static byte[] rewrite(byte[] in, int from, int to, IndexRemap remap, TreeMap<Integer, String> addedFunctionNames) {
        ByteReader r = new ByteReader(in, from, to);
        ByteWriter out = new ByteWriter(to - from + 64);
        boolean changed = false;
        boolean functionsWritten = false;
        while (!r.atEnd()) {
            int subStart = r.pos();
            int id = r.u8();
            int size = r.byteLength();
            int contentStart = r.pos();
            int end = contentStart + size;
            if (id > FUNCTIONS && !functionsWritten && !addedFunctionNames.isEmpty()) {
                writeSubsection(out, FUNCTIONS, nameMap(in, 0, 0, IndexSpace.FUNCTION, remap, addedFunctionNames, true));
                functionsWritten = true;
                changed = true;
            }
            IndexSpace space = space(id);
            byte[] content = null;
            if (space != null && (remap.changes(space) || (id == FUNCTIONS && !addedFunctionNames.isEmpty()))) {
                content = indirect(id)
                        ? indirectMap(in, contentStart, end, space, remap)
                        : nameMap(in, contentStart, end, space, remap, id == FUNCTIONS ? addedFunctionNames : new TreeMap<>(), false);
            }
            if (id == FUNCTIONS) {
                functionsWritten = true;
            }
            if (content == null) {
                out.bytes(in, subStart, end - subStart);
            } else {
                writeSubsection(out, id, content);
                changed = true;
            }
            r.pos(end);
        }
        if (!functionsWritten && !addedFunctionNames.isEmpty()) {
            writeSubsection(out, FUNCTIONS, nameMap(in, 0, 0, IndexSpace.FUNCTION, remap, addedFunctionNames, true));
            changed = true;
        }
        return changed ? out.toByteArray() : null;
    }

    private static void writeSubsection(ByteWriter out, int id, byte[] content) {
        out.u8(id).u32(content.length).bytes(content);
    }

    /** A name map renumbered; null when no index changes and nothing is added. */
    private static byte[] nameMap(byte[] in, int from, int to, IndexSpace space, IndexRemap remap,
                                  TreeMap<Integer, String> added, boolean empty) {
        if (!empty) {
            byte[] inOrder = nameMapInOrder(in, from, to, space, remap, added);
            if (inOrder != NOT_IN_ORDER) {
                return inOrder;
            }
        }
        TreeMap<Long, byte[]> entries = new TreeMap<>();
        boolean changed = !added.isEmpty();
        if (!empty) {
            ByteReader r = new ByteReader(in, from, to);
            int n = r.count(2);
            for (int i = 0; i < n; i++) {
                int old = r.u32();
                int nameStart = r.pos();
                r.skipName();
                int now = remap.map(space, old);
                changed |= now != old;
                if (now >= 0) {
                    entries.put(Integer.toUnsignedLong(now), copy(in, nameStart, r.pos()));
                }
            }
            if (!r.atEnd()) {
                throw r.error("name map has trailing bytes");
            }
        }
        if (!changed) {
            return null;
        }
        for (Map.Entry<Integer, String> e : added.entrySet()) {
            entries.put(Integer.toUnsignedLong(e.getKey()), new ByteWriter(16).name(e.getValue()).toByteArray());
        }
        ByteWriter out = new ByteWriter(to - from + 16);
        out.u32(entries.size());
        for (Map.Entry<Long, byte[]> e : entries.entrySet()) {
            out.u32(e.getKey()).bytes(e.getValue());
        }
        return out.toByteArray();
    }

    private static final byte[] NOT_IN_ORDER = new byte[0];

    /**
     * {@link #nameMap} for the usual case, a remap that keeps the entries in order (a shift
     * does): entries are copied as they come, without sorting or copying each name. Returns
     * {@link #NOT_IN_ORDER} when the renumbered entries (or the added names) would be out of
     * order or collide, or the map has trailing bytes; the general path handles those.
     */
    private static byte[] nameMapInOrder(byte[] in, int from, int to, IndexSpace space, IndexRemap remap,
                                         TreeMap<Integer, String> added) {
        ByteReader r = new ByteReader(in, from, to);
        int n = r.count(2);
        ByteWriter entries = new ByteWriter(to - from + 16);
        int countAt = entries.reserve(5); // the count goes right before the entries, minimal, at the end
        java.util.Iterator<Map.Entry<Integer, String>> adds = added.entrySet().iterator();
        Map.Entry<Integer, String> next = adds.hasNext() ? adds.next() : null;
        boolean changed = !added.isEmpty();
        long last = -1;
        int count = 0;
        for (int i = 0; i < n; i++) {
            int old = r.u32();
            int nameStart = r.pos();
            r.skipName();
            int now = remap.map(space, old);
            changed |= now != old;
            if (now < 0) {
                continue;
            }
            long key = Integer.toUnsignedLong(now);
            while (next != null && Integer.toUnsignedLong(next.getKey()) < key) {
                if (Integer.toUnsignedLong(next.getKey()) <= last) {
                    return NOT_IN_ORDER;
                }
                last = Integer.toUnsignedLong(next.getKey());
                entries.u32(last).name(next.getValue());
                count++;
                next = adds.hasNext() ? adds.next() : null;
            }
            if (key <= last) {
                return NOT_IN_ORDER;
            }
            if (next != null && Integer.toUnsignedLong(next.getKey()) == key) { // an added name replaces the old one
                entries.u32(key).name(next.getValue());
                next = adds.hasNext() ? adds.next() : null;
            } else {
                entries.u32(key).bytes(in, nameStart, r.pos() - nameStart);
            }
            last = key;
            count++;
        }
        if (!r.atEnd()) {
            return NOT_IN_ORDER;
        }
        while (next != null) {
            if (Integer.toUnsignedLong(next.getKey()) <= last) {
                return NOT_IN_ORDER;
            }
            last = Integer.toUnsignedLong(next.getKey());
            entries.u32(last).name(next.getValue());
            count++;
            next = adds.hasNext() ? adds.next() : null;
        }
        if (!changed) {
            return null;
        }
        int width = ByteWriter.uSize(count);
        entries.patch(countAt + 5 - width, width, count);
        return entries.toByteArrayFrom(countAt + 5 - width);
    }

    /** An indirect name map (locals, labels, fields): outer keys renumbered, inner maps kept. */
    private static byte[] indirectMap(byte[] in, int from, int to, IndexSpace space, IndexRemap remap) {
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
            return null;
        }
        ByteWriter out = new ByteWriter(to - from + 16);
        out.u32(entries.size());
        for (Map.Entry<Long, byte[]> e : entries.entrySet()) {
            out.u32(e.getKey()).bytes(e.getValue());
        }
        return out.toByteArray();
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
