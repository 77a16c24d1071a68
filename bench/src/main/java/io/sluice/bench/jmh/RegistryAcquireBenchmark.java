package io.sluice.bench.jmh;

import io.sluice.spawner.pool.ProcessPool;
import io.sluice.spawner.pool.RouteSnapshot;
import io.sluice.spawner.pool.SnapshotRegistry;
import io.sluice.spawner.registry.Acquisition;
import io.sluice.spawner.registry.Lease;
import io.sluice.spawner.registry.SelectionKey;
import io.sluice.spawner.registry.SessionRequest;
import io.sluice.spawner.spec.BackendAddress;
import io.sluice.spawner.spec.BackendGroup;
import io.sluice.spawner.spec.BackendSpec;
import io.sluice.spawner.spec.BalanceKind;
import java.time.Duration;
import java.time.InstantSource;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code Registry.acquire} then {@code Lease.close} on a route of N existing (not spawned) backends, the work done
 * once per tunnel on an event loop. Pools are wired as the supervisor wires them, with posted tasks run at once.
 * The registry is shared by the benchmark threads, as by event loops.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RegistryAcquireBenchmark {
    private static final String ROUTE = "/echo";

    @Param({"1", "4"})
    public int backends;

    @Param({"LEAST_CONNECTION", "ROUND_ROBIN"})
    public BalanceKind balance;

    private SnapshotRegistry registry;
    private final SessionRequest request = new SessionRequest(new SelectionKey(ROUTE, "127.0.0.1:8081", "127.0.0.1"),
            "bench-1", null, List::of);

    @Setup
    public void setUp() {
        List<BackendSpec> specs = new ArrayList<>();
        for (int i = 0; i < backends; i++) {
            specs.add(BackendSpec.existing("echo" + i, new BackendAddress.Tcp("127.0.0.1", 9000 + i),
                Duration.ofSeconds(1), Duration.ofSeconds(8)));
        }
        BackendGroup group = new BackendGroup(ROUTE, balance, specs);
        registry = new SnapshotRegistry(List.of(group), () -> { });
        List<ProcessPool> pools = new ArrayList<>();
        for (BackendSpec spec : specs) {
            ProcessPool pool = new ProcessPool(ROUTE, spec, InstantSource.system(), Runnable::run,
                (worker, from, to, why) -> { });
            pools.add(pool);
            pool.start();
        }
        registry.publish(RouteSnapshot.of(ROUTE, pools));
    }

    @Benchmark
    public Acquisition acquireAndClose() {
        Acquisition acquisition = registry.acquire(ROUTE, request);
        if (acquisition instanceof Lease lease) {
            lease.close();
        }
        return acquisition;
    }

    @Benchmark
    @Threads(2)
    public Acquisition acquireAndCloseFromTwoLoops() {
        return acquireAndClose();
    }
}
