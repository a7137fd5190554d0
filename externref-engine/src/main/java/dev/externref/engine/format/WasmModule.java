package dev.externref.engine.format;

import dev.externref.engine.error.MalformedModuleException;

import java.util.Collections;
import java.util.List;

/**
 * A parsed WebAssembly module, as {@link ModuleParser} read it: every section decoded and
 * checked, except function bodies, which stay byte ranges until {@link #decodeBody} or
 * {@link #decodeAllBodies} asks for them. Immutable; it keeps the input array (not copied) and
 * must not outlive changes to it. It also holds the mapping between the function index space
 * and the import section ({@link #functionOfImport}, {@link #importOfFunction}) and code
 * section ({@link #functionOfDefined}, {@link #definedOfFunction}), so that no caller rebuilds it.
 */
public final class WasmModule {
    private final byte[] bytes;
    private final List<Section> sections;
    private final List<FuncType> funcTypes; // null entries for struct/array types
    private final List<Import> imports;
    private final List<Export> exports;
    private final List<TableType> tables;
    private final int[] functionTypes;
    private final int functionCount;
    private final int importedFunctions;
    private final int importedTables;
    private final int memoryCount;
    private final int globalCount;
    private final int importedGlobals;
    private final int tagCount;
    private final int startFunction;
    private final int elementCount;
    private final long dataCountSection;
    private final int dataCount;
    private final int definedFunctions;
    private final int[] bodyStarts;
    private final int[] bodyEnds;
    /** Per import position: the function index of a function import, or -1. */
    private final int[] functionOfImport;
    /** Per imported function: its position in the import section. */
    private final int[] importOfFunction;

    /** The model of what {@code p} has read. */
    WasmModule(ModuleParser p) {
        this.bytes = p.bytes;
        this.sections = Collections.unmodifiableList(p.sections);
        this.funcTypes = p.funcTypes;
        this.imports = Collections.unmodifiableList(p.imports);
        this.exports = Collections.unmodifiableList(p.exports);
        this.tables = Collections.unmodifiableList(p.tables);
        this.functionTypes = p.functionTypes;
        this.functionCount = p.functionCount;
        this.importedFunctions = p.importedFunctions;
        this.importedTables = p.importedTables;
        this.memoryCount = p.memoryCount;
        this.globalCount = p.globalCount;
        this.importedGlobals = p.importedGlobals;
        this.tagCount = p.tagCount;
        this.startFunction = p.startFunction;
        this.elementCount = p.elementCount;
        this.dataCountSection = p.dataCountSection;
        this.dataCount = p.dataCount;
        this.definedFunctions = p.definedFunctions;
        this.bodyStarts = p.bodyStarts;
        this.bodyEnds = p.bodyEnds;
        this.functionOfImport = new int[imports.size()];
        this.importOfFunction = new int[importedFunctions];
        int f = 0;
        for (int i = 0; i < functionOfImport.length; i++) {
            if (imports.get(i).kind() == ExternalKind.FUNCTION) {
                importOfFunction[f] = i;
                functionOfImport[i] = f++;
            } else {
                functionOfImport[i] = -1;
            }
        }
    }

    /** Parses a module (see {@link ModuleParser}); throws {@link MalformedModuleException} on anything that is not well formed. */
    public static WasmModule parse(byte[] bytes) {
        return ModuleParser.parse(bytes);
    }

    /** The input the module was parsed from (not a copy). */
    public byte[] bytes() {
        return bytes;
    }

    /** Every section, custom ones included, in the order of the input. */
    public List<Section> sections() {
        return sections;
    }

    /** The first custom section with this name, or null. */
    public Section customSection(String name) {
        for (Section s : sections) {
            if (name.equals(s.customName)) {
                return s;
            }
        }
        return null;
    }

    /** The known section with this id, or null. */
    public Section section(int id) {
        for (Section s : sections) {
            if (s.id == id && id != Section.CUSTOM) {
                return s;
            }
        }
        return null;
    }

    /** The imports of all kinds, by position in the import section. */
    public List<Import> imports() {
        return imports;
    }

    /** The exports, by position in the export section. */
    public List<Export> exports() {
        return exports;
    }

    /** All tables, imported ones first. */
    public List<TableType> tables() {
        return tables;
    }

    /** Types in the type section (function, struct and array types). */
    public int typeCount() {
        return funcTypes.size();
    }

    /** The function type at a type index, or null if that type is a struct or array type. */
    public FuncType funcType(int typeIndex) {
        return typeIndex >= 0 && typeIndex < funcTypes.size() ? funcTypes.get(typeIndex) : null;
    }

    /** Functions in the function index space: imported, then defined. */
    public int functionCount() {
        return functionCount;
    }

    /** Imported functions: the first indices of the function index space. */
    public int importedFunctionCount() {
        return importedFunctions;
    }

    /**
     * The function index of the import at {@code importPosition} (imports of all kinds count
     * for positions, only function imports for function indices), or -1 when it is not a function.
     */
    public int functionOfImport(int importPosition) {
        return functionOfImport[importPosition];
    }

    /** The import position of an imported function ({@code function < importedFunctionCount()}). */
    public int importOfFunction(int function) {
        return importOfFunction[function];
    }

    /** The function index of a defined function: imported functions come first. */
    public int functionOfDefined(int definedIndex) {
        return importedFunctions + definedIndex;
    }

    /** The bytes of the import section's entry at {@code position}, as the input has them. */
    public byte[] importEntry(int position) {
        Section imports = section(Section.IMPORT);
        return java.util.Arrays.copyOfRange(bytes, imports.entryStart(position), imports.entryEnd(position));
    }

