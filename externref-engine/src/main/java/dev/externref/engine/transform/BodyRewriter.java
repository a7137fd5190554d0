package dev.externref.engine.transform;

import dev.externref.engine.error.ProcessingException;
import dev.externref.engine.error.ProcessingException.Kind;
import dev.externref.engine.analysis.Analyzer;
import dev.externref.engine.analysis.FunctionDecisions;
import dev.externref.engine.analysis.Signatures;
import dev.externref.engine.format.FunctionBody;
import dev.externref.engine.format.InstructionReader;
import dev.externref.engine.format.ValType;
import dev.externref.engine.format.WasmModule;

import java.util.BitSet;

import static dev.externref.engine.format.Opcodes.CALL;
import static dev.externref.engine.format.Opcodes.GLOBAL_SET;
import static dev.externref.engine.format.Opcodes.RETURN_CALL;

/**
 * Rewrites one function body for the transform, in the input's index space (the writer
 * renumbers functions afterwards). A quick scan finds the functions that handle references
 * ({@link ReferenceHandlers}). Only those pay for the {@link Analyzer}, which decides every
 * local's and spill slot's kind and where the guard calls go; {@link BodyEncoder} writes its
 * decisions.
 *
 * <p>Guard placement is a hint: where the analysis proves the rewrite sound, a guard anywhere
 * is fine. Where it does not, a guard out of place (the mark of an optimizer run before the
 * processor) is named in the error with the fix.
 */
final class BodyRewriter implements Signatures {
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
    private final ReferenceHandlers handlers;
    private final LikelyCause causes;
    private final Reachability reachability;

    BodyRewriter(WasmModule m, FunctionNames names, Surrogates surrogates, BitSet[] refPositions) {
        this.m = m;
        this.names = names;
        this.handlers = new ReferenceHandlers(surrogates, refPositions);
        this.causes = new LikelyCause(m, names, surrogates, refPositions);
        this.reachability = new Reachability(m);
    }

    @Override
    public BitSet referencePositions(int function) {
        return handlers.referencePositions(function);
    }

    @Override
    public boolean isRemovedMarker(int function) {
        return handlers.isGuard(function);
    }

    @Override
    public String nameOf(int function) {
        return names.of(function);
    }

    Result rewrite(int definedIndex) {
        int function = m.importedFunctionCount() + definedIndex;
        FunctionBody body = m.locals(definedIndex);
        boolean handlesReferences = handlers.isDescribed(function);
        int guards = 0;
        int misplacedGuard = -1;
        int prevOp = -1;
        int count = 0;
        InstructionReader in = InstructionReader.over(m.bytes(), body.codeStart(), body.end());
        while (in.hasNext()) {
            int op = in.next();
            if (op == CALL || op == RETURN_CALL) {
                int callee = in.index();
                handlesReferences |= handlers.isTrigger(callee);
                if (handlers.isGuard(callee)) {
                    guards++;
                    boolean atEntry = op == CALL && (count == 0 || (prevOp == GLOBAL_SET && in.depth() == 0));
                    if (!atEntry && misplacedGuard < 0) {
                        misplacedGuard = in.start();
                    }
                }
            }
            prevOp = op;
            count++;
        }
        in.finish();
        if (!handlesReferences) {
            return new Result(null, 0, false);
        }
        FunctionDecisions decisions;
        try {
            decisions = Analyzer.analyze(m, function, names.of(function), handlers.ownPositions(function), this);
        } catch (ProcessingException e) {
            if (!reachability.reaches(function)) {
                // Nothing can call it: drop its code rather than fail on code that never runs.
                return new Result(UNREACHABLE_BODY, guards, false);
            }
            throw explain(e, function, guards, misplacedGuard);
        }
        if (decisions.isEmpty()) {
            return new Result(null, guards, false);
        }
        boolean retyped = decisions.newLocals().contains(ValType.EXTERNREF);
        return new Result(BodyEncoder.encode(m.bytes(), body, decisions), guards, retyped);
    }

    /** The analysis failed: say what probably caused it, from what the module shows. */
    private ProcessingException explain(ProcessingException e, int function, int guards, int misplacedGuard) {
        if (misplacedGuard >= 0) {
            return new ProcessingException(Kind.MISPLACED_GUARD, e.function(), e.offset(), e.getMessage()
                    + ". The call to externref.guard at byte offset " + misplacedGuard + " is not at the start of the function."
                    + " The module was probably transformed after compilation (typically wasm-opt or another optimizer"
                    + " inlined an import wrapper);" + LikelyCause.OPTIMIZER_FIX);
        }
        if (guards == 0 && !handlers.isDescribed(function)) {
            return new ProcessingException(Kind.UNEXPECTED_REFERENCE_CALL, e.function(), e.offset(), e.getMessage()
                    + ". This is an unexpected call to an externref-returning function outside an import wrapper or a"
                    + " described export." + causes.ofUndescribed(function));
        }
        String more = handlers.isDescribed(function) ? causes.ofDescribed(function) : "";
        return more.isEmpty() ? e : new ProcessingException(e.kind(), e.function(), e.offset(), e.getMessage() + "." + more);
    }
}
