package dev.externref.engine.transform;

import dev.externref.engine.ProcessingException;
import dev.externref.engine.ProcessingException.Kind;
import dev.externref.engine.format.ByteWriter;
import dev.externref.engine.format.FuncType;
import dev.externref.engine.format.FunctionBody;
import dev.externref.engine.format.InstructionReader;
import dev.externref.engine.format.ValType;
import dev.externref.engine.format.WasmModule;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import static dev.externref.engine.format.Opcodes.CALL;
import static dev.externref.engine.format.Opcodes.GLOBAL_SET;
import static dev.externref.engine.format.Opcodes.LOCAL_GET;
import static dev.externref.engine.format.Opcodes.LOCAL_SET;
import static dev.externref.engine.format.Opcodes.LOCAL_TEE;
import static dev.externref.engine.format.Opcodes.RETURN_CALL;

/**
 * Rewrites one function body for the transform, in the input's index space (the writer
 * renumbers functions afterwards): removes guard calls, checks where they stand, retypes the
 * locals that receive references, and moves reassigned reference parameters of described
 * exports to fresh i32 locals.
 */
final class BodyRewriter {
    /** Locals this processor will expand to retype; V8 and wasmparser refuse more than 50,000. */
    private static final int MAX_LOCALS = 50_000;

    /**
     * @param body            the new body (locals and code), or null when unchanged
     * @param redirectedCalls calls of externref.insert/get/drop
     */
    record Result(byte[] body, int redirectedCalls, int removedGuards, boolean retypedLocals) {
    }

    private final WasmModule m;
    private final FunctionNames names;
    private final Surrogates surrogates;
    private final BitSet[] refPositions;

    BodyRewriter(WasmModule m, FunctionNames names, Surrogates surrogates, BitSet[] refPositions) {
        this.m = m;
        this.names = names;
        this.surrogates = surrogates;
        this.refPositions = refPositions;
    }

    /** Whether a call of this function leaves a reference on the stack after processing. */
    private boolean returnsReference(int function) {
        if (function == surrogates.getFunction) {
            return true;
        }
        BitSet refs = function >= 0 && function < refPositions.length ? refPositions[function] : null;
        if (refs == null) {
            return false;
        }
        FuncType t = m.funcType(m.functionTypeIndex(function));
        return refs.nextSetBit(t.params().size()) >= 0;
    }

    Result rewrite(int definedIndex) {
        int function = m.importedFunctionCount() + definedIndex;
        FuncType type = m.funcType(m.functionTypeIndex(function));
        int params = type == null ? 0 : type.params().size();
        BitSet refParams = refPositions[function] == null ? new BitSet() : refPositions[function].get(0, params);
        boolean describedExport = refPositions[function] != null;

        FunctionBody body = m.locals(definedIndex);
        InstructionReader in = InstructionReader.over(m.bytes(), body.codeStart(), body.end());
        List<int[]> edits = new ArrayList<>(); // {start, end, replacement local or -1 to remove}
        BitSet refLocals = new BitSet();
        BitSet reassigned = new BitSet();
        int firstReferenceCall = -1;
        int redirected = 0;
        int guards = 0;
        boolean guarded = false;
        boolean pendingReference = false;
        int pendingCallStart = -1;
        int prevOp = -1;
        int count = 0;
        while (in.hasNext()) {
            int op = in.next();
            if (op == CALL || op == RETURN_CALL) {
                int callee = in.index();
                if (callee == surrogates.guardFunction) {
                    boolean atEntry = count == 0 || (prevOp == GLOBAL_SET && in.depth() == 0);
                    if (!atEntry || op == RETURN_CALL) {
                        throw new ProcessingException(Kind.MISPLACED_GUARD, names.of(function), in.start(),
                                names.of(function) + ": call to externref.guard at byte offset " + in.start()
                                        + " is not at the start of the function. The module was transformed after compilation"
                                        + " (typically wasm-opt or another optimizer inlined an import wrapper); run the externref"
                                        + " processor on the compiler's output, before wasm-opt or other optimizers.");
                    }
                    edits.add(new int[] {in.start(), in.end(), -1});
                    guards++;
                    guarded = true;
                } else if (callee == surrogates.insertFunction || callee == surrogates.getFunction
                        || callee == surrogates.dropFunction) {
                    redirected++;
                }
                pendingReference = op == CALL && returnsReference(callee);
                pendingCallStart = in.start();
            } else {
                if ((op == LOCAL_SET || op == LOCAL_TEE) && pendingReference) {
                    int local = in.index();
                    if (local < params) {
                        throw new ProcessingException(Kind.UNSUPPORTED_REFERENCE_FLOW, names.of(function), in.start(),
                                names.of(function) + ": a reference is stored into parameter " + local + " at byte offset "
                                        + in.start() + "; only locals can be retyped to externref");
                    }
                    refLocals.set(local);
                    if (firstReferenceCall < 0) {
                        firstReferenceCall = pendingCallStart;
                    }
                }
                pendingReference = false;
                if (describedExport && (op == LOCAL_SET || op == LOCAL_TEE || op == LOCAL_GET)) {
                    int local = in.index();
                    if (local >= 0 && local < params && refParams.get(local)) {
                        if (op != LOCAL_GET) {
                            reassigned.set(local);
                        }
                        if (reassigned.get(local)) {
                            edits.add(new int[] {in.start(), in.end(), local});
                        }
                    }
                }
            }
            prevOp = op;
            count++;
        }
        in.finish();
        if (!refLocals.isEmpty() && !guarded && !describedExport) {
            throw new ProcessingException(Kind.UNEXPECTED_REFERENCE_CALL, names.of(function), firstReferenceCall,
                    names.of(function) + ": unexpected call to an externref-returning function at byte offset " + firstReferenceCall
                            + ": its result is stored in a local of a function that is neither a guarded import wrapper nor a"
                            + " described export. The module was probably transformed after compilation (e.g. wasm-opt inlined"
                            + " an import wrapper); run the externref processor before wasm-opt or other optimizers.");
        }
        if (edits.isEmpty() && refLocals.isEmpty()) {
            return new Result(null, redirected, guards, false);
        }
        return new Result(encode(function, params, body, edits, refLocals, reassigned), redirected, guards, !refLocals.isEmpty());
    }

