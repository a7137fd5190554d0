package dev.externref.engine.transform;

import dev.externref.engine.error.ProcessingException;
import dev.externref.engine.error.ProcessingException.Kind;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code __externrefs} custom section: records of which parameter and result positions of
 * imported and exported functions are references. Layout (all integers u32 little-endian):
 * kind ({@code 0xFFFFFFFF} export, else the length of the import's module name, then that
 * name), the field or export name (length + UTF-8), then a bit count and the bits, least
 * significant first.
 */
final class ExternrefSection {
    static final String NAME = "__externrefs";
    private static final int EXPORT_KIND = 0xFFFF_FFFF;

    /** One function's record; {@code module} is null for exports. */
    record FunctionRecord(String module, String name, int bitCount, BitSet refs, int offset) {
        boolean isExport() {
            return module == null;
        }

        String displayName() {
            return module == null ? "export '" + name + "'" : "import '" + module + "." + name + "'";
        }

        /** Records that say the same thing are one; the offset does not matter. */
        boolean sameAs(FunctionRecord o) {
            return bitCount == o.bitCount && refs.equals(o.refs);
        }
    }

    private final byte[] bytes;
    private final int end;
    private int pos;

    private ExternrefSection(byte[] bytes, int start, int end) {
        this.bytes = bytes;
        this.pos = start;
        this.end = end;
    }

    /** Parses the payload {@code [start, end)}; identical duplicates merge, conflicting ones fail. */
    static List<FunctionRecord> parse(byte[] bytes, int start, int end) {
        ExternrefSection s = new ExternrefSection(bytes, start, end);
        Map<String, FunctionRecord> byKey = new LinkedHashMap<>();
        int index = 0;
        while (s.pos < end) {
            FunctionRecord r = s.record(index++);
            String key = (r.isExport() ? "export\0" : "import\0" + r.module + "\0") + r.name;
            FunctionRecord earlier = byKey.putIfAbsent(key, r);
            if (earlier != null && !earlier.sameAs(r)) {
                throw new ProcessingException(Kind.CONFLICTING_RECORDS, r.name, r.offset,
                        "conflicting __externrefs records for " + r.displayName() + " at byte offsets "
                                + earlier.offset + " and " + r.offset + ": " + describe(earlier) + " vs " + describe(r));
            }
        }
        return new ArrayList<>(byKey.values());
    }

    private static String describe(FunctionRecord r) {
        return r.bitCount + " positions, references at " + r.refs;
    }

    private FunctionRecord record(int index) {
        int offset = pos;
        String what = "record #" + index;
        int kind = u32(what + ": its kind");
        String module = null;
        if (kind != EXPORT_KIND) {
            module = utf8(Integer.toUnsignedLong(kind), what + ": the import's module name");
        }
        long nameLength = Integer.toUnsignedLong(u32(what + ": the name length"));
        String name = utf8(nameLength, what + ": the name");
        long bitCount = Integer.toUnsignedLong(u32(what + " (" + name + "): the bit count"));
        long byteCount = (bitCount + 7) / 8;
        need(byteCount, what + " (" + name + "): " + bitCount + " reference bits");
        BitSet refs = BitSet.valueOf(ByteBuffer.wrap(bytes, pos, (int) byteCount));
        pos += (int) byteCount;
        refs.clear((int) bitCount, Math.max((int) bitCount, refs.length()));
        return new FunctionRecord(module, name, (int) bitCount, refs, offset);
    }

    private void need(long n, String what) {
        if (n > end - pos) {
            throw new ProcessingException(Kind.MALFORMED_SECTION, null, pos,
                    "truncated __externrefs section at byte offset " + pos + " while reading " + what
                            + " (" + n + " bytes needed, " + (end - pos) + " left)");
        }
    }

    private int u32(String what) {
        need(4, what);
        int v = (bytes[pos] & 0xFF) | (bytes[pos + 1] & 0xFF) << 8 | (bytes[pos + 2] & 0xFF) << 16 | (bytes[pos + 3] & 0xFF) << 24;
        pos += 4;
        return v;
    }

    private String utf8(long length, String what) {
        need(length, what);
        try {
            String s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, pos, (int) length)).toString();
            pos += (int) length;
            return s;
        } catch (CharacterCodingException e) {
            throw new ProcessingException(Kind.MALFORMED_SECTION, null, pos,
                    "invalid UTF-8 in the __externrefs section at byte offset " + pos + " while reading " + what);
        }
    }
}
