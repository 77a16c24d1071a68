package io.sluice.tunnel.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import io.sluice.spawner.status.StatusSource;
import io.sluice.tunnel.config.SluiceConfig;
import io.sluice.tunnel.session.SessionObserver;
import io.sluice.tunnel.session.TunnelStats;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Every metric of one Sluice process in one Micrometer Prometheus registry: the tunnel's (a {@link SessionObserver}),
 * the spawner's (from its status), the event loops' queues, and the JVM's and process's (memory, GC, threads, CPU,
 * open file descriptors, uptime). {@link #scrape(String)} writes the Prometheus text format, or OpenMetrics when
 * the scraper accepts it. Thread-safe; scrapes are serialised.
 */
public final class SluiceMetrics implements AutoCloseable {
    static final String OPENMETRICS = "application/openmetrics-text";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final SessionMetrics sessions;
    private final SpawnerMetrics spawner;
    private final JvmGcMetrics gc = new JvmGcMetrics();
    /** The tunnel's counters once {@link #bindTunnel} ran; null before. Guarded by this. */
    private TunnelStats boundStats;

    public SluiceMetrics(SluiceConfig config, StatusSource spawner) {
        this.sessions = new SessionMetrics(registry, config);
        this.spawner = new SpawnerMetrics(registry, spawner, config);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** What sessions report to; updates the tunnel's counters. */
    public SessionObserver sessionObserver() {
        return sessions;
    }

    /** Gauges over the tunnel's live counters and its event loops (pending tasks, one series per loop). */
    public synchronized void bindTunnel(TunnelStats stats, List<EventExecutor> eventLoops) {
        boundStats = stats;
        sessions.bindGauges(stats);
        for (int i = 0; i < eventLoops.size(); i++) {
            if (eventLoops.get(i) instanceof SingleThreadEventExecutor loop) {
                Gauge.builder("sluice.event.loop.pending.tasks", loop, SingleThreadEventExecutor::pendingTasks)
                        .description("Tasks queued on a tunnel event loop, waiting to run")
                        .tag("loop", Integer.toString(i)).register(registry);
            }
        }
    }

    /** A reload applied {@code reloaded}: its new routes and hosts get their meters (removed ones keep theirs). */
    public synchronized void reloaded(SluiceConfig reloaded) {
        sessions.addRoutes(reloaded, boundStats);
        spawner.addRoutes(reloaded);
    }

    /** A counter other parts maintain themselves (the access log's drops), read when scraped. */
    public <T> void bindCounter(String name, String description, T owner, ToDoubleFunction<T> count) {
        FunctionCounter.builder(name, owner, count).description(description).register(registry);
    }

    /** The metrics now, in the format {@code accept} asks for (OpenMetrics when it names it, else Prometheus text). */
    public synchronized Scrape scrape(String accept) {
        spawner.refresh();
        String contentType = accept != null && accept.contains(OPENMETRICS)
                ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
                : "text/plain; version=0.0.4; charset=utf-8";
        return new Scrape(contentType, registry.scrape(contentType));
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
