package io.sluice.tunnel.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.spawner.status.BackendStatus;
import io.sluice.spawner.status.ExitKey;
import io.sluice.spawner.status.StatusSource;
import io.sluice.spawner.status.WorkerStatus;
import io.sluice.tunnel.config.RouteSpec;
import io.sluice.tunnel.config.SluiceConfig;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * The spawner's metrics, read from its published status when scraped: workers by state, load, spawns, restarts and
 * exits by cause. Exits get a counter the first scrape after their kind first happened (cause, signal and stop step
 * are bounded sets). {@link #refresh()} runs on the scraping thread only; the meters' reads are thread-safe.
 */
final class SpawnerMetrics {
    private final MeterRegistry registry;
    private final StatusSource spawner;
    private final Set<String> exitKeys = new HashSet<>();
    /** Route and host pairs with meters; guarded by this (a reload adds from its own thread). */
    private final Set<String> bound = new HashSet<>();

    SpawnerMetrics(MeterRegistry registry, StatusSource spawner, SluiceConfig config) {
        this.registry = registry;
        this.spawner = Objects.requireNonNull(spawner, "spawner");
        addRoutes(config);
    }

    /** Meters for every host of {@code config} that has none yet (a reload's new routes and hosts). */
    synchronized void addRoutes(SluiceConfig config) {
        for (RouteSpec route : config.routes()) {
            route.backends().backends().stream().filter(b -> bound.add(route.key() + '\0' + b.name()))
                    .forEach(b -> bind(route.key(), b.name()));
        }
    }

    private void bind(String route, String host) {
        for (WorkerStatus.State state : WorkerStatus.State.values()) {
            gauge("sluice.workers", "Worker slots by state", route, host,
                    b -> b.workers().stream().filter(w -> w.state() == state).count(), "state", state.label());
        }
        gauge("sluice.worker.load", "Sessions on the host's workers now", route, host,
                b -> b.workers().stream().mapToInt(WorkerStatus::load).sum());
        FunctionCounter.builder("sluice.worker.spawns", this, m -> m.read(route, host, BackendStatus::spawns))
                .description("Worker processes started").tags("route", route, "host", host).register(registry);
        FunctionCounter.builder("sluice.worker.restarts", this, m -> m.read(route, host,
                        b -> b.workers().stream().mapToInt(WorkerStatus::restarts).sum()))
                .description("Runs started in a worker slot after its first").tags("route", route, "host", host)
                .register(registry);
    }

    private void gauge(String name, String description, String route, String host,
                       ToDoubleFunction<BackendStatus> value, String... tags) {
        Gauge.builder(name, this, m -> m.read(route, host, value)).description(description)
                .tags("route", route, "host", host).tags(tags).register(registry);
    }

    /** Registers a counter for every kind of exit seen so far. Scraping thread only. */
    void refresh() {
        for (BackendStatus backend : spawner.current().backends()) {
            for (ExitKey key : backend.exits().keySet()) {
                String id = backend.route() + '\0' + backend.name() + '\0' + key;
                if (exitKeys.add(id)) {
                    String route = backend.route();
                    String host = backend.name();
                    FunctionCounter.builder("sluice.worker.exits", this,
                                    m -> m.read(route, host, b -> b.exits().getOrDefault(key, 0L)))
                            .description("Ended worker runs by exit class, signal and stop-ladder step")
                            .tags("route", route, "host", host, "cause", key.cause().label(),
                                    "signal", key.signal(), "stop", key.stop().label())
                            .register(registry);
                }
            }
        }
    }

    private double read(String route, String host, ToDoubleFunction<BackendStatus> value) {
        Optional<BackendStatus> backend = spawner.current().backends().stream()
                .filter(b -> b.route().equals(route) && b.name().equals(host)).findFirst();
        return backend.map(value::applyAsDouble).orElse(0.0);
    }
}
