package dev.externref.engine.format;

import dev.externref.engine.error.MalformedModuleException;

/**
 * A cursor over a window {@code [pos, limit)} of the module's bytes. Positions are absolute
 * offsets into the module, so every error names the byte where it happened. Every read is
 * bounds-checked against {@code limit}; nothing else escapes from a bad input than
 * {@link MalformedModuleException}.
 */
public final class ByteReader {
    private final byte[] buf;
    private int pos;
    private int limit;

    public ByteReader(byte[] buf, int pos, int limit) {
        this.buf = buf;
        this.pos = pos;
        this.limit = limit;
    }

    public byte[] buffer() {
        return buf;
    }

    public int pos() {
        return pos;
    }

    public void pos(int pos) {
        this.pos = pos;
    }

    public int limit() {
        return limit;
    }

    public void limit(int limit) {
        this.limit = limit;
    }

    public boolean atEnd() {
        return pos >= limit;
    }

    public int remaining() {
        return limit - pos;
    }

    public MalformedModuleException error(String message) {
        return new MalformedModuleException(message, pos);
    }

    public MalformedModuleException error(String message, int at) {
        return new MalformedModuleException(message, at);
    }

    /** Reading past the end of the window: the spec's "unexpected end of section or function". */
    private MalformedModuleException eof() {
        return new MalformedModuleException("unexpected end of section or function", pos);
    }

    public int u8() {
        if (pos >= limit) {
            throw eof();
        }
        return buf[pos++] & 0xFF;
    }

    public int peek() {
        if (pos >= limit) {
            throw eof();
        }
        return buf[pos] & 0xFF;
    }

    public void skip(int n) {
        if (n < 0 || n > limit - pos) {
            throw eof();
        }
        pos += n;
    }

    /**
     * Unsigned LEB128 below 2^32, returned as its 32-bit pattern (indices above 2^31-1 come back
     * negative; they are kept as they are, so invalid modules still round-trip).
     */
    public int u32() {
        return (int) u32AsLong();
    }

    /** Unsigned LEB128 below 2^32, as a long. */
    public long u32AsLong() {
        int p = pos;
        if (p >= limit) {
            throw eof();
        }
        int b = buf[p++];
        if (b >= 0) {
            pos = p;
            return b;
        }
        long result = b & 0x7F;
        for (int shift = 7; ; shift += 7) {
            if (p >= limit) {
                pos = p;
                throw eof();
            }
            b = buf[p++];
            if (shift == 28) {
                if ((b & 0x80) != 0) {
                    throw error("integer representation too long", p - 1);
                }
                if ((b & 0x70) != 0) {
                    throw error("integer too large", p - 1);
                }
                pos = p;
                return result | ((long) b << 28);
            }
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                pos = p;
                return result;
            }
        }
    }

    /** Signed LEB128 of at most {@code bits} bits (32 or 33 or 64). */
    public long signed(int bits) {
        long result = 0;
        int shift = 0;
        int maxBytes = (bits + 6) / 7;
        for (int i = 0; ; i++) {
            if (pos >= limit) {
                throw eof();
            }
            int b = buf[pos++];
            if (i == maxBytes - 1) {
                if ((b & 0x80) != 0) {
                    throw error("integer representation too long", pos - 1);
                }
                // The unused high bits of the last byte must all equal the sign bit.
                int used = bits - shift;
                int signAndUnused = b >> (used - 1); // arithmetic over the 7 payload bits
                int mask = (0x7F >> (used - 1));
                int rest = signAndUnused & mask;
                if (rest != 0 && rest != mask) {
                    throw error("integer too large", pos - 1);
                }
                result |= (long) (b & 0x7F) << shift;
                if (shift + 7 < 64 && (b & 0x40) != 0) {
                    result |= -1L << (shift + 7);
                }
                return result;
            }
            result |= (long) (b & 0x7F) << shift;
            shift += 7;
            if ((b & 0x80) == 0) {
                if (shift < 64 && (b & 0x40) != 0) {
                    result |= -1L << shift;
                }
                return result;
            }
        }
    }

    public int s32() {
        return (int) signed(32);
    }

    public long s64() {
        return signed(64);
    }

    /** Unsigned LEB128 below 2^64 (memory64 offsets and limits). Values above 2^63-1 come back negative. */
    public long u64() {
        long result = 0;
        for (int shift = 0; ; shift += 7) {
            if (pos >= limit) {
                throw eof();
            }
            int b = buf[pos++];
            if (shift == 63) {
                if ((b & 0x80) != 0) {
                    throw error("integer representation too long", pos - 1);
                }
                if ((b & 0x7E) != 0) {
                    throw error("integer too large", pos - 1);
                }
                return result | ((long) b << 63);
            }
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
    }

    /**
     * Reads a vector length and checks that {@code count * minBytesEach} more bytes exist, so
     * that no caller sizes an allocation by an untrusted number.
     */
    public int count(int minBytesEach) {
        int at = pos;
        long n = u32AsLong();
        if (n * minBytesEach > limit - pos) {
            // Worded as the spec's decoder, which would read items until it ran out of bytes.
            throw error("unexpected end of section or function: " + n + " items cannot fit in the " + (limit - pos) + " bytes left", at);
        }
        return (int) n;
    }

    /** A name: u32 length then UTF-8, validated strictly. Returns the decoded string. */
    public String name() {
        int len = byteLength();
        int start = pos;
        Utf8.validate(buf, start, len, this);
        pos += len;
        return new String(buf, start, len, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Skips a name after validating it; returns its start. */
    public int skipName() {
        int len = byteLength();
        int start = pos;
        Utf8.validate(buf, start, len, this);
        pos += len;
        return start;
    }

    /** A u32 byte length that must fit in what is left. */
    public int byteLength() {
        int at = pos;
        long len = u32AsLong();
        if (len > limit - pos) {
            throw error("length out of bounds: " + len + " bytes, " + (limit - pos) + " left", at);
        }
        return (int) len;
    }
}
