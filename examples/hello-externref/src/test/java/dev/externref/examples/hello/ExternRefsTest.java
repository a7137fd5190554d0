package dev.externref.examples.hello;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ExternRefsTest {
    private final ExternRefs refs = new ExternRefs();

    @Test
    void nullIsMinusOne() {
        assertEquals(-1, refs.toHandle(null));
        assertNull(refs.toObject(-1));
    }

    @Test
    void objectsMapToStableHandlesByIdentity() {
        Person ann = new Person("Ann");
        long h = refs.toHandle(ann);
        assertEquals(h, refs.toHandle(ann));
        assertNotEquals(h, refs.toHandle(new Person("Ann")), "an equal but distinct object is another reference");
        assertSame(ann, refs.toObject(h));
        assertSame(ann, refs.toObject(h, Person.class));
    }

    @Test
    void unknownHandlesAndWrongTypesAreErrors() {
        assertThrows(IllegalArgumentException.class, () -> refs.toObject(7));
        long h = refs.toHandle("Hi");
        assertThrows(IllegalArgumentException.class, () -> refs.toObject(h, Person.class));
    }
}
