package dev.externref.engine.format;

import java.util.function.IntUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Compares two modules instruction by instruction. */
final class Bodies {
    private Bodies() {
    }

    /**
     * Asserts that {@code after} has the same code as {@code before} except that every function
     * index (in {@code call}, {@code return_call}, {@code ref.func}, function exports and the start
     * function) was renumbered by {@code renumber}. Returns how many code references were checked.
     */
    static int assertFunctionIndicesRenumbered(WasmModule before, WasmModule after, IntUnaryOperator renumber) {
        assertEquals(before.definedFunctionCount(), after.definedFunctionCount(), "defined functions");
        int checked = 0;
        for (int fn = 0; fn < before.definedFunctionCount(); fn++) {
            final int i = fn;
            InstructionReader a = InstructionReader.over(before.bytes(), before.decodeBody(i).codeStart(), before.bodyEnd(i));
            InstructionReader b = InstructionReader.over(after.bytes(), after.decodeBody(i).codeStart(), after.bodyEnd(i));
            while (a.hasNext()) {
                assertFalse(!b.hasNext(), "function " + i + " ends early after renumbering");
                int op = a.next();
                assertEquals(Opcodes.describe(op), Opcodes.describe(b.next()), "opcode in defined function " + i);
                if (op == Opcodes.CALL || op == Opcodes.RETURN_CALL || op == Opcodes.REF_FUNC) {
                    int old = a.index();
                    int at = a.start();
                    int expected = renumber.applyAsInt(old);
                    assertEquals(expected, b.index(), () -> Opcodes.describe(op) + " " + old + " at byte " + at
                            + " of defined function " + i + " should now be " + expected);
                    checked++;
                } else if (!java.util.Arrays.equals(before.bytes(), a.start(), a.end(), after.bytes(), b.start(), b.end())) {
                    throw new AssertionError(Opcodes.describe(op) + " at byte " + a.start() + " of defined function " + i
                            + " changed, but it has no function index");
                }
            }
            assertFalse(b.hasNext(), "function " + i + " has extra code after renumbering");
        }
        assertEquals(before.exports().size(), after.exports().size());
        for (int k = 0; k < before.exports().size(); k++) {
            Export e = before.exports().get(k);
            int expected = e.kind() == ExternalKind.FUNCTION ? renumber.applyAsInt(e.index()) : e.index();
            assertEquals(expected, after.exports().get(k).index(), "export " + e.name());
        }
        assertEquals(before.startFunction() < 0 ? -1 : renumber.applyAsInt(before.startFunction()), after.startFunction(), "start function");
        return checked;
    }
}
