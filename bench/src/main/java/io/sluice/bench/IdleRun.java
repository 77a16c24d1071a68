package io.sluice.bench;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Holds N idle sessions and charges the growth of the server trees' Pss to them; every session must echo one message
 * before the hold (so it is fully set up) and one after (so a server that silently dropped sessions cannot look
 * cheap). Stops opening sessions while the machine's MemAvailable is below the floor (then the run reports fewer
 * sessions and an error).
 * Runs on the main thread.
 */
final class IdleRun {
    private IdleRun() {
    }

    private static void probeAll(RunControl control, List<BenchConnection> connections, String when)
            throws InterruptedException {
        CountDownLatch done = new CountDownLatch(connections.size());
        connections.forEach(c -> c.onLoop(() -> c.probe(done)));
        if (!done.await(60, TimeUnit.SECONDS)) {
            control.error("%d sessions did not echo their probe %s within 60 s".formatted(done.getCount(), when));
        }
    }

    static JsonLine run(Options options) throws InterruptedException {
        JsonLine result = RunReport.header(options);
        long floorKib = options.minAvailableMib() * 1024;
        long pssBefore = ProcessTree.pssKib(options.pids());
        int processesBefore = ProcessTree.of(options.pids()).size();
        long pssAfter;
        int processesAfter;
        int sessions;
        RunControl control;
        List<BenchConnection> connections;
        long start = System.nanoTime();
        try (Connector connector = new Connector(options.threads(), options.target().tls())) {
            result.put("transport", connector.transport());
            control = new RunControl(options.conns(), connector.group());
            connections = connector.open(control, options.target(), options.conns(), options.size(), 1,
                () -> ProcessTree.memAvailableKib() > floorKib);
            if (!control.opened.await(120, TimeUnit.SECONDS)) {
                control.error("handshakes not done within 120 s");
            }
            if (connections.size() < options.conns()) {
                control.error("opened only %d of %d sessions (MemAvailable floor %d MiB or a failure)"
                    .formatted(connections.size(), options.conns(), options.minAvailableMib()));
            }
            result.put("connect_s", (System.nanoTime() - start) / 1e9);
            // a first echo proves every session reaches its backend (websocketd forks after the handshake)
            probeAll(control, connections, "before the hold");
            ClosedLoopRun.sleep(options.hold());
            pssAfter = ProcessTree.pssKib(options.pids());
            processesAfter = ProcessTree.of(options.pids()).size();
            sessions = (int) connections.stream().filter(BenchConnection::isOpen).count();
            control.phase(RunControl.Phase.MEASURE);
            probeAll(control, connections, "after the hold");
            connections.forEach(c -> c.onLoop(c::close));
        }
        LogLinearHistogram latency = control.mergedHistogram();
        RunReport.latency(result, latency);
        result.put("msgs", latency.count())
            .put("sessions", sessions)
            .put("pss_before_kib", pssBefore)
            .put("pss_after_kib", pssAfter)
            .put("pss_per_session_kib", sessions > 0 ? (pssAfter - pssBefore) / (double) sessions : 0.0)
            .put("server_processes_before", processesBefore)
            .put("server_processes_after", processesAfter);
        RunReport.outcome(result, control, connections);
        return result;
    }
}
