package io.sluice.spawner.balance;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.spawner.registry.SelectionKey;
import io.sluice.spawner.spec.BalanceKind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LeastConnectionAndRoundRobinTest {

    private static final SelectionKey KEY = new SelectionKey("/echo/", "example.com", "192.0.2.7");

    @Test
    void leastConnectionPicksTheLowestLoad() {
        var backends = List.of(TestBackend.loaded(3), TestBackend.loaded(1), TestBackend.loaded(2));
        assertThat(BalancePolicy.leastConnection().select(backends, KEY)).isEqualTo(1);
    }

    @Test
    void leastConnectionTiesGoToTheLowestIndex() {
        var backends = List.of(TestBackend.loaded(2), TestBackend.loaded(1), TestBackend.loaded(1));
        assertThat(BalancePolicy.leastConnection().select(backends, KEY)).isEqualTo(1);
        var idle = List.of(TestBackend.loaded(0), TestBackend.loaded(0), TestBackend.loaded(0));
        assertThat(BalancePolicy.leastConnection().select(idle, KEY)).isZero();
    }

    @Test
    void leastConnectionSkipsInactiveBackendsEvenWhenTheyAreIdle() {
        var backends = List.of(TestBackend.loaded(0).inactive(), TestBackend.loaded(5), TestBackend.loaded(4));
        assertThat(BalancePolicy.leastConnection().select(backends, KEY)).isEqualTo(2);
    }

    @Test
    void roundRobinCyclesInConfigOrder() {
        BalancePolicy policy = BalancePolicy.roundRobin();
        var backends = List.of(TestBackend.loaded(0), TestBackend.loaded(0), TestBackend.loaded(0));
        assertThat(picks(policy, backends, 6)).containsExactly(0, 1, 2, 0, 1, 2);
    }

    @Test
    void roundRobinSkipsInactiveBackendsAndKeepsItsCursorWhenOneReturns() {
        BalancePolicy policy = BalancePolicy.roundRobin();
        var all = List.of(TestBackend.loaded(0), TestBackend.loaded(0), TestBackend.loaded(0));
        var middleDown = List.of(all.get(0), all.get(1).inactive(), all.get(2));
        assertThat(picks(policy, middleDown, 4)).containsExactly(0, 2, 0, 2);
        // lighttpd: the cursor is the last index used (2), so the next pick wraps to the first active, 0.
        assertThat(picks(policy, all, 3)).containsExactly(0, 1, 2);
    }

    @Test
    void roundRobinWithNothingActiveResetsItsCursor() {
        BalancePolicy policy = BalancePolicy.roundRobin();
        var all = List.of(TestBackend.loaded(0), TestBackend.loaded(0), TestBackend.loaded(0));
        assertThat(picks(policy, all, 2)).containsExactly(0, 1);
        var down = all.stream().map(TestBackend::inactive).toList();
        assertThat(policy.select(down, KEY)).isEqualTo(-1);
        assertThat(picks(policy, all, 2)).containsExactly(0, 1);
    }

    @Test
    void roundRobinInstancesPerRouteAreIndependent() {
        var backends = List.of(TestBackend.loaded(0), TestBackend.loaded(0));
        BalancePolicy first = BalancePolicy.of(BalanceKind.ROUND_ROBIN);
        BalancePolicy second = BalancePolicy.of(BalanceKind.ROUND_ROBIN);
        assertThat(first).isNotSameAs(second);
        assertThat(picks(first, backends, 3)).containsExactly(0, 1, 0);
        assertThat(picks(second, backends, 1)).containsExactly(0);
    }

    @Test
    void roundRobinSharesTheSequenceFairlyBetweenThreads() {
        BalancePolicy policy = BalancePolicy.roundRobin();
        var backends = List.of(TestBackend.loaded(0), TestBackend.loaded(0), TestBackend.loaded(0));
        AtomicIntegerArray counts = new AtomicIntegerArray(3);
        IntStream.range(0, 30_000).parallel().forEach(i -> counts.incrementAndGet(policy.select(backends, KEY)));
        assertThat(List.of(counts.get(0), counts.get(1), counts.get(2))).containsOnly(10_000);
    }

    @ParameterizedTest
    @EnumSource(BalanceKind.class)
    void everyPolicyTakesASingleBackendIffActive(BalanceKind kind) {
        BalancePolicy policy = BalancePolicy.of(kind);
        assertThat(policy.select(List.of(TestBackend.loaded(7)), KEY)).isZero();
        assertThat(policy.select(List.of(TestBackend.loaded(7).inactive()), KEY)).isEqualTo(-1);
        assertThat(policy.select(List.of(), KEY)).isEqualTo(-1);
    }

    private static List<Integer> picks(BalancePolicy policy, List<TestBackend> backends, int count) {
        List<Integer> picks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            picks.add(policy.select(backends, KEY));
        }
        return picks;
    }
}
