package dev.externref.engine;

import java.nio.charset.StandardCharsets;

/** Names the processor writes into a module (table export, drop hook import) must encode as UTF-8 exactly. */
final class WellFormedNames {
    private WellFormedNames() {
    }

    static String require(String name, String what) {
        if (name != null && !StandardCharsets.UTF_8.newEncoder().canEncode(name)) {
            throw new IllegalArgumentException(what + " is not well-formed Unicode (it has an unpaired surrogate), so it"
                    + " cannot be a WebAssembly name");
        }
        return name;
    }
}
