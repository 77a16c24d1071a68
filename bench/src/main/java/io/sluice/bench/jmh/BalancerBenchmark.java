package io.sluice.bench.jmh;

import io.sluice.spawner.balance.BalancePolicy;
import io.sluice.spawner.registry.BackendView;
import io.sluice.spawner.registry.SelectionKey;
import io.sluice.spawner.spec.BackendAddress;
import io.sluice.spawner.spec.BalanceKind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One balancing decision per call for each {@link BalanceKind} over N backends with varied loads.
 * JMH state is per benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BalancerBenchmark {

    @Param({"LEAST_CONNECTION", "ROUND_ROBIN", "HASH", "STICKY"})
    public BalanceKind kind;

    @Param({"1", "4", "16"})
    public int backends;

    private BalancePolicy policy;
    private List<BackendView> views;
    private SelectionKey key;

    @Setup
    public void setUp() {
        policy = BalancePolicy.of(kind);
        views = new ArrayList<>();
        for (int i = 0; i < backends; i++) {
            views.add(new FixedView(new BackendAddress.Tcp("127.0.0.1", 9000 + i), (i * 7) % 5, true));
        }
        key = new SelectionKey("/echo/session", "example.com:8080", "10.1.2.3");
    }

    @Benchmark
    public int select() {
        return policy.select(views, key);
    }

    /** A backend with a fixed load. Immutable. */
    private record FixedView(BackendAddress address, int load, boolean active) implements BackendView {
    }
}
