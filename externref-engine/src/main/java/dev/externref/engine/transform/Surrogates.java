package dev.externref.engine.transform;

import dev.externref.engine.error.ProcessingException;
import dev.externref.engine.error.ProcessingException.Kind;
import dev.externref.engine.format.FuncType;
import dev.externref.engine.format.Import;
import dev.externref.engine.format.ValType;
import dev.externref.engine.format.WasmModule;

import java.util.List;

/**
 * The {@code externref.insert/get/drop/guard} imports: where they are (import position and
 * function index; -1 when absent) and the check that each has the declared type.
 */
final class Surrogates {
    private static final FuncType I32_TO_I32 = new FuncType(List.of(ValType.I32), List.of(ValType.I32));
    private static final FuncType I32_TO_NONE = new FuncType(List.of(ValType.I32), List.of());
    private static final FuncType NONE_TO_NONE = new FuncType(List.of(), List.of());

    int insert = -1;
    int get = -1;
    int drop = -1;
    int guard = -1;
    int insertFunction = -1;
    int getFunction = -1;
    int dropFunction = -1;
    int guardFunction = -1;

    static Surrogates find(WasmModule m) {
        Surrogates s = new Surrogates();
        List<Import> imports = m.imports();
        for (int i = 0; i < imports.size(); i++) {
            Import imp = imports.get(i);
            int function = m.functionOfImport(i);
            if (imp.module().equals(Transformer.SURROGATE_MODULE)) {
                String what = "import 'externref." + imp.name() + "'";
                if (function < 0) {
                    throw new ProcessingException(Kind.BAD_SURROGATE_IMPORT, what, imp.offset(),
                            what + " is a " + imp.kind().name().toLowerCase() + "; imports from module 'externref' must be functions");
                }
                FuncType expected = switch (imp.name()) {
                    case "insert", "get" -> I32_TO_I32;
                    case "drop" -> I32_TO_NONE;
                    case "guard" -> NONE_TO_NONE;
                    default -> throw new ProcessingException(Kind.BAD_SURROGATE_IMPORT, what, imp.offset(),
                            what + " is not one of insert, get, drop, guard");
                };
                FuncType actual = m.funcType(imp.typeIndex());
                if (!expected.equals(actual)) {
                    throw new ProcessingException(Kind.BAD_SURROGATE_IMPORT, what, imp.offset(),
                            what + " has type " + actual + ", expected " + expected);
                }
                switch (imp.name()) {
                    case "insert" -> { s.insert = i; s.insertFunction = function; }
                    case "get" -> { s.get = i; s.getFunction = function; }
                    case "drop" -> { s.drop = i; s.dropFunction = function; }
                    default -> { s.guard = i; s.guardFunction = function; }
                }
            }
        }
        return s;
    }

    /** Whether the import at this function index is a surrogate (removed by the transform). */
    boolean isSurrogateFunction(int function) {
        return function >= 0 && (function == insertFunction || function == getFunction
                || function == dropFunction || function == guardFunction);
    }

    /** Whether the import at this position of the import section is a surrogate. */
    boolean isSurrogate(int importPosition) {
        return importPosition == insert || importPosition == get || importPosition == drop || importPosition == guard;
    }
}
