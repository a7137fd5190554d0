package dev.externref.engine.format;

/**
 * One section of a module, as byte ranges. For sections holding a vector of entries, the
 * entries' start offsets are kept so a writer can drop, replace or append entries.
 */
public final class Section {
    public static final int CUSTOM = 0;
    public static final int TYPE = 1;
    public static final int IMPORT = 2;
    public static final int FUNCTION = 3;
    public static final int TABLE = 4;
    public static final int MEMORY = 5;
    public static final int GLOBAL = 6;
    public static final int EXPORT = 7;
    public static final int START = 8;
    public static final int ELEMENT = 9;
    public static final int CODE = 10;
    public static final int DATA = 11;
    public static final int DATA_COUNT = 12;
    public static final int TAG = 13;

    /** Position of each section id in the required order (custom sections may go anywhere). */
    static int rank(int id) {
        return switch (id) {
            case TYPE -> 1;
            case IMPORT -> 2;
            case FUNCTION -> 3;
            case TABLE -> 4;
            case MEMORY -> 5;
            case TAG -> 6;
            case GLOBAL -> 7;
            case EXPORT -> 8;
            case START -> 9;
            case ELEMENT -> 10;
            case DATA_COUNT -> 11;
            case CODE -> 12;
            case DATA -> 13;
            default -> 0;
        };
    }

    /**
     * The spaces entries of a section can refer to whatever they hold; -1 for the sections with
     * constant expressions (any instruction may sit there), whose spaces the parser notes as it goes.
     */
    static int spacesOf(int id) {
        int type = 1 << IndexSpace.TYPE.ordinal();
        return switch (id) {
            case TYPE, IMPORT, FUNCTION, TAG -> type; // type uses, function and tag signatures, value types
            case MEMORY, DATA_COUNT, CUSTOM -> 0;
            case EXPORT -> 1 << IndexSpace.FUNCTION.ordinal() | 1 << IndexSpace.TABLE.ordinal() | 1 << IndexSpace.MEMORY.ordinal()
                    | 1 << IndexSpace.GLOBAL.ordinal() | 1 << IndexSpace.TAG.ordinal();
            case START -> 1 << IndexSpace.FUNCTION.ordinal();
            case CODE -> 0xFF;
            default -> -1; // table, global, element, data
        };
    }

    static String name(int id) {
        return switch (id) {
            case CUSTOM -> "custom";
            case TYPE -> "type";
            case IMPORT -> "import";
            case FUNCTION -> "function";
            case TABLE -> "table";
            case MEMORY -> "memory";
            case GLOBAL -> "global";
            case EXPORT -> "export";
            case START -> "start";
            case ELEMENT -> "element";
            case CODE -> "code";
            case DATA -> "data";
            case DATA_COUNT -> "data count";
            case TAG -> "tag";
            default -> "unknown";
        };
    }

    final int id;
    /** Offset of the id byte. */
    final int start;
    /** Offset of the content, after the size. */
    final int contentStart;
    /** End of the section. */
    final int end;
    /** Custom sections: the name; its bytes end at {@link #payloadStart}. */
    final String customName;
    final int payloadStart;
    /**
     * The index spaces this section's entries refer to, one bit per {@link IndexSpace} ordinal:
     * a writer whose remap leaves them all alone copies the section as it is.
     */
    int spaces = 0xFF;
    /** Vector sections: where entries begin (after the count), and each entry's start. */
    int entriesStart = -1;
    int[] entryStarts;

    Section(int id, int start, int contentStart, int end, String customName, int payloadStart) {
        this.id = id;
        this.start = start;
        this.contentStart = contentStart;
        this.end = end;
        this.customName = customName;
        this.payloadStart = payloadStart;
    }

    public int id() {
        return id;
    }

    public int start() {
        return start;
    }

    public int end() {
        return end;
    }

    /** Name of a custom section, else null. */
    public String customName() {
        return customName;
    }

    /** Offset of a custom section's payload (after its name), or of a known section's content. */
    public int payloadStart() {
        return payloadStart;
    }

    public int entryCount() {
        return entryStarts == null ? 0 : entryStarts.length;
    }

    int entryStart(int i) {
        return entryStarts[i];
    }

    int entryEnd(int i) {
        return i + 1 < entryStarts.length ? entryStarts[i + 1] : end;
    }

    @Override
    public String toString() {
        return (customName != null ? "custom section '" + customName + "'" : name(id) + " section")
                + " at " + start + ".." + end;
    }
}
