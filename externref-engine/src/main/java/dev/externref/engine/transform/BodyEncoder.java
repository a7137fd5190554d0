package dev.externref.engine.transform;

import dev.externref.engine.analysis.FunctionDecisions;
import dev.externref.engine.format.ByteWriter;
import dev.externref.engine.format.FunctionBody;
import dev.externref.engine.format.ValType;

import java.util.List;

import static dev.externref.engine.format.Opcodes.DROP;
import static dev.externref.engine.format.Opcodes.LOCAL_GET;
import static dev.externref.engine.format.Opcodes.LOCAL_SET;
import static dev.externref.engine.format.Opcodes.SELECT;
import static dev.externref.engine.format.Opcodes.SELECT_TYPED;
import static dev.externref.engine.format.Opcodes.UNREACHABLE;

/**
 * Writes a function body with the analysis' {@link FunctionDecisions} applied: the declared
 * locals and the new ones, then the code with every decided instruction or range re-encoded and
 * everything else copied. The analysis decides; only this class knows the bytes.
 */
final class BodyEncoder {
    private BodyEncoder() {
    }

    /** The new body (locals and code, without its size) of {@code body} in {@code module}. */
    static byte[] encode(byte[] module, FunctionBody body, FunctionDecisions decisions) {
        ByteWriter w = new ByteWriter(body.end() - body.start() + 32);
        locals(w, body.locals(), decisions.newLocals());
        int cur = body.codeStart();
        for (FunctionDecisions.Decision d : decisions.decisions()) {
            w.bytes(module, cur, d.start() - cur);
            instruction(w, d);
            cur = d.end();
        }
        w.bytes(module, cur, body.end() - cur);
        return w.toByteArray();
    }

    /** The declared runs, then the new locals in runs of one type. */
    private static void locals(ByteWriter w, List<FunctionBody.LocalRun> runs, List<ValType> added) {
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
    }

    /** What replaces the bytes of one decision. */
    private static void instruction(ByteWriter w, FunctionDecisions.Decision d) {
        if (d instanceof FunctionDecisions.Unreachable) {
            w.u8(UNREACHABLE);
        } else if (d instanceof FunctionDecisions.RemoveCall) {
            return; // nothing: the call goes
        } else if (d instanceof FunctionDecisions.ExternrefResult r) {
            if (r.opcode() == SELECT || r.opcode() == SELECT_TYPED) {
                w.u8(SELECT_TYPED).u8(1).u8(ValType.EXTERNREF.code()); // select (result externref)
            } else {
                w.u8(r.opcode()).u8(ValType.EXTERNREF.code());        // block, loop, if: blocktype externref
            }
        } else if (d instanceof FunctionDecisions.RenumberLocal r) {
            w.u8(r.opcode()).u32(r.local());
        } else if (d instanceof FunctionDecisions.SpillToLocal s) {
            if (s.store()) {
                w.u8(LOCAL_SET).u32(s.local()).u8(DROP);  // [addr, ref] -> keep the ref in a local
            } else {
                w.u8(DROP).u8(LOCAL_GET).u32(s.local());  // [addr] -> the ref from its local
            }
        } else {
            throw new IllegalStateException("unknown decision " + d);
        }
    }
}