    private byte[] encode(int function, int params, FunctionBody body, List<int[]> edits, BitSet refLocals, BitSet reassigned) {
        long declared = body.localCount();
        if (declared + reassigned.cardinality() > MAX_LOCALS) {
            throw new ProcessingException(Kind.UNSUPPORTED_REFERENCE_FLOW, names.of(function), body.start(),
                    names.of(function) + " declares " + declared + " locals; at most " + MAX_LOCALS + " can be retyped");
        }
        List<ValType> locals = new ArrayList<>((int) declared + reassigned.cardinality());
        for (FunctionBody.LocalRun run : body.locals()) {
            for (int i = 0; i < run.count(); i++) {
                locals.add(run.type());
            }
        }
        for (int l = refLocals.nextSetBit(0); l >= 0; l = refLocals.nextSetBit(l + 1)) {
            if (l - params >= locals.size()) {
                throw new ProcessingException(Kind.UNSUPPORTED_REFERENCE_FLOW, names.of(function), body.start(),
                        names.of(function) + ": local " + l + " does not exist");
            }
            locals.set(l - params, ValType.EXTERNREF);
        }
        int[] replacement = new int[params];
        for (int p = reassigned.nextSetBit(0); p >= 0; p = reassigned.nextSetBit(p + 1)) {
            replacement[p] = params + locals.size();
            locals.add(ValType.I32);
        }

        ByteWriter w = new ByteWriter(body.end() - body.start() + 16);
        List<int[]> runs = new ArrayList<>();
        for (int i = 0; i < locals.size(); i++) {
            if (i > 0 && locals.get(i).equals(locals.get(i - 1))) {
                runs.get(runs.size() - 1)[1]++;
            } else {
                runs.add(new int[] {i, 1});
            }
        }
        w.u32(runs.size());
        for (int[] run : runs) {
            w.u32(run[1]);
            locals.get(run[0]).writeTo(w);
        }
        byte[] src = m.bytes();
        int cur = body.codeStart();
        for (int[] e : edits) {
            w.bytes(src, cur, e[0] - cur);
            if (e[2] >= 0) {
                w.u8(src[e[0]] & 0xFF).u32(replacement[e[2]]); // same local.get/set/tee, the new local
            }
            cur = e[1];
        }
        w.bytes(src, cur, body.end() - cur);
        return w.toByteArray();
    }
}
