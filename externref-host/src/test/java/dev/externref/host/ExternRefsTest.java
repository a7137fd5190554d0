package dev.externref.host;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExternRefsTest {
    private final ExternRefs refs = new ExternRefs();

    private record Person(String name) {
    }

    @Test
    void nullIsTheNullHandleAndCountsNothing() {
        assertEquals(ExternRefs.NULL, refs.handOut(null));
        assertNull(refs.object(ExternRefs.NULL));
        assertNull(refs.object(ExternRefs.NULL, Person.class));
        refs.release(ExternRefs.NULL);
        assertEquals(0, refs.liveCount());
        assertEquals(0, refs.heldReferences());
    }

    @Test
    void oneObjectOneHandleByIdentityNotEquals() {
        Person ann = new Person("Ann");
        long h = refs.handOut(ann);
        assertEquals(h, refs.handOut(ann), "the same object keeps its handle while held");
        long twin = refs.handOut(new Person("Ann"));
        assertNotEquals(h, twin, "an equal but distinct object is another reference");
        assertSame(ann, refs.object(h, Person.class));
        assertEquals(2, refs.liveCount());
        assertEquals(3, refs.heldReferences());
    }

    @Test
    void anObjectLeavesWhenItsLastReferenceIsReleased() {
        Person ann = new Person("Ann");
        long h = refs.handOut(ann);
        refs.handOut(ann);
        refs.release(h);
        assertSame(ann, refs.object(h), "still held once");
        refs.release(h);
        assertEquals(0, refs.liveCount());
        UnknownHandleException e = assertThrows(UnknownHandleException.class, () -> refs.object(h));
        assertEquals(h, e.handle());
        assertTrue(e.getMessage().contains("was released"), e.getMessage());
        assertTrue(assertThrows(UnknownHandleException.class, () -> refs.release(h)).getMessage().contains("was released"));
    }

    @Test
    void forgedHandlesAreRejected() {
        refs.handOut("x");
        for (long forged : new long[] {0, 1, 7, ExternRefs.FIRST_HANDLE - 1, ExternRefs.FIRST_HANDLE + 1, -2,
                Integer.MAX_VALUE, 1L << 40}) {
            UnknownHandleException e = assertThrows(UnknownHandleException.class, () -> refs.object(forged));
            assertEquals("externref handle " + forged + " was never handed out by this registry", e.getMessage());
            assertThrows(UnknownHandleException.class, () -> refs.release(forged));
        }
    }

    @Test
    void aWrongTypeIsAClassCastNamingBoth() {
        long h = refs.handOut("Hi");
        ClassCastException e = assertThrows(ClassCastException.class, () -> refs.object(h, Person.class));
        assertTrue(e.getMessage().contains("java.lang.String") && e.getMessage().contains("Person"), e.getMessage());
    }

    @Test
    void releasesInsideACallApplyWhenTheOutermostCallEnds() {
        Person ann = new Person("Ann");
        long h = refs.handOut(ann);
        try (ExternRefs.CallScope outer = refs.call()) {
            try (ExternRefs.CallScope inner = refs.call()) {
                refs.release(h); // the guest drops the reference it is about to return
            }
            assertEquals(0, refs.liveCount());
            assertSame(ann, refs.object(h), "what an export returns can still be looked up");
        }
        assertThrows(UnknownHandleException.class, () -> refs.object(h));
    }

    @Test
    void anObjectHandedOutAgainInsideTheCallStays() {
        Person ann = new Person("Ann");
        long h = refs.handOut(ann);
        try (ExternRefs.CallScope call = refs.call()) {
            refs.release(h);
            assertEquals(h, refs.handOut(ann));
        }
        assertSame(ann, refs.object(h));
        assertEquals(1, refs.liveCount());
    }

    @Test
    void handlesStartFarFromSlotIndicesAndAreNeverReusedWhileLive() {
        long first = refs.handOut(new Object());
        assertEquals(ExternRefs.FIRST_HANDLE, first);
        refs.release(first);
        long second = refs.handOut(new Object());
        assertNotEquals(first, second, "a released handle is not handed out again right away");
    }
}
