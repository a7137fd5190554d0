package dev.externref.engine.format;

import dev.externref.engine.error.MalformedModuleException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a module's bytes into a {@link WasmModule}: checks every section and records what the
 * module declares, keeping offset tables (where each entry and body starts) rather than object
 * graphs, so that parsing touches each byte of code once and decodes no instruction. Also
 * re-reads single entries for the writer ({@link #reparseEntry}), recording their index
 * references. One parser reads one module.
 */
public final class ModuleParser {
    final byte[] bytes;
    final List<Section> sections = new ArrayList<>();
    final List<FuncType> funcTypes = new ArrayList<>(); // null entries for struct/array types
    final List<Import> imports = new ArrayList<>();
    final List<Export> exports = new ArrayList<>();
    final List<TableType> tables = new ArrayList<>();
    int[] functionTypes = new int[0];
    /** Per import position: the function index of a function import, or -1. */
    int[] functionOfImport = new int[0];
    /** Per imported function: its import position. */
    int[] importOfFunction = new int[0];
    int functionCount;
    int importedFunctions;
    int importedTables;
    int memoryCount;
    int globalCount;
    int importedGlobals;
    int tagCount;
    int startFunction = -1;
    int elementCount;
    long dataCountSection = -1;
    int dataCount;
    int definedFunctions;
    int[] bodyStarts = new int[0];
    int[] bodyEnds = new int[0];
    /** Records nothing: notes which spaces the entries of tables, globals, element and data segments refer to. */
    private final IndexRefs spaceProbe = new IndexRefs();

    private ModuleParser(byte[] bytes) {
        this.bytes = bytes;
        spaceProbe.mask = 0;
    }

    /** Parses a module; throws {@link MalformedModuleException} on anything that is not well formed. */
    public static WasmModule parse(byte[] bytes) {
        ModuleParser p = new ModuleParser(bytes);
        p.parseAll();
        return new WasmModule(p);
    }

    private void parseAll() {
        if (bytes.length < 4) {
            throw new MalformedModuleException("unexpected end: not a WebAssembly module (" + bytes.length + " bytes)", bytes.length);
        }
        if (bytes[0] != 0 || bytes[1] != 'a' || bytes[2] != 's' || bytes[3] != 'm') {
            throw new MalformedModuleException("magic header not detected: not a WebAssembly module", 0);
        }
        if (bytes.length < 8) {
            throw new MalformedModuleException("unexpected end: truncated version", bytes.length);
        }
        if (bytes[6] == 1 && bytes[7] == 0) {
            // What cargo builds for wasm32-wasip2, for one: the reference slots live in its core modules.
            throw new MalformedModuleException("a WebAssembly component (binary layer 1), not a core module: externref "
                    + "processes the core module a component is made from (before `wasm-tools component new`)", 6);
        }
        if (bytes[4] != 1 || bytes[5] != 0 || bytes[6] != 0 || bytes[7] != 0) {
            throw new MalformedModuleException("unknown binary version (only version 1 modules are supported)", 4);
        }
        ByteReader r = new ByteReader(bytes, 8, bytes.length);
        int lastRank = 0;
        int lastId = -1;
        int functionSectionCount = -1;
        int codeCount = -1;
        while (!r.atEnd()) {
            int start = r.pos();
            int id = r.u8();
            if (id > Section.TAG) {
                throw r.error("malformed section id " + id, start);
            }
            int sizeAt = r.pos();
            long size = r.u32AsLong();
            int contentStart = r.pos();
            if (size > r.remaining()) {
                throw r.error("length out of bounds: " + Section.name(id) + " section of " + size + " bytes, only " + r.remaining() + " left", sizeAt);
            }
            int end = contentStart + (int) size;
            ByteReader c = new ByteReader(bytes, contentStart, end);
            Section s;
            if (id == Section.CUSTOM) {
                String name = c.name();
                s = new Section(id, start, contentStart, end, name, c.pos());
                c.pos(end);
            } else {
                int rank = Section.rank(id);
                if (rank <= lastRank) {
                    throw r.error("unexpected content after last section: " + (rank == lastRank ? "duplicate " + Section.name(id) + " section"
                            : Section.name(id) + " section after " + Section.name(lastId) + " section"), start);
                }
                lastRank = rank;
                lastId = id;
                s = new Section(id, start, contentStart, end, null, contentStart);
                spaceProbe.unrecorded = 0;
                switch (id) {
                    case Section.TYPE, Section.MEMORY -> vector(c, s, 1); // memory: 1 byte of flags first
                    case Section.FUNCTION -> functionSectionCount = vector(c, s, 1);
                    case Section.TABLE, Section.TAG -> vector(c, s, 2);
                    case Section.ELEMENT -> elementCount = vector(c, s, 2);
                    case Section.DATA -> dataCount = vector(c, s, 1);
                    case Section.IMPORT, Section.GLOBAL, Section.EXPORT -> vector(c, s, 3); // import: the kind is checked before its payload
                    case Section.START -> startFunction = c.u32();
                    case Section.DATA_COUNT -> dataCountSection = c.u32AsLong();
                    case Section.CODE -> codeCount = codeSection(c, s);
                    default -> throw new IllegalStateException();
                }
            }
            if (c.pos() != end) {
                throw c.error("section size mismatch: " + Section.name(id) + " section has " + (end - c.pos()) + " bytes left over");
            }
            int spaces = Section.spacesOf(id);
            s.spaces = spaces >= 0 ? spaces : spaceProbe.unrecorded;
            sections.add(s);
            r.pos(end);
        }
        int declared = Math.max(functionSectionCount, 0);
        if (declared != Math.max(codeCount, 0)) {
            throw new MalformedModuleException("function and code section have inconsistent lengths: " + declared
                    + " functions declared, " + Math.max(codeCount, 0) + " bodies", bytes.length);
        }
        if (dataCountSection >= 0 && dataCountSection != dataCount) {
            throw new MalformedModuleException("data count and data section have inconsistent lengths: data count "
                    + dataCountSection + ", " + dataCount + " segments", bytes.length);
        }
    }

    /** Parses a vector section's entries, noting where each starts; returns their count. */
    private int vector(ByteReader r, Section s, int minEntryBytes) {
        int n = r.count(minEntryBytes);
        s.entriesStart = r.pos();
        s.entryStarts = new int[n];
        for (int i = 0; i < n; i++) {
            s.entryStarts[i] = r.pos();
            firstEntry(s.id, r);
        }
        return n;
    }

    /** Parses an entry for the first time: validates it and records what the module declares. */
    private void firstEntry(int sectionId, ByteReader r) {
        switch (sectionId) {
            case Section.TYPE -> typeGroup(r, null, true, funcTypes);
            case Section.IMPORT -> importEntry(r);
            case Section.FUNCTION -> functionEntry(r, null);
            case Section.TABLE -> tableEntry(r, spaceProbe);
            case Section.MEMORY -> {
                limits(r, true);
                memoryCount++;
            }
            case Section.TAG -> tagEntry(r, null);
            case Section.GLOBAL -> globalEntry(r, spaceProbe);
            case Section.EXPORT -> exportEntry(r);
            case Section.ELEMENT -> elementEntry(r, spaceProbe, null);
            case Section.DATA -> dataEntry(r, spaceProbe);
            default -> throw new IllegalStateException("section " + sectionId);
        }
    }

    /**
     * Parses the entry at the reader's position again, recording its index references (for
     * writers). The structure is checked again; import and export names, already validated, are not.
     */
    static void reparseEntry(int sectionId, ByteReader r, IndexRefs refs) {
        switch (sectionId) {
            case Section.TYPE -> typeGroup(r, refs, false, null);
            case Section.IMPORT -> { // the names were validated when the module was parsed
                r.skip(r.byteLength());
                r.skip(r.byteLength());
                importDescription(r, refs, null, null, 0);
            }
            case Section.FUNCTION -> TypeReader.index(r, refs, IndexSpace.TYPE);
            case Section.TABLE -> table(r, refs);
            case Section.MEMORY -> limits(r, true);
            case Section.TAG -> tag(r, refs);
            case Section.GLOBAL -> global(r, refs);
            case Section.EXPORT -> {
                r.skip(r.byteLength()); // the name was validated when the module was parsed
                TypeReader.index(r, refs, exportKind(r).space());
            }
            case Section.ELEMENT -> elementEntry(r, refs, null);
            case Section.DATA -> dataEntry(r, refs);
            default -> throw new IllegalArgumentException("section " + sectionId);
        }
    }

    private static void typeGroup(ByteReader r, IndexRefs refs, boolean record, List<FuncType> funcTypes) {
        if (r.peek() == 0x4E) { // rec group
            r.u8();
            int n = r.count(1);
            for (int i = 0; i < n; i++) {
                subType(r, refs, record, funcTypes);
            }
        } else {
            subType(r, refs, record, funcTypes);
        }
    }

    private static void subType(ByteReader r, IndexRefs refs, boolean record, List<FuncType> funcTypes) {
        int b = r.peek();
        if (b == 0x50 || b == 0x4F) { // sub, sub final
            r.u8();
            int n = r.count(1);
            for (int i = 0; i < n; i++) {
                TypeReader.index(r, refs, IndexSpace.TYPE);
            }
        }
        if (r.peek() == 0x4C) { // describes (custom descriptors)
            r.u8();
            TypeReader.index(r, refs, IndexSpace.TYPE);
        }
        if (r.peek() == 0x4D) { // descriptor (custom descriptors)
            r.u8();
            TypeReader.index(r, refs, IndexSpace.TYPE);
        }
        FuncType f = compositeType(r, refs);
        if (record) {
            funcTypes.add(f);
        }
    }

    private static FuncType compositeType(ByteReader r, IndexRefs refs) {
        int at = r.pos();
        int form = r.u8();
        switch (form) {
            case 0x60 -> {
                int np = r.count(1);
                List<ValType> params = new ArrayList<>(np);
                for (int i = 0; i < np; i++) {
                    params.add(TypeReader.valType(r, refs));
                }
                int nr = r.count(1);
                List<ValType> results = new ArrayList<>(nr);
                for (int i = 0; i < nr; i++) {
                    results.add(TypeReader.valType(r, refs));
                }
                return new FuncType(params, results);
            }
            case 0x5F -> {
                int n = r.count(2);
                for (int i = 0; i < n; i++) {
                    fieldType(r, refs);
                }
                return null;
            }
            case 0x5E -> {
                fieldType(r, refs);
                return null;
            }
            default -> throw r.error("malformed definition type 0x" + Integer.toHexString(form), at);
        }
    }

    private static void fieldType(ByteReader r, IndexRefs refs) {
        int b = r.peek();
        if (b == 0x78 || b == 0x77) { // i8, i16
            r.u8();
        } else {
            int at = r.pos();
            try {
                TypeReader.valType(r, refs);
            } catch (MalformedModuleException e) {
                throw r.error("malformed storage type", at);
            }
        }
        mutability(r);
    }

    private static void mutability(ByteReader r) {
        int at = r.pos();
        int m = r.u8();
        if (m > 1) {
            throw r.error("malformed mutability " + m, at);
        }
    }

    /** An import, first read: its names decoded, what it declares recorded. */
    private void importEntry(ByteReader r) {
        int offset = r.pos();
        String module = r.name();
        String name = r.name();
        Import imp = importDescription(r, null, module, name, offset);
        imports.add(imp);
        switch (imp.kind()) {
            case FUNCTION -> {
                addFunction(imp.typeIndex());
                importedFunctions++;
            }
            case TABLE -> {
                tables.add(imp.table());
                importedTables++;
            }
            case MEMORY -> memoryCount++;
            case GLOBAL -> {
                globalCount++;
                importedGlobals++;
            }
            case TAG -> tagCount++;
        }
    }

    /** What follows an import's names: its kind and type, recorded in {@code refs}. */
    private static Import importDescription(ByteReader r, IndexRefs refs, String module, String name, int offset) {
        int at = r.pos();
        int kindByte = r.u8();
        ExternalKind kind = ExternalKind.ofImportByte(kindByte);
        int typeIndex = -1;
        TableType table = null;
        if (kind == null) {
            throw r.error("malformed import kind 0x" + Integer.toHexString(kindByte), at);
        }
        switch (kind) {
            case FUNCTION -> typeIndex = TypeReader.index(r, refs, IndexSpace.TYPE);
            case TABLE -> table = tableType(r, refs);
            case MEMORY -> limits(r, true);
            case GLOBAL -> globalType(r, refs);
            case TAG -> typeIndex = tag(r, refs);
        }
        return new Import(module, name, kind, typeIndex, table, offset);
    }

    private void addFunction(int typeIndex) {
        if (functionCount == functionTypes.length) {
            functionTypes = Arrays.copyOf(functionTypes, Math.max(16, functionCount * 2));
        }
        functionTypes[functionCount++] = typeIndex;
    }

    private void functionEntry(ByteReader r, IndexRefs refs) {
        addFunction(TypeReader.index(r, refs, IndexSpace.TYPE));
        definedFunctions++;
    }

    private void tableEntry(ByteReader r, IndexRefs refs) {
        tables.add(table(r, refs));
    }

    private static TableType table(ByteReader r, IndexRefs refs) {
        if (r.peek() == 0x40) { // table with an initializer expression
            r.u8();
            int at = r.pos();
            if (r.u8() != 0) {
                throw r.error("malformed table: reserved byte must be 0", at);
            }
            TableType t = tableType(r, refs);
            constExpr(r, refs);
            return t;
        }
        return tableType(r, refs);
    }

    private static TableType tableType(ByteReader r, IndexRefs refs) {
        ValType element = TypeReader.refType(r, refs, "malformed reference type");
        long[] lim = limits(r, false);
        return new TableType(element, lim[0], lim[1], lim[2] != 0);
    }

    /** Limits: returns {min, max or -1, is64}. */
    private static long[] limits(ByteReader r, boolean memory) {
        int at = r.pos();
        int flags = r.u8();
        int allowed = memory ? 0x0F : 0x05;
        if ((flags & ~allowed) != 0) {
            throw r.error("malformed limits flags 0x" + Integer.toHexString(flags), at);
        }
        boolean is64 = (flags & 0x04) != 0;
        // Read as u64 even for 32-bit limits: a too-large value is a validation error, not a decoding one.
        long min = r.u64();
        long max = -1;
        if ((flags & 0x01) != 0) {
            max = r.u64();
        }
        if ((flags & 0x08) != 0) { // custom page size: log2 of the page size
            int pAt = r.pos();
            long log2 = r.u32AsLong();
            if (log2 > 64) {
                throw r.error("invalid custom page size", pAt);
            }
        }
        return new long[] {min, max, is64 ? 1 : 0};
    }

    private void tagEntry(ByteReader r, IndexRefs refs) {
        tag(r, refs);
        tagCount++;
    }

    private static int tag(ByteReader r, IndexRefs refs) {
        int at = r.pos();
        if (r.u8() != 0) {
            throw r.error("malformed tag attribute", at);
        }
        return TypeReader.index(r, refs, IndexSpace.TYPE);
    }

    private void globalEntry(ByteReader r, IndexRefs refs) {
        global(r, refs);
        globalCount++;
    }

    private static void global(ByteReader r, IndexRefs refs) {
        globalType(r, refs);
        constExpr(r, refs);
    }

    private static void globalType(ByteReader r, IndexRefs refs) {
        TypeReader.valType(r, refs);
        mutability(r);
    }

    /** An export, first read: its name validated (decoded if someone asks, {@link Export#name}). */
    private void exportEntry(ByteReader r) {
        int offset = r.pos();
        int nameStart = r.skipName();
        int nameEnd = r.pos();
        ExternalKind kind = exportKind(r);
        int index = TypeReader.index(r, null, kind.space());
        exports.add(new Export(bytes, nameStart, nameEnd - nameStart, kind, index, offset));
    }

    private static ExternalKind exportKind(ByteReader r) {
        int at = r.pos();
        int kindByte = r.u8();
        ExternalKind kind = ExternalKind.ofExportByte(kindByte);
        if (kind == null) {
            throw r.error("malformed export kind 0x" + Integer.toHexString(kindByte), at);
        }
        return kind;
    }

    /** An element segment. {@code functions}, if given, receives the function indices it lists (flags 0..3). */
    static void elementEntry(ByteReader r, IndexRefs refs, int[][] functions) {
        int at = r.pos();
        long flags = r.u32AsLong();
        if (flags > 7) {
            throw r.error("malformed elements segment kind " + flags, at);
        }
        boolean passiveOrDeclarative = (flags & 1) != 0;
        boolean explicitTable = (flags & 2) != 0;
        boolean expressions = (flags & 4) != 0;
        if (!passiveOrDeclarative) {
            if (explicitTable) {
                TypeReader.index(r, refs, IndexSpace.TABLE);
            }
            constExpr(r, refs);
        }
        if (passiveOrDeclarative || explicitTable) {
            if (expressions) {
                TypeReader.refType(r, refs, "malformed reference type");
            } else {
                int kAt = r.pos();
                if (r.u8() != 0) {
                    throw r.error("malformed element kind", kAt);
                }
            }
        }
        int n = r.count(1);
        for (int i = 0; i < n; i++) {
            if (expressions) {
                constExpr(r, refs);
            } else {
                TypeReader.index(r, refs, IndexSpace.FUNCTION);
            }
        }
    }

    private static void dataEntry(ByteReader r, IndexRefs refs) {
        int at = r.pos();
        long flags = r.u32AsLong();
        if (flags > 2) {
            throw r.error("malformed data segment kind " + flags, at);
        }
        if (flags == 2) {
            TypeReader.index(r, refs, IndexSpace.MEMORY);
        }
        if (flags != 1) {
            constExpr(r, refs);
        }
        int lenAt = r.pos();
        long len = r.u32AsLong();
        if (len > r.remaining()) { // the spec reads the bytes one by one: it runs out, no length check
            throw r.error("unexpected end of section or function: data segment of " + len + " bytes, " + r.remaining() + " left", lenAt);
        }
        r.skip((int) len);
    }

    /** A constant expression: instructions up to and including its {@code end}. */
    static void constExpr(ByteReader r, IndexRefs refs) {
        // The usual segment offset, `i32.const n end` or `i64.const n end`, read in place: no
        // reader per segment (Go modules have hundreds of thousands). Anything else, or a
        // constant not followed by `end`, goes through the instruction reader from the start.
        int p = r.pos();
        byte[] b = r.buffer();
        if (p < r.limit() && (b[p] == 0x41 || b[p] == 0x42)) {
            r.u8();
            r.signed(b[p] == 0x41 ? 32 : 64);
            if (!r.atEnd() && r.peek() == Opcodes.END) {
                r.u8();
                return;
            }
            r.pos(p);
        }
        InstructionReader in = new InstructionReader(r.buffer(), r.pos(), r.limit(), refs);
        while (in.hasNext()) {
            in.next();
        }
        r.pos(in.end());
    }

    private int codeSection(ByteReader r, Section s) {
        int n = r.count(2);
        s.entriesStart = r.pos();
        s.entryStarts = new int[n];
        bodyStarts = new int[n];
        bodyEnds = new int[n];
        for (int i = 0; i < n; i++) {
            s.entryStarts[i] = r.pos();
            int size = r.byteLength();
            bodyStarts[i] = r.pos();
            r.skip(size);
            bodyEnds[i] = r.pos();
        }
        return n;
    }
}
