package dev.externref.engine.transform;

import com.dylibso.chicory.wasm.ChicoryException;
import dev.externref.engine.ExternrefProcessor;
import dev.externref.engine.testing.Checkout;
import dev.externref.engine.testing.Node;
import dev.externref.engine.transform.testkit.Demo;
import dev.externref.engine.transform.testkit.Modules;
import dev.externref.engine.transform.testkit.RefHost;
import dev.externref.engine.transform.testkit.Records;
import dev.externref.engine.transform.testkit.ValidatedOutputs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ABI.md, "Slot semantics", on the generated glue: a module whose exports are thin wrappers
 * of {@code externref.insert/get/drop}, processed with a drop hook, run on Chicory here and in
 * V8 by {@code src/test/node/slot-semantics.mjs}.
 */
class SlotGlueTest {
    @RegisterExtension
    static final ValidatedOutputs outputs = new ValidatedOutputs();

    static final byte[] WRAPPERS = Records.of().export("insert", 2, 0).export("get", 2, 1).appendTo(Modules.wat("""
            (module
              (import "externref" "insert" (func $insert (param i32) (result i32)))
              (import "externref" "get" (func $get (param i32) (result i32)))
              (import "externref" "drop" (func $drop (param i32)))
              (func (export "insert") (param i32) (result i32) local.get 0 call $insert)
              (func (export "get") (param i32) (result i32) local.get 0 call $get)
              (func (export "drop") (param i32) local.get 0 call $drop))
            """));

    private Glue glue;

    /** The processed wrappers on Chicory, with a drop hook that records and checks. */
    private static final class Glue {
        final RefHost refs = new RefHost();
        final List<Object> drops = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
        final com.dylibso.chicory.runtime.Instance instance;

        Glue(byte[] processed) {
            instance = RefHost.instantiate(processed, RefHost.function("hooks", "drop",
                    List.of(com.dylibso.chicory.wasm.types.ValType.ExternRef), List.of(), (inst, args) -> {
                        Object o = refs.deref(args[0]);
                        if (o == null || refs.live(inst.exports().table("externrefs")).stream().noneMatch(r -> r == o)) {
                            failures.add("drop hook called with " + o + ", which is not in the table");
                        }
                        drops.add(o);
                        return null;
                    }));
        }

        int insert(Object o) {
            return (int) instance.export("insert").apply(refs.ref(o))[0];
        }

        Object get(int index) {
            return refs.deref(instance.export("get").apply(index)[0]);
        }

        void drop(int index) {
            instance.export("drop").apply(index);
        }

        List<Object> slots() {
            return refs.slots(instance.exports().table("externrefs"));
        }

        int size() {
            return instance.exports().table("externrefs").size();
        }
    }

    private static byte[] processed() {
        return outputs.process(ExternrefProcessor.builder().dropFunction(Demo.HOOK).build(), WRAPPERS, "wrappers").output();
    }

    @BeforeEach
    void instantiate() {
        glue = new Glue(processed());
    }

    private static void assertTraps(Runnable call) {
        ChicoryException e = assertThrows(ChicoryException.class, call::run);
        assertTrue(String.valueOf(e.getMessage()).contains("out of bounds table access"), e.toString());
    }

    @Test
    void insertOfNullIsMinusOneAndTakesNoSlot() {
        assertEquals(-1, glue.insert(null));
        assertTrue(glue.slots().stream().allMatch(s -> s == null), glue.slots()::toString);
    }

    @Test
    void getOfMinusOneIsNull() {
        assertNull(glue.get(-1));
        glue.insert("x");
        assertNull(glue.get(-1));
    }

    @Test
    void insertedReferencesComeBackFromGetAndSitAtTheirIndex() {
        Object a = new Object();
        Object b = new Object();
        int ia = glue.insert(a);
        int ib = glue.insert(b);
        assertTrue(ia >= 0 && ib >= 0);
        assertNotEquals(ia, ib);
        assertSame(a, glue.get(ia));
        assertSame(b, glue.get(ib));
        assertSame(a, glue.slots().get(ia), "the exported table holds a at the index the module holds for it");
        assertSame(b, glue.slots().get(ib));
        assertSame(a, glue.get(ia), "get does not remove");
    }

    @Test
    void dropCallsTheHookThenClearsTheSlotAndLeavesOthersAlone() {
        Object a = new Object();
        Object b = new Object();
        int ia = glue.insert(a);
        int ib = glue.insert(b);
        glue.drop(ia);
        assertEquals(List.of(a), glue.drops);
        assertEquals(List.of(), glue.failures, "a was still in the table while the hook ran");
        assertNull(glue.slots().get(ia));
        assertNull(glue.get(ia), "a dropped slot gives null");
        assertSame(b, glue.get(ib));
    }

    @Test
    void dropOfAFreeSlotDoesNothing() {
        Object a = new Object();
        Object b = new Object();
        int ia = glue.insert(a);
        int ib = glue.insert(b);
        glue.drop(ia);
        List<Object> before = glue.slots();
        glue.drop(ia);
        assertEquals(List.of(a), glue.drops, "no hook call for a free slot");
        assertEquals(before, glue.slots());
        assertSame(b, glue.get(ib));
    }

    @Test
    void liveIndicesNeverCollide() {
        Random random = new Random(42);
        Map<Integer, Object> live = new HashMap<>();
        List<Object> expectedDrops = new ArrayList<>();
        for (int step = 0; step < 600; step++) {
            if (live.isEmpty() || random.nextInt(3) != 0) {
                Object o = new Object();
                int i = glue.insert(o);
                assertTrue(i >= 0, "step " + step + ": index " + i);
                assertNull(live.put(i, o), "step " + step + ": insert gave live index " + i);
            } else {
                List<Integer> keys = new ArrayList<>(live.keySet());
                int i = keys.get(random.nextInt(keys.size()));
                expectedDrops.add(live.remove(i));
                glue.drop(i);
            }
            if (step % 50 == 0) {
                live.forEach((i, o) -> assertSame(o, glue.get(i)));
            }
        }
        live.forEach((i, o) -> assertSame(o, glue.get(i)));
        assertEquals(expectedDrops, glue.drops);
        assertEquals(List.of(), glue.failures);
        long held = glue.slots().stream().filter(s -> s != null).count();
        assertEquals(live.size(), held, "the table holds exactly the live references");
    }

    @Test
    void indicesOutsideTheTableTrap() {
        glue.insert("x");
        int size = glue.size();
        assertTraps(() -> glue.get(size));
        assertTraps(() -> glue.get(size + 1000));
        assertTraps(() -> glue.get(-2));
        assertTraps(() -> glue.drop(size));
        assertTraps(() -> glue.drop(Integer.MAX_VALUE));
        assertEquals(List.of(), glue.drops);
    }

    @Test
    void theSameSemanticsHoldInV8(@TempDir Path dir) throws Exception {
        Path module = Files.write(dir.resolve("wrappers.wasm"), processed());
        Node.Result r = Node.run(Checkout.resolve("externref-engine/src/test/node/slot-semantics.mjs"), module.toString());
        assertEquals(0, r.exitCode(), r::describe);
        assertTrue(r.stdout().contains("slot-semantics: OK"), r::describe);
    }
}
