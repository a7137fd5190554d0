package dev.externref.engine.transform;

import dev.externref.engine.format.Export;
import dev.externref.engine.format.ExternalKind;
import dev.externref.engine.format.FunctionBody;
import dev.externref.engine.format.InstructionReader;
import dev.externref.engine.format.WasmModule;

import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Deque;

import static dev.externref.engine.format.Opcodes.CALL;
import static dev.externref.engine.format.Opcodes.REF_FUNC;
import static dev.externref.engine.format.Opcodes.RETURN_CALL;

/**
 * Which functions can ever run: those an export, the start function, a table or global
 * initializer or an element segment names, and everything they call or take with
 * {@code ref.func}. A function outside that set is dead code (a linker-generated wrapper that
 * nothing exports, say): when it cannot be rewritten, it becomes {@code unreachable} instead of
 * failing the module. Computed on the first question only, since it reads every body.
 */
final class Reachability {
    private final WasmModule m;
    private BitSet reached;

    Reachability(WasmModule m) {
        this.m = m;
    }

    synchronized boolean reaches(int function) {
        if (reached == null) {
            reached = compute();
        }
        return reached.get(function);
    }

    private BitSet compute() {
        BitSet seen = new BitSet(m.functionCount());
        Deque<Integer> work = new ArrayDeque<>();
        for (Export e : m.exports()) {
            if (e.kind() == ExternalKind.FUNCTION) {
                enqueue(e.index(), seen, work);
            }
        }
        if (m.startFunction() >= 0) {
            enqueue(m.startFunction(), seen, work);
        }
        BitSet all = new BitSet();
        all.set(0, m.functionCount());
        for (int f : m.functionsTakenOutsideCode(all).keySet()) {
            enqueue(f, seen, work);
        }
        while (!work.isEmpty()) {
            int defined = m.definedOfFunction(work.pop());
            if (defined < 0) {
                continue;
            }
            FunctionBody body = m.locals(defined);
            InstructionReader in = InstructionReader.over(m.bytes(), body.codeStart(), body.end());
            while (in.hasNext()) {
                int op = in.next();
                if (op == CALL || op == RETURN_CALL || op == REF_FUNC) {
                    enqueue(in.index(), seen, work);
                }
            }
        }
        return seen;
    }

    private void enqueue(int function, BitSet seen, Deque<Integer> work) {
        if (function >= 0 && function < m.functionCount() && !seen.get(function)) {
            seen.set(function);
            work.push(function);
        }
    }
}
