package io.sluice.bench;

import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Session churn: N slots each run short sessions back to back (connect, handshake, one message and its echo, client
 * CLOSE, the server's CLOSE). Reports sessions per second, the time to the 101 (from the connect) and to the server's
 * CLOSE (from the client's), the server trees' CPU per session, and how many server processes are left once the
 * sessions ended (a per-connection server must return to where it started). With {@code --warmup 0} right after the
 * server started, it is the cold case. Runs on the main thread; sessions on the connector's loops.
 */
final class ChurnRun {
    /** Per event loop, written only by that loop, read after the loops are quiet. */
    private static final class LoopStats {
        final LogLinearHistogram upgrade = new LogLinearHistogram();
        final LogLinearHistogram close = new LogLinearHistogram();
    }

    private final Connector connector;
    private final RunControl control;
    private final Map<EventExecutor, LoopStats> stats = new IdentityHashMap<>();

    private ChurnRun(Connector connector, RunControl control) {
        this.connector = connector;
        this.control = control;
        connector.group().forEach(loop -> stats.put(loop, new LoopStats()));
    }

    Connector connector() {
        return connector;
    }

    RunControl control() {
        return control;
    }

    /** A session ended on {@code loop}; counted only while the run measures. */
    void record(EventExecutor loop, long upgradeNanos, long closeNanos) {
        if (control.phase() == RunControl.Phase.MEASURE) {
            LoopStats mine = stats.get(loop);
            mine.upgrade.record(upgradeNanos);
            mine.close.record(closeNanos);
        }
    }

    static JsonLine run(Options options) throws InterruptedException {
        JsonLine result = RunReport.header(options);
        long selfPid = ProcessHandle.current().pid();
        int processesBefore = ProcessTree.of(options.pids()).size();
        long serverTicks = 0;
        long clientTicks = 0;
        long measuredNanos = 0;
        RunControl control;
        ChurnRun run;
        try (Connector connector = new Connector(options.threads(), options.target().tls())) {
            result.put("transport", connector.transport());
            control = new RunControl(options.conns(), connector.group());
            run = new ChurnRun(connector, control);
            CountDownLatch stopped = new CountDownLatch(options.conns());
            List<ChurnSlot> slots = new ArrayList<>();
            for (int i = 0; i < options.conns(); i++) {
                slots.add(new ChurnSlot(run, options.target(), i, options.size(), stopped));
            }
            control.phase(options.warmup() > 0 ? RunControl.Phase.WARMUP : RunControl.Phase.MEASURE);
            long start = System.nanoTime();
            long server0 = ProcessTree.cpuTicks(options.pids());
            long client0 = ProcessTree.cpuTicks(List.of((int) selfPid));
            slots.forEach(ChurnSlot::next);
            if (options.warmup() > 0) {
                ClosedLoopRun.sleep(options.warmup());
                server0 = ProcessTree.cpuTicks(options.pids());
                client0 = ProcessTree.cpuTicks(List.of((int) selfPid));
                start = System.nanoTime();
                control.phase(RunControl.Phase.MEASURE);
            }
            ClosedLoopRun.sleep(options.duration());
            control.phase(RunControl.Phase.DRAIN);
            measuredNanos = System.nanoTime() - start;
            serverTicks = ProcessTree.cpuTicks(options.pids()) - server0;
            clientTicks = ProcessTree.cpuTicks(List.of((int) selfPid)) - client0;
            if (!stopped.await(30, TimeUnit.SECONDS)) {
                control.error("%d slots still had a session 30 s after the run".formatted(stopped.getCount()));
            }
        }
        LogLinearHistogram upgrade = new LogLinearHistogram();
        LogLinearHistogram close = new LogLinearHistogram();
        run.stats.values().forEach(s -> {
            upgrade.add(s.upgrade);
            close.add(s.close);
        });
        long sessions = upgrade.count();
        double seconds = measuredNanos / 1e9;
        result.put("sessions", sessions)
            .put("rate_sessions_s", seconds > 0 ? sessions / seconds : 0.0)
            .put("upgrade_p50_us", upgrade.percentile(0.50) / 1e3)
            .put("upgrade_p99_us", upgrade.percentile(0.99) / 1e3)
            .put("close_p50_us", close.percentile(0.50) / 1e3)
            .put("close_p99_us", close.percentile(0.99) / 1e3);
        double serverMs = serverTicks * 1000.0 / options.clockTicks();
        result.put("server_cpu_ms", options.pids().isEmpty() ? null : serverMs)
            .put("server_cpu_us_per_session", options.pids().isEmpty() || sessions == 0 ? null
                : serverMs * 1000 / sessions)
            .put("client_cpu_ms", clientTicks * 1000.0 / options.clockTicks())
            .put("server_processes_before", processesBefore)
            .put("server_processes_after", processesAfterSettling(options, processesBefore));
        result.put("errors", control.errors())
            .put("first_error", control.firstError())
            .put("valid", control.errors() == 0 && sessions > 0);
        return result;
    }

    /** The server trees' process count once it is back to where it started, or after 5 s. */
    private static int processesAfterSettling(Options options, int before) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int now = ProcessTree.of(options.pids()).size();
        while (now > before && System.nanoTime() < deadline) {
            Thread.sleep(50);
            now = ProcessTree.of(options.pids()).size();
        }
        return now;
    }
}
