package dev.externref.maven;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * What a {@code .wasm} file that is not a WebAssembly module looks like, so that the error says
 * it in words: empty, a Git LFS pointer (the repository was cloned without {@code git lfs}),
 * the text format, a component, other text, or other bytes.
 */
final class NotAModule {
    private static final byte[] MAGIC = {0x00, 0x61, 0x73, 0x6D};
    private static final String LFS_POINTER = "version https://git-lfs.github.com/spec/";

    private NotAModule() {
    }

    /** How the file looks when it is not a core WebAssembly module; null when it starts like one. */
    static String describe(byte[] bytes) {
        if (bytes.length == 0) {
            return "the file is empty";
        }
        if (startsWith(bytes, MAGIC)) {
            if (bytes.length >= 8 && bytes[4] == 0x0D && bytes[5] == 0x00 && bytes[6] == 0x01 && bytes[7] == 0x00) {
                return "it is a WebAssembly component (layer 1), not a core module";
            }
            return null;
        }
        String text = asText(bytes);
        if (text != null) {
            String start = text.strip();
            if (start.startsWith(LFS_POINTER)) {
                return "it is a Git LFS pointer, not the module it stands for (fetch the module with git lfs pull)";
            }
            if (start.startsWith("(module") || start.startsWith("(component") || start.startsWith(";;")) {
                return "it is WebAssembly text (WAT), not a binary module (assemble it first, e.g. with wat2wasm)";
            }
            return "it is text, not a WebAssembly binary (it starts with \"" + firstLine(start) + "\")";
        }
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(4, bytes.length); i++) {
            hex.append(i == 0 ? "" : " ").append(String.format("%02x", bytes[i] & 0xFF));
        }
        return "it does not start with the WebAssembly magic bytes 00 61 73 6d (it starts with " + hex + ")";
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** The first kilobyte as text, or null when it is not UTF-8 without control characters. */
    private static String asText(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes, 0, Math.min(bytes.length, 1024));
        CharBuffer out = CharBuffer.allocate(in.remaining());
        // Not the end of input when cut: a character split by the cut is not an error.
        CoderResult result = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(in, out, in.limit() == bytes.length);
        if (result.isError() || in.limit() == bytes.length && in.hasRemaining()) {
            return null;
        }
        String text = out.flip().toString();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t') {
                return null;
            }
        }
        return text;
    }

    private static String firstLine(String text) {
        String line = text.lines().findFirst().orElse("");
        return line.length() > 40 ? line.substring(0, 40) + "..." : line;
    }
}
