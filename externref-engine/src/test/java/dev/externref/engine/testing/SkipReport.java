package dev.externref.engine.testing;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Prints every skipped or aborted test or class with its reason to the console of the test
 * command, where otherwise only "Skipped: 1" or "Tests run: 0" would appear (the reasons stay
 * in the XML reports). Registered for the JUnit Platform launcher that surefire and failsafe
 * run, through {@code META-INF/services}.
 */
public final class SkipReport implements TestExecutionListener {
    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        print(test, reason);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
            print(test, result.getThrowable().map(Throwable::getMessage).orElse("aborted"));
        }
    }

    private static void print(TestIdentifier test, String reason) {
        String what = test.isContainer() ? "all tests of " : "";
        System.out.println("[SKIPPED] " + what + name(test) + ": " + reason);
        System.out.flush();
    }

    private static String name(TestIdentifier test) {
        TestSource source = test.getSource().orElse(null);
        if (source instanceof MethodSource m) {
            return simpleName(m.getClassName()) + "." + m.getMethodName();
        }
        if (source instanceof ClassSource c) {
            return simpleName(c.getClassName());
        }
        return test.getDisplayName();
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
