/**
 * The reference analysis: which values of a function are host references, and what the
 * transform must change for that. In reading order:
 *
 * <ul>
 *   <li>{@link dev.externref.engine.analysis.Analyzer}: the entry point and driver (structured
 *       control flow, loop fixpoint, code that never runs);</li>
 *   <li>{@code FlowInterpreter}: what one instruction does (locals, globals, calls; the rest by
 *       the stack-effect column of {@link dev.externref.engine.format.Opcodes});</li>
 *   <li>{@code ShadowStack}: the memory model, frame slots addressed from a global plus an
 *       offset, and the addresses that escape;</li>
 *   <li>{@code AbstractState}, {@code OperandStack}, {@code ControlFrame}: what is known at a
 *       program point;</li>
 *   <li>{@code RefValue}: the value domain and its merge;</li>
 *   <li>{@code DecisionLog}: what a pass decided, and the plan it amounts to;</li>
 *   <li>{@link dev.externref.engine.analysis.FunctionDecisions}: the result, decisions rather
 *       than bytes (the transform encodes them);</li>
 *   <li>{@link dev.externref.engine.analysis.Signatures}: what the analysis is told about the
 *       functions a body calls.</li>
 * </ul>
 */
package dev.externref.engine.analysis;
