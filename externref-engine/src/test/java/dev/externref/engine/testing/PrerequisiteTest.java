package dev.externref.engine.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class PrerequisiteTest {
    @Test
    void outsideCiAMissingPrerequisiteSkipsWithTheMessage() {
        TestAbortedException e = assertThrows(TestAbortedException.class,
                () -> Prerequisite.missing("thing not found: /x (property p)", false));
        assertEquals("thing not found: /x (property p)", e.getMessage());
    }

    @Test
    void inCiAMissingPrerequisiteFailsWithTheMessage() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> Prerequisite.missing("thing not found: /x (property p)", true));
        assertTrue(e.getMessage().startsWith("thing not found: /x (property p)"), e.getMessage());
        assertTrue(e.getMessage().contains("CI=true"), e.getMessage());
    }
}
