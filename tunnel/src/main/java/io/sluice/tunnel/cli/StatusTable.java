package io.sluice.tunnel.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The /status document as tables for people: a headline (version, pid, uptime, readiness), routes, then every
 * worker of every host. Columns are padded to their widest cell. Stateless.
 */
final class StatusTable {
    private StatusTable() {
    }

    static String render(Map<?, ?> status) {
        Map<?, ?> sluice = (Map<?, ?>) status.get("sluice");
        StringBuilder out = new StringBuilder();
        Object notReady = sluice.get("notReadyBecause");
        out.append("sluice ").append(sluice.get("version")).append("  pid ").append(sluice.get("pid"))
                .append("  up ").append(human(sluice.get("uptimeSeconds")))
                .append("  ").append(notReady == null ? "READY" : "NOT READY: " + notReady).append("\n\n");
        List<List<String>> routes = new ArrayList<>();
        routes.add(List.of("ROUTE", "OPEN", "TOTAL", "REFUSED", "HOSTS"));
        for (Object item : (List<?>) status.get("routes")) {
            Map<?, ?> route = (Map<?, ?>) item;
            Map<?, ?> sessions = (Map<?, ?>) route.get("sessions");
            long refused = ((Map<?, ?>) route.get("refusals")).values().stream()
                    .mapToLong(v -> ((Number) v).longValue()).sum();
            routes.add(List.of(text(route.get("route")), text(sessions.get("open")), text(sessions.get("total")),
                    Long.toString(refused), String.join(",", ((List<?>) route.get("hosts")).stream()
                            .map(StatusTable::text).toList())));
        }
        table(out, routes);
        out.append('\n');
        List<List<String>> workers = new ArrayList<>();
        workers.add(List.of("ROUTE", "HOST", "KIND", "WORKER", "STATE", "PID", "LOAD", "UP", "RESTARTS",
                "LAST EXIT"));
        for (Object item : (List<?>) status.get("hosts")) {
            Map<?, ?> host = (Map<?, ?>) item;
            for (Object w : (List<?>) host.get("workers")) {
                Map<?, ?> worker = (Map<?, ?>) w;
                Map<?, ?> exit = (Map<?, ?>) worker.get("lastExit");
                workers.add(List.of(text(host.get("route")), text(host.get("name")), text(host.get("kind")),
                        text(worker.get("id")), text(worker.get("state")), text(worker.get("pid")),
                        text(worker.get("load")), human(worker.get("uptimeSeconds")), text(worker.get("restarts")),
                        exit == null ? "-" : exit.get("description") + " (pid " + exit.get("pid") + ", "
                                + exit.get("at") + ")"));
            }
        }
        table(out, workers);
        return out.toString();
    }

    private static void table(StringBuilder out, List<List<String>> rows) {
        int[] widths = new int[rows.get(0).size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(row.get(i)).append(" ".repeat(i + 1 < row.size() ? widths[i] - row.get(i).length() + 2
                        : 0));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
    }

    private static String text(Object value) {
        if (value == null) {
            return "-";
        }
        if (value instanceof Double d && d == Math.rint(d)) {
            return Long.toString(d.longValue());
        }
        return value.toString();
    }

    /** Seconds as "3d4h", "2h05m", "4m07s", "12s"; "-" when absent. */
    static String human(Object seconds) {
        if (!(seconds instanceof Number n)) {
            return "-";
        }
        Duration d = Duration.ofMillis((long) (n.doubleValue() * 1000));
        if (d.toDays() > 0) {
            return "%dd%dh".formatted(d.toDays(), d.toHoursPart());
        }
        if (d.toHours() > 0) {
            return "%dh%02dm".formatted(d.toHours(), d.toMinutesPart());
        }
        if (d.toMinutes() > 0) {
            return "%dm%02ds".formatted(d.toMinutes(), d.toSecondsPart());
        }
        return d.toSeconds() + "s";
    }
}
