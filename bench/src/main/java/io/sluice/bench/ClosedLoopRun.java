package io.sluice.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Ping-pong (window 1) and streaming (window W): every connection keeps W messages in flight, sending the next one
 * as soon as one is fully echoed; after a warm-up, messages completed in the measured interval give the rate and
 * the latency histogram, and the server trees' CPU is read at the interval's edges. Runs on the main thread.
 */
final class ClosedLoopRun {
    private ClosedLoopRun() {
    }

    static JsonLine run(Options options) throws InterruptedException {
        long selfPid = ProcessHandle.current().pid();
        JsonLine result = RunReport.header(options);
        RunControl control;
        List<BenchConnection> connections;
        long serverTicks = 0;
        long clientTicks = 0;
        long measuredNanos = 0;
        try (Connector connector = new Connector(options.threads(), options.target().tls())) {
            result.put("transport", connector.transport());
            control = new RunControl(options.conns(), connector.group());
            connections = connector.open(control, options.target(), options.conns(), options.size(),
                options.window(), () -> true);
            if (!control.opened.await(60, TimeUnit.SECONDS)) {
                control.error("handshakes not done within 60 s");
            }
            if (control.errors() == 0) {
                control.phase(RunControl.Phase.WARMUP);
                connections.forEach(c -> c.onLoop(c::start));
                sleep(options.warmup());
                long server0 = ProcessTree.cpuTicks(options.pids());
                long client0 = ProcessTree.cpuTicks(List.of((int) selfPid));
                long start = System.nanoTime();
                control.phase(RunControl.Phase.MEASURE);
                sleep(options.duration());
                control.phase(RunControl.Phase.DRAIN);
                measuredNanos = System.nanoTime() - start;
                serverTicks = ProcessTree.cpuTicks(options.pids()) - server0;
                clientTicks = ProcessTree.cpuTicks(List.of((int) selfPid)) - client0;
                connections.forEach(c -> c.onLoop(c::drain));
                if (!control.settled.await(15, TimeUnit.SECONDS)) {
                    control.error("%d connections still had messages in flight 15 s after the run"
                        .formatted(control.settled.getCount()));
                }
            }
            connections.forEach(c -> c.onLoop(c::close));
        }
        // the loops have terminated: their histograms and counters are safe to read
        LogLinearHistogram latency = control.mergedHistogram();
        double seconds = measuredNanos / 1e9;
        long messages = latency.count();
        RunReport.latency(result, latency);
        result.put("msgs", messages)
            .put("rate_msgs_s", seconds > 0 ? messages / seconds : 0.0)
            .put("mb_s", seconds > 0 ? messages * (double) options.size() / seconds / 1e6 : 0.0);
        RunReport.cpu(result, options, serverTicks, clientTicks, messages);
        RunReport.outcome(result, control, connections);
        return result;
    }

    static void sleep(double seconds) throws InterruptedException {
        Thread.sleep((long) (seconds * 1000));
    }
}
