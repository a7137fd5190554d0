package dev.externref.engine.transform;

import dev.externref.engine.error.ProcessingException;
import dev.externref.engine.error.ProcessingException.Kind;
import dev.externref.engine.analysis.FlowEdit;
import dev.externref.engine.analysis.ReferenceFlow;
import dev.externref.engine.analysis.Signatures;
import dev.externref.engine.format.ByteWriter;
import dev.externref.engine.format.FunctionBody;
import dev.externref.engine.format.InstructionReader;
import dev.externref.engine.format.ValType;
import dev.externref.engine.format.WasmModule;

import java.util.BitSet;
import java.util.List;

import static dev.externref.engine.format.Opcodes.CALL;
import static dev.externref.engine.format.Opcodes.GLOBAL_SET;
import static dev.externref.engine.format.Opcodes.RETURN_CALL;

/**
 * Rewrites one function body for the transform, in the input's index space (the writer
 * renumbers functions afterwards). A quick scan finds the functions that handle references:
 * described exports and callers of the surrogates or of described imports. Only those pay for
 * the {@link ReferenceFlow} analysis, which decides every local's and spill slot's kind and
 * where the guard calls go.
 *
 * <p>Guard placement is a hint: where the analysis proves the rewrite sound, a guard anywhere
 * is fine. Where it does not, a guard out of place (the mark of an optimizer run before the
 * processor) is named in the error with the fix.
 */
final class BodyRewriter implements Signatures {
    private static final BitSet NONE = new BitSet();
    private static final BitSet INSERT = BitSet.valueOf(new long[] {0b01});  // (ref) -> i32
    private static final BitSet GET = BitSet.valueOf(new long[] {0b10});     // (i32) -> ref

    /**
     * @param body          the new body (locals and code), or null when unchanged
     * @param retypedLocals whether references now live in externref locals
     */
    record Result(byte[] body, int removedGuards, boolean retypedLocals) {
    }

    /** No locals, {@code unreachable}, {@code end}: what a dead function that cannot be rewritten becomes. */
    private static final byte[] UNREACHABLE_BODY = {0x00, 0x00, 0x0B};

    private final WasmModule m;
    private final FunctionNames names;
    private final Surrogates surrogates;
    private final BitSet[] refPositions;
    private final LikelyCause causes;
    private final Reachability reachability;

    BodyRewriter(WasmModule m, FunctionNames names, Surrogates surrogates, BitSet[] refPositions) {
        this.m = m;
        this.names = names;
        this.surrogates = surrogates;
        this.refPositions = refPositions;
        this.causes = new LikelyCause(m, names, surrogates, refPositions);
        this.reachability = new Reachability(m);
    }

    @Override
    public BitSet referencePositions(int function) {
        if (function == surrogates.insertFunction) {
            return INSERT;
        }
        if (function == surrogates.getFunction) {
            return GET;
        }
        BitSet refs = function >= 0 && function < refPositions.length ? refPositions[function] : null;
        return refs == null ? NONE : refs;
    }

    @Override
    public boolean isRemovedMarker(int function) {
        return function == surrogates.guardFunction;
    }

    @Override
    public String nameOf(int function) {
        return names.of(function);
    }

    Result rewrite(int definedIndex) {
        int function = m.importedFunctionCount() + definedIndex;
        FunctionBody body = m.locals(definedIndex);
        boolean handlesReferences = refPositions[function] != null;
        int guards = 0;
        int misplacedGuard = -1;
        int prevOp = -1;
        int count = 0;
        InstructionReader in = InstructionReader.over(m.bytes(), body.codeStart(), body.end());
        while (in.hasNext()) {
            int op = in.next();
            if (op == CALL || op == RETURN_CALL) {
                int callee = in.index();
                if (callee == surrogates.guardFunction) {
                    guards++;
                    handlesReferences = true;
                    boolean atEntry = op == CALL && (count == 0 || (prevOp == GLOBAL_SET && in.depth() == 0));
                    if (!atEntry && misplacedGuard < 0) {
                        misplacedGuard = in.start();
                    }
                } else if (callee == surrogates.insertFunction || callee == surrogates.getFunction) {
                    handlesReferences = true;
                } else if (!referencePositions(callee).isEmpty()) {
                    handlesReferences = true;
                }
            }
            prevOp = op;
            count++;
        }
        in.finish();
        if (!handlesReferences) {
            return new Result(null, 0, false);
        }
        ReferenceFlow.Result flow;
        try {
            BitSet own = refPositions[function] == null ? NONE : refPositions[function];
            flow = ReferenceFlow.analyze(m, function, names.of(function), own, this);
        } catch (ProcessingException e) {
            if (!reachability.reaches(function)) {
                // Nothing can call it: drop its code rather than fail on code that never runs.
                return new Result(UNREACHABLE_BODY, guards, false);
            }
            throw explain(e, function, guards, misplacedGuard);
        }
        if (flow.edits().isEmpty() && flow.newLocals().isEmpty()) {
            return new Result(null, guards, false);
        }
        boolean retyped = flow.newLocals().contains(ValType.EXTERNREF);
        return new Result(encode(body, flow), guards, retyped);
    }

    /** The analysis failed: say what probably caused it, from what the module shows. */
    private ProcessingException explain(ProcessingException e, int function, int guards, int misplacedGuard) {
        if (misplacedGuard >= 0) {
            return new ProcessingException(Kind.MISPLACED_GUARD, e.function(), e.offset(), e.getMessage()
                    + ". The call to externref.guard at byte offset " + misplacedGuard + " is not at the start of the function."
                    + " The module was probably transformed after compilation (typically wasm-opt or another optimizer"
                    + " inlined an import wrapper);" + LikelyCause.OPTIMIZER_FIX);
        }
        if (guards == 0 && refPositions[function] == null) {
            return new ProcessingException(Kind.UNEXPECTED_REFERENCE_CALL, e.function(), e.offset(), e.getMessage()
                    + ". This is an unexpected call to an externref-returning function outside an import wrapper or a"
                    + " described export." + causes.ofUndescribed(function));
        }
        String more = refPositions[function] != null ? causes.ofDescribed(function) : "";
        return more.isEmpty() ? e : new ProcessingException(e.kind(), e.function(), e.offset(), e.getMessage() + "." + more);
    }

    private byte[] encode(FunctionBody body, ReferenceFlow.Result flow) {
        byte[] src = m.bytes();
        ByteWriter w = new ByteWriter(body.end() - body.start() + 32);
        List<FunctionBody.LocalRun> runs = body.locals();
        List<ValType> added = flow.newLocals();
        int addedRuns = 0;
        for (int i = 0; i < added.size(); i++) {
            if (i == 0 || !added.get(i).equals(added.get(i - 1))) {
                addedRuns++;
            }
        }
        w.u32(runs.size() + addedRuns);
        for (FunctionBody.LocalRun run : runs) {
            w.u32(Integer.toUnsignedLong(run.count()));
            run.type().writeTo(w);
        }
        for (int i = 0; i < added.size(); ) {
            int j = i;
            while (j < added.size() && added.get(j).equals(added.get(i))) {
                j++;
            }
            w.u32(j - i);
            added.get(i).writeTo(w);
            i = j;
        }
        int cur = body.codeStart();
        for (FlowEdit e : flow.edits()) {
            w.bytes(src, cur, e.start() - cur);
            w.bytes(e.replacement());
            cur = e.end();
        }
        w.bytes(src, cur, body.end() - cur);
        return w.toByteArray();
    }
}
