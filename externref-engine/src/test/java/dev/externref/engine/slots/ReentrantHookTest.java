package dev.externref.engine.slots;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.TableInstance;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import dev.externref.engine.SlotAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.Map;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A drop hook may call back into the module. If it drops the very slot being dropped (a host
 * that re-enters once), that slot is released once: counted free once, so later inserts
 * neither lose nor invent slots.
 */
class ReentrantHookTest {
    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aHookThatDropsTheSameSlotAgainReleasesItOnce() {
        byte[] module = SlotGuest.processed(new SlotGuest.Config(SlotAllocator.AMORTIZED, true));
        Instance[] self = new Instance[1];
        Map<Long, Long> slotOf = new HashMap<>(); // object handle -> its slot
        List<Long> hooked = new ArrayList<>();
        Set<Long> reentered = new HashSet<>();
        ImportValues imports = ImportValues.builder()
                .addFunction(new HostFunction(SlotGuest.HOOK_MODULE, SlotGuest.HOOK_NAME,
                        FunctionType.of(List.of(ValType.ExternRef), List.of()), (instance, args) -> {
                            hooked.add(args[0]);
                            if (reentered.add(args[0])) { // once per object: the nested drop calls the hook too
                                self[0].export("drop").apply(slotOf.get(args[0])); // the same slot, again
                            }
                            return null;
                        }))
                .build();
        Instance instance = Instance.builder(Parser.parse(module)).withImportValues(imports).build();
        self[0] = instance;
        Map<Long, Long> live = new HashMap<>(); // slot -> object
        long next = ChicorySlots.HANDLE_BASE;
        for (int i = 0; i < 24; i++) {
            long slot = instance.export("ins").apply(next)[0];
            slotOf.put(next, slot);
            live.put(slot, next++);
        }
        List<Long> dropped = new ArrayList<>(live.keySet()).subList(0, 10);
        for (long slot : List.copyOf(dropped)) {
            instance.export("drop").apply(slot);
            live.remove(slot);
        }
        assertThat(hooked).hasSize(20); // each drop's hook, and the nested drop's

        // Counted twice, the free slots would be 20 too many: once the real ones are refilled,
        // insert would scan a full table for ever. Counted once, it grows the table instead.
        // (The class timeout is the guard against that hang.)
        for (int i = 0; i < 40; i++) {
            long slot = instance.export("ins").apply(next)[0];
            assertThat(live).doesNotContainKey(slot);
            live.put(slot, next++);
        }
        assertThat(live).hasSize(24 - 10 + 40);
        TableInstance table = instance.exports().table(SlotGuest.TABLE);
        for (Map.Entry<Long, Long> e : live.entrySet()) {
            assertThat((long) table.ref(e.getKey().intValue())).as("slot %d", e.getKey()).isEqualTo(e.getValue());
        }
        assertThat(table.size()).isLessThanOrEqualTo(8 * 54 / 3 + 16);
    }
}
