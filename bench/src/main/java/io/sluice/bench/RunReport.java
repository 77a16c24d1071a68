package io.sluice.bench;

import java.util.List;

/** Fills the common fields of a run's JSON line. Stateless. */
final class RunReport {
    private RunReport() {
    }

    static JsonLine header(Options options) {
        return new JsonLine()
            .put("label", options.label())
            .put("mode", options.mode())
            .put("target", options.target().describe())
            .put("conns", options.conns())
            .put("size", options.size())
            .put("window", options.window())
            .put("duration_s", List.of("idle", "footprint").contains(options.mode()) ? options.hold() : options.duration());
    }

    static void latency(JsonLine result, LogLinearHistogram latency) {
        result.put("p50_us", latency.percentile(0.50) / 1e3)
            .put("p90_us", latency.percentile(0.90) / 1e3)
            .put("p99_us", latency.percentile(0.99) / 1e3)
            .put("max_us", latency.max() / 1e3);
    }

    static void cpu(JsonLine result, Options options, long serverTicks, long clientTicks, long messages) {
        double serverMs = serverTicks * 1000.0 / options.clockTicks();
        double clientMs = clientTicks * 1000.0 / options.clockTicks();
        result.put("server_cpu_ms", options.pids().isEmpty() ? null : serverMs)
            .put("server_cpu_us_per_msg", options.pids().isEmpty() || messages == 0 ? null
                : serverMs * 1000 / messages)
            .put("client_cpu_ms", clientMs);
    }

    static void outcome(JsonLine result, RunControl control, List<BenchConnection> connections) {
        long verified = connections.stream().mapToLong(BenchConnection::verifiedBytes).sum();
        result.put("errors", control.errors())
            .put("first_error", control.firstError())
            .put("bytes_verified", verified)
            .put("valid", control.errors() == 0 && verified > 0);
    }
}
