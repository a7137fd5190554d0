package dev.externref.engine.format;

/** Strict UTF-8 validation: no overlong forms, no surrogates, nothing above U+10FFFF. */
final class Utf8 {

    private Utf8() {
    }

    static void validate(byte[] b, int start, int len, ByteReader at) {
        int i = start;
        int end = start + len;
        while (i < end) {
            // Names are mostly ASCII (export lists of C++ or Rust modules run to megabytes): eight
            // at a time, with one test.
            if (end - i >= 8 && (b[i] | b[i + 1] | b[i + 2] | b[i + 3] | b[i + 4] | b[i + 5] | b[i + 6] | b[i + 7]) >= 0) {
                i += 8;
                continue;
            }
            int c = b[i];
            if (c >= 0) {
                i++;
                continue;
            }
            c &= 0xFF;
            int need;
            int min;
            if (c >= 0xC2 && c <= 0xDF) {
                need = 1;
                min = 0x80;
            } else if (c >= 0xE0 && c <= 0xEF) {
                need = 2;
                min = 0x800;
            } else if (c >= 0xF0 && c <= 0xF4) {
                need = 3;
                min = 0x10000;
            } else {
                throw at.error("malformed UTF-8 encoding", i);
            }
            if (end - i <= need) {
                throw at.error("malformed UTF-8 encoding", i);
            }
            int cp = c & (0x3F >> need);
            for (int k = 1; k <= need; k++) {
                int cc = b[i + k] & 0xFF;
                if ((cc & 0xC0) != 0x80) {
                    throw at.error("malformed UTF-8 encoding", i);
                }
                cp = cp << 6 | (cc & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                throw at.error("malformed UTF-8 encoding", i);
            }
            i += need + 1;
        }
    }
}
