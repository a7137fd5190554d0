package dev.externref.engine.guest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.externref.engine.ExternrefProcessor;
import dev.externref.engine.guest.GuestModules.GuestModule;
import dev.externref.engine.testing.HostRuntime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The host library's live count over a long run of a real Rust module ({@code release}): with
 * the drop hook the registry is empty again after every round, however many objects went
 * through it; processed without the hook, every object the guest was handed stays, and the
 * live count grows by exactly that many each round: a leak a test can see.
 */
class LiveCountTest {
    private static final int ROUNDS = 100;
    /** build_list(20): 20 items and one combination; roundtrip: its argument; churn(20): 20 objects. */
    private static final int OBJECTS_PER_ROUND = 21 + 1 + 20;

    private static GuestModule release() {
        return GuestModules.all().stream().filter(m -> m.name().equals("release")).findFirst().orElseThrow();
    }

    @ParameterizedTest
    @EnumSource(HostRuntime.class)
    void withTheDropHookTheRegistryEmptiesAfterEveryRound(HostRuntime runtime) {
        byte[] processed = GuestModules.processed(release()).output();
        GuestHost host = GuestHost.start(runtime, processed, GuestInterface.MAIN, GuestModules.DROP_HOOK,
                ExternrefProcessor.DEFAULT_TABLE_NAME);
        List<Integer> live = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            runRound(host, i);
            live.add(host.liveObjects());
            assertThat(host.heldReferences()).as("round %d", i).isZero();
        }
        assertThat(live).as("live objects after each of %d rounds (%d objects each)", ROUNDS, OBJECTS_PER_ROUND)
                .containsOnly(0);
        assertThat(host.drops()).isEqualTo(ROUNDS * OBJECTS_PER_ROUND);
    }

    @ParameterizedTest
    @EnumSource(HostRuntime.class)
    void withoutTheDropHookTheLiveCountGrowsByEveryObjectHandedIn(HostRuntime runtime) {
        byte[] processed = ExternrefProcessor.builder().build().process(release().bytes()).output();
        GuestHost host = GuestHost.start(runtime, processed, GuestInterface.MAIN, null,
                ExternrefProcessor.DEFAULT_TABLE_NAME);
        for (int i = 0; i < 20; i++) {
            runRound(host, i);
            assertThat(host.liveObjects()).as("round %d", i).isEqualTo((i + 1) * OBJECTS_PER_ROUND);
        }
        assertThat(host.tableSize()).as("while the guest's own table is reused").isLessThan(64);
    }

    private static void runRound(GuestHost host, int i) {
        host.events = new ArrayList<>();
        host.call("build_list", 20);
        HostObject o = host.given("round-" + i);
        assertThat(host.call("roundtrip", o)).isSameAs(o);
        assertThat(host.call("churn", 20)).isEqualTo(100);
    }
}