    /** The defined-function index (the position of its body) of a function, or -1 for an imported one. */
    public int definedOfFunction(int function) {
        return function < importedFunctions ? -1 : function - importedFunctions;
    }

    /** Imported tables: the first indices of the table index space. */
    public int importedTableCount() {
        return importedTables;
    }

    /** Memories, imported and defined. */
    public int memoryCount() {
        return memoryCount;
    }

    /** Globals, imported and defined. */
    public int globalCount() {
        return globalCount;
    }

    /** Imported globals: the first indices of the global index space. */
    public int importedGlobalCount() {
        return importedGlobals;
    }

    /** Tags, imported and defined. */
    public int tagCount() {
        return tagCount;
    }

    /** Element segments. */
    public int elementCount() {
        return elementCount;
    }

    /** Data segments. */
    public int dataCount() {
        return dataCount;
    }

    /** The start function's index, or -1. */
    public int startFunction() {
        return startFunction;
    }

    /** The type index of a function (imports first). */
    public int functionTypeIndex(int functionIndex) {
        return functionTypes[functionIndex];
    }

    /** Where a function's type index is read: its import entry, or its function section entry; -1 if unknown. */
    public int functionTypeOffset(int function) {
        if (function < importedFunctions) {
            return imports.get(importOfFunction[function]).offset();
        }
        Section s = section(Section.FUNCTION);
        int defined = function - importedFunctions;
        return s != null && defined < s.entryCount() ? s.entryStart(defined) : -1;
    }

    /** The signature of a function, e.g. {@code (externref, i32) -> i32}. */
    public String functionSignature(int functionIndex) {
        if (functionIndex < 0 || functionIndex >= functionCount) {
            throw new IllegalArgumentException("no function " + functionIndex + " (the module has " + functionCount + ")");
        }
        FuncType t = funcType(functionTypes[functionIndex]);
        return t == null ? "type " + functionTypes[functionIndex] : t.toString();
    }

    /**
     * Functions whose index is taken outside code, as element segment entries or in table and
     * global initializers (so they may be called through a table); maps each of those
     * {@code ofInterest} to the byte offset of the first entry that takes it.
     */
    public java.util.Map<Integer, Integer> functionsTakenOutsideCode(java.util.BitSet ofInterest) {
        java.util.Map<Integer, Integer> taken = new java.util.TreeMap<>();
        if (ofInterest.isEmpty()) {
            return taken;
        }
        IndexRefs refs = new IndexRefs();
        refs.mask = 1 << IndexSpace.FUNCTION.ordinal();
        for (Section s : sections) {
            if (s.id != Section.ELEMENT && s.id != Section.GLOBAL && s.id != Section.TABLE) {
                continue;
            }
            for (int i = 0; i < s.entryCount(); i++) {
                refs.clear();
                ModuleParser.reparseEntry(s.id, new ByteReader(bytes, s.entryStart(i), s.entryEnd(i)), refs);
                for (int k = 0; k < refs.size; k++) {
                    if (refs.value[k] >= 0 && ofInterest.get(refs.value[k])) {
                        taken.putIfAbsent(refs.value[k], refs.pos[k]);
                    }
                }
            }
        }
        return taken;
    }

    /** Function names from the {@code name} section, by function index; empty when absent or malformed. */
    public java.util.Map<Integer, String> functionNames() {
        return NameSection.functionNames(this);
    }

    /** A function's name in the {@code name} section, or null (unnamed, or no readable section). For messages. */
    public String functionName(int function) {
        return NameSection.functionNames(this).get(function);
    }

    /** The byte range of a defined function's body (locals and code), by defined-function index. */
    public int bodyStart(int definedIndex) {
        return bodyStarts[definedIndex];
    }

    /** The end of a defined function's body, by defined-function index. */
    public int bodyEnd(int definedIndex) {
        return bodyEnds[definedIndex];
    }

    /** Functions with a body in the code section. */
    public int definedFunctionCount() {
        return definedFunctions;
    }

    /** A defined function's local declarations (its code is not decoded). */
    public FunctionBody locals(int definedIndex) {
        return FunctionBody.readLocals(bytes, bodyStarts[definedIndex], bodyEnds[definedIndex], null);
    }

    /**
     * Decodes a function body completely; returns its locals. The code that follows them is at
     * {@link FunctionBody#codeStart()}.
     */
    public FunctionBody decodeBody(int definedIndex) {
        FunctionBody body = FunctionBody.readLocals(bytes, bodyStarts[definedIndex], bodyEnds[definedIndex], null);
        InstructionReader in = new InstructionReader(bytes, body.codeStart(), body.end(), null);
        while (in.hasNext()) {
            in.next();
        }
        in.finish();
        // Data indices in code need the data count section, so that one-pass decoders know the
        // segments before the code. Without any data segments the index is merely unknown: a
        // validation error, as the spec suite classifies it.
        if (in.usesDataIndex() && dataCountSection < 0 && dataCount > 0) {
            throw new MalformedModuleException("data count section required", in.start());
        }
        return body;
    }

    /** Decodes every function body; the check of a module that will be fully rewritten. */
    public void decodeAllBodies() {
        for (int i = 0; i < definedFunctions; i++) {
            try {
                decodeBody(i);
            } catch (MalformedModuleException e) {
                throw e.inFunction(functionOfDefined(i), functionName(functionOfDefined(i)));
            }
        }
    }
}
