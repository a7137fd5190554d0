package dev.externref.host.contract;

import com.dylibso.chicory.wabt.Wat2Wasm;
import dev.externref.host.Arguments;
import dev.externref.host.ExternRefHost;
import dev.externref.host.ExternRefs;
import dev.externref.host.UnknownHandleException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every runtime adapter must do, run against a hand-written module in processed form
 * ({@code contract-guest.wat}). An adapter's test provides its builder and a memory read.
 *
 * @param <I> the runtime's instance type
 */
public abstract class HostContract<I> {
    /** The contract guest as a binary module. */
    protected static final byte[] MODULE = compile();

    /** The adapter's builder for a module. */
    protected abstract ExternRefHost.Builder<I, ?> builder(byte[] module);

    /** Reads a UTF-8 string from the instance's memory. */
    protected abstract String readString(I instance, int ptr, int len);

    /**
     * Starts {@link #MODULE} with imports {@code host.make} (the string at ptr/len via
     * {@link #make}), {@code host.len} ({@link #len}), {@code host.pair} ({@link #pair}) and the
     * drop hook {@code host.released} telling {@code dropped}.
     */
    private ExternRefHost start(ExternRefs refs, Consumer<Object> dropped) {
        return builder(MODULE).refs(refs)
                .function("host", "make", (instance, args) -> make(readString(instance, args.i32(0), args.i32(1))))
                .function("host", "len", (instance, args) -> len(args))
                .function("host", "pair", (instance, args) -> pair(args))
                .dropHook("host", "released", dropped)
                .build();
    }

    private void provideFunction(String module, String name) {
        builder(MODULE).function(module, name, (instance, args) -> null);
    }

    private void provideDropHook(String module, String name) {
        builder(MODULE).dropHook(module, name);
    }

    /** {@code host.make}: a new host object. */
    protected static Object make(String text) {
        return new StringBuilder(text);
    }

    /** {@code host.len}: the length of a made object. */
    protected static Object len(Arguments args) {
        return args.ref(0, StringBuilder.class).length();
    }

    /** {@code host.pair}: the object itself and its length, two results. */
    protected static Object pair(Arguments args) {
        Object o = args.ref(0, Object.class);
        return new Object[] {o, (long) String.valueOf(o).length()};
    }

    private final ExternRefs refs = new ExternRefs();
    private final List<Object> dropped = new ArrayList<>();

    @Test
    void objectsGoInAndComeBackTheSame() {
        ExternRefHost guest = start(refs, dropped::add);
        Object ann = new Object();
        int slot = (int) guest.call("keep", ann);
        assertEquals(1, refs.liveCount());
        assertSame(ann, guest.call("take", slot), "the object the guest returns is the one it was given");
        assertEquals(List.of(ann), dropped);
        assertEquals(0, refs.liveCount(), "the guest dropped it: the registry is empty again");
        assertEquals(0, refs.heldReferences());
    }

    @Test
    void hostFunctionsReceiveAndReturnObjects() {
        ExternRefHost guest = start(refs, dropped::add);
        int slot = (int) guest.call("make_hello");
        assertEquals(5, guest.call("len_of", slot));
        Object[] pair = (Object[]) guest.call("pair_of", slot);
        assertEquals(2, refs.heldReferences(), "the object is now in two slots");
        assertEquals(1, refs.liveCount(), "one object");
        assertEquals(5L, pair[1]);
        Object made = guest.call("take", slot);
        assertEquals("hello", made.toString());
        assertSame(made, guest.call("take", pair[0]));
        assertEquals(List.of(made, made), dropped);
        assertEquals(0, refs.liveCount());
    }

    @Test
    void nullPassesBothWaysAndCountsNothing() {
        ExternRefHost guest = start(refs, dropped::add);
        int slot = (int) guest.call("keep", (Object) null);
        assertEquals(0, refs.liveCount());
        assertNull(guest.call("take", slot));
    }

    @Test
    void numbersKeepTheirTypes() {
        ExternRefHost guest = start(refs, dropped::add);
        assertEquals(1.0 + 2 + 0.5 + 0.25, guest.call("mixed", 1, 2L, 0.5f, 0.25, null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> guest.call("mixed", "1", 2L, 0.5f, 0.25, new Object()));
        assertEquals("argument 0 of mixed is a java.lang.String, expected an Integer (i32)", e.getMessage());
        assertEquals(0, refs.heldReferences(), "a call with a wrong number hands out none of its objects");
        assertThrows(IllegalArgumentException.class, () -> guest.call("keep"), "wrong argument count");
    }

    @Test
    void aReleasedHandleIsRejected() {
        ExternRefHost guest = start(refs, dropped::add);
        int slot = (int) guest.call("keep", new StringBuilder("x"));
        guest.call("stash", slot);
        guest.call("drop", slot);
        assertEquals(0, refs.liveCount());
        RuntimeException e = assertThrows(RuntimeException.class, () -> guest.call("len_of_stash"));
        assertTrue(causes(e).stream().anyMatch(c -> c instanceof UnknownHandleException), () -> String.valueOf(e));
    }

    @Test
    void unknownImportsAndExportsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> provideFunction("host", "nope"));
        assertTrue(e.getMessage().startsWith("the module imports no function host::nope; its function imports are [host::make"),
                e.getMessage());
        IllegalArgumentException hook = assertThrows(IllegalArgumentException.class, () -> provideDropHook("host", "len"));
        assertEquals("the drop hook host::len has type [externref] -> [i32], expected [externref] -> []", hook.getMessage());
        ExternRefHost guest = start(refs, dropped::add);
        IllegalArgumentException export = assertThrows(IllegalArgumentException.class, () -> guest.call("nope"));
        assertTrue(export.getMessage().startsWith("the module exports no function nope"), export.getMessage());
    }

    private static List<Throwable> causes(Throwable t) {
        List<Throwable> all = new ArrayList<>();
        for (Throwable c = t; c != null && !all.contains(c); c = c.getCause()) {
            all.add(c);
        }
        return all;
    }

    private static byte[] compile() {
        try (InputStream in = HostContract.class.getResourceAsStream("/contract-guest.wat")) {
            return Wat2Wasm.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
