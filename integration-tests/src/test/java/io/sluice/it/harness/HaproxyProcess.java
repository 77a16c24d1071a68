package io.sluice.it.harness;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real HAProxy (Debian's package) as a child of the test: run in the foreground ({@code -db}) with its config in
 * the test's folder, its stdout and stderr kept as lines (server state changes are WARNING lines there), and its
 * statistics read as CSV from a stats listener on loopback. {@link #close()} stops it (SIGTERM, then SIGKILL).
 */
public final class HaproxyProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final int statsPort;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final List<Thread> pumps;

    private HaproxyProcess(Path binary, Path config, int statsPort) throws IOException {
        this.statsPort = statsPort;
        process = new ProcessBuilder(binary.toString(), "-db", "-f", config.toString()).start();
        pumps = List.of(LinePump.start(process.getInputStream(), output, "haproxy-stdout"),
                LinePump.start(process.getErrorStream(), output, "haproxy-stderr"));
    }

    /** The haproxy binary, or null when it is not installed (.ci/run installs Debian's package). */
    public static Path binary() {
        Stream<Path> known = Stream.of(Path.of("/usr/sbin/haproxy"), Path.of("/usr/local/sbin/haproxy"));
        Stream<Path> onPath = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir, "haproxy"));
        return Stream.concat(known, onPath).filter(Files::isExecutable).findFirst().orElse(null);
    }

    /**
     * Writes {@code config} (which must end with a stats listener on {@code statsPort}, see {@link #statsSection})
     * to {@code dir/haproxy.cfg}, checks it with {@code haproxy -c} and starts HAProxy on it.
     */
    public static HaproxyProcess start(Path dir, String config, int statsPort) throws Exception {
        Path binary = binary();
        if (binary == null) {
            throw new IllegalStateException("haproxy is not installed");
        }
        Path file = dir.resolve("haproxy.cfg");
        Files.writeString(file, config);
        Process check = new ProcessBuilder(binary.toString(), "-c", "-f", file.toString()).redirectErrorStream(true)
                .start();
        String checked = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!check.waitFor(20, TimeUnit.SECONDS) || check.exitValue() != 0) {
            throw new IllegalStateException("haproxy -c refused the config:\n" + checked + "\n" + config);
        }
        HaproxyProcess haproxy = new HaproxyProcess(binary, file, statsPort);
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> !haproxy.process.isAlive() || !haproxy.stats().isEmpty());
        if (!haproxy.process.isAlive()) {
            throw new IllegalStateException("haproxy exited at its start: " + haproxy.output);
        }
        return haproxy;
    }

    /** A stats listener on loopback whose CSV {@link #stats()} reads. */
    public static String statsSection(int statsPort) {
        return """
                listen stats
                    bind 127.0.0.1:%d
                    stats enable
                    stats uri /stats
                """.formatted(statsPort);
    }

    /** A port nobody listens on now (bound and released at once; the test binds it soon after). */
    public static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    /** Every row of {@code show stat} as column name to value (pxname, svname, status, check_status, ...). */
    public List<Map<String, String>> stats() throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + statsPort + "/stats;csv"))
                .timeout(Duration.ofSeconds(5)).build();
        String csv = HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
        List<String> lines = csv.lines().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty() || !lines.get(0).startsWith("# ")) {
            return List.of();
        }
        String[] names = lines.get(0).substring(2).split(",", -1);
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] values = line.split(",", -1);
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < names.length && i < values.length; i++) {
                row.put(names[i], values[i]);
            }
            rows.add(row);
        }
        return rows;
    }

    /** The {@code status} column of one server ({@code UP}, {@code DOWN}, ...), or "" when there is no such row. */
    public String status(String backend, String server) throws IOException, InterruptedException {
        return stats().stream().filter(r -> backend.equals(r.get("pxname")) && server.equals(r.get("svname")))
                .map(r -> r.get("status")).findFirst().orElse("");
    }

    /** What HAProxy printed so far (warnings about server state among it). */
    public List<String> output() {
        return List.copyOf(output);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        for (Thread pump : pumps) {
            pump.join(5_000);
        }
    }
}
