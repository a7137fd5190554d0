package dev.externref.engine.analysis;

import static dev.externref.engine.format.Opcodes.LOOP;

/**
 * One level of structured control flow in the analysis: the function itself, a block, a loop
 * or an if. It gathers what the branches to its label carry (the state and the values), and
 * where its code stops being reachable.
 */
final class ControlFrame {
    /** {@link #opcode} of the function's own frame. */
    static final int FUNCTION = -1;
    /** {@link #deadFrom} of a frame that no path enters: all of its code is dead. */
    static final int INSIDE_DEAD = -2;
    private static final long[] NO_VALUES = {};

    final int opcode;
    final int start;
    final int height;
    final int nParams;
    final int nResults;
    final AbstractState label;  // block/if/function: state at the end; loop: state at the head
    final long[] labelValues;   // merged kinds of the values a branch carries
    int blockType;              // as InstructionReader#blockType()
    AbstractState elseState;    // if: the state for the else branch
    long[] elseValues;
    long[] headValues;          // loop: the parameter values at its head, kept across passes
    boolean unreachable;
    int deadFrom = -1;          // where code that never runs starts in this frame; INSIDE_DEAD: all of it

    ControlFrame(int opcode, int start, int height, int nParams, int nResults, AbstractState label, int labelArity) {
        this.opcode = opcode;
        this.start = start;
        this.height = height;
        this.nParams = nParams;
        this.nResults = nResults;
        this.label = label;
        this.labelValues = labelArity == 0 ? NO_VALUES : new long[labelArity];
    }

    /** The values a branch to this frame carries: a loop's parameters, the results of anything else. */
    int labelArity() {
        return opcode == LOOP ? nParams : nResults;
    }
}
