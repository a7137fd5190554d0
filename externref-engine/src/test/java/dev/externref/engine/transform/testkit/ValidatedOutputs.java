package dev.externref.engine.transform.testkit;

import dev.externref.engine.ExternrefProcessor;
import dev.externref.engine.equivalence.RecordedScenarios;
import dev.externref.engine.ProcessingResult;
import dev.externref.engine.testing.Node;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;

/**
 * Every module a test class produces must pass {@code WebAssembly.validate}: register this as
 * a static extension, process through it, and after the class all outputs are validated by V8
 * in one Node process.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ValidatedOutputs outputs = new ValidatedOutputs();
 * ...
 * ProcessingResult r = outputs.process(ExternrefProcessor.builder().build(), input, "what");
 * }</pre>
 */
public final class ValidatedOutputs implements AfterAllCallback {
    private final List<String> labels = new ArrayList<>();
    private final List<byte[]> modules = new ArrayList<>();
    private final List<RecordedScenarios.Processed> processed = new ArrayList<>();

    /** Processes {@code input} and keeps the output (when changed) for validation. */
    public ProcessingResult process(ExternrefProcessor processor, byte[] input, String label) {
        ProcessingResult r = processor.process(input);
        if (r.changed()) {
            byte[] output = add(label, r.output());
            synchronized (this) {
                processed.add(new RecordedScenarios.Processed(label, input.clone(), output));
            }
        }
        return r;
    }

    /** Processes with the default options. */
    public ProcessingResult process(byte[] input, String label) {
        return process(ExternrefProcessor.builder().build(), input, label);
    }

    /** Keeps a module for validation; returns it. */
    public synchronized byte[] add(String label, byte[] module) {
        labels.add(label);
        modules.add(module);
        return module;
    }

    public synchronized int size() {
        return modules.size();
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        if (modules.isEmpty()) {
            return;
        }
        List<Node.Validation> verdicts = Node.validateBytes(modules);
        List<String> invalid = new ArrayList<>();
        for (int i = 0; i < verdicts.size(); i++) {
            if (!verdicts.get(i).valid()) {
                invalid.add(labels.get(i) + ": " + verdicts.get(i).status() + " " + verdicts.get(i).message());
            }
        }
        if (!invalid.isEmpty()) {
            throw new AssertionError(invalid.size() + " of " + modules.size() + " processed module(s) of "
                    + context.getDisplayName() + " fail WebAssembly.validate:\n  " + String.join("\n  ", invalid));
        }
        // The modules the test ran: unprocessed and processed must behave the same under its calls.
        List<String> different = RecordedScenarios.check(processed);
        if (!different.isEmpty()) {
            throw new AssertionError(different.size() + " module(s) of " + context.getDisplayName()
                    + " behave differently processed:\n  " + String.join("\n  ", different));
        }
    }
}
