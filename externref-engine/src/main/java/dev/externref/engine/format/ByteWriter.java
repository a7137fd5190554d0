package dev.externref.engine.format;

import java.util.Arrays;

/** A growable output buffer with the LEB128 encodings the writer needs. */
public final class ByteWriter {
    private byte[] buf;
    private int size;

    /** An empty writer with room for {@code capacity} bytes before it grows. */
    public ByteWriter(int capacity) {
        buf = new byte[Math.max(capacity, 16)];
    }

    /** Bytes written so far. */
    public int size() {
        return size;
    }

    /** The internal buffer; valid up to {@link #size()}. Callers outside the package get a {@link ModuleWriter.Output}. */
    byte[] buffer() {
        return buf;
    }

    /** Empties the buffer for reuse, keeping its capacity. */
    void clear() {
        size = 0;
    }

    /** Drops everything from {@code newSize} on. */
    void truncate(int newSize) {
        size = newSize;
    }

    /**
     * Room for {@code extra} more bytes: the buffer to write into from {@link #size()}, for
     * writers that patch what they copied. {@link #advanceTo} takes the bytes written.
     */
    byte[] room(int extra) {
        ensure(extra);
        return buf;
    }

    /** Takes the bytes written into {@link #room}'s buffer up to {@code newSize}. */
    void advanceTo(int newSize) {
        size = newSize;
    }

    /** The bytes written, in an array of their own length. */
    public byte[] toByteArray() {
        return buf.length == size ? buf : Arrays.copyOf(buf, size);
    }

    private void ensure(int extra) {
        if (size + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length + (buf.length >> 1), size + extra));
        }
    }

    /** One byte. */
    public ByteWriter u8(int b) {
        ensure(1);
        buf[size++] = (byte) b;
        return this;
    }

    /** All of {@code src}. */
    public ByteWriter bytes(byte[] src) {
        return bytes(src, 0, src.length);
    }

    /** {@code len} bytes of {@code src} from {@code from}. */
    public ByteWriter bytes(byte[] src, int from, int len) {
        ensure(len);
        System.arraycopy(src, from, buf, size, len);
        size += len;
        return this;
    }

    /** Minimal unsigned LEB128. */
    public ByteWriter u32(long value) {
        return leb(value, uSize(value), false);
    }

    /** Minimal signed LEB128. */
    public ByteWriter s64(long value) {
        return leb(value, sSize(value), true);
    }

    /** A name: length and UTF-8 bytes. */
    public ByteWriter name(String s) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        u32(b.length);
        return bytes(b);
    }

    /** LEB128 in exactly {@code width} bytes (padded with continuation bytes). */
    public ByteWriter leb(long value, int width, boolean signed) {
        ensure(width);
        for (int i = 0; i < width - 1; i++) {
            buf[size++] = (byte) ((value & 0x7F) | 0x80);
            value >>= 7;
        }
        buf[size++] = (byte) (value & 0x7F);
        return this;
    }

    /** Bytes a minimal unsigned LEB128 of {@code value} takes. */
    public static int uSize(long value) {
        return (63 - Long.numberOfLeadingZeros(value | 1)) / 7 + 1;
    }

    /** Bytes a minimal signed LEB128 of {@code value} takes. */
    public static int sSize(long value) {
        int n = 1;
        while (!(value >= -64 && value < 64)) {
            value >>= 7;
            n++;
        }
        return n;
    }

    /** Leaves room for a LEB128 of {@code width} bytes, to be filled by {@link #patch}. */
    int reserve(int width) {
        ensure(width);
        int at = size;
        size += width;
        return at;
    }

    /**
     * Writes an unsigned {@code value} at {@code at} in place of the {@code width} bytes
     * reserved there, as a minimal LEB128: what follows moves if the width differs.
     */
    void patchMinimal(int at, int width, long value) {
        int need = uSize(value);
        if (need != width) {
            ensure(Math.max(0, need - width));
            System.arraycopy(buf, at + width, buf, at + need, size - (at + width));
            size += need - width;
        }
        patch(at, need, value);
    }

    /**
     * Writes an unsigned {@code value} into the {@code width} bytes reserved at {@code at}; if it
     * does not fit, moves everything after the reservation to make room.
     */
    void patch(int at, int width, long value) {
        int need = uSize(value);
        if (need > width) {
            int delta = need - width;
            ensure(delta);
            System.arraycopy(buf, at + width, buf, at + need, size - (at + width));
            size += delta;
            width = need;
        }
        long v = value;
        for (int i = 0; i < width - 1; i++) {
            buf[at + i] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[at + width - 1] = (byte) (v & 0x7F);
    }
}
