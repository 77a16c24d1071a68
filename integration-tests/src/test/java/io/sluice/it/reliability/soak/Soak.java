package io.sluice.it.reliability.soak;

import static org.awaitility.Awaitility.await;

import io.sluice.it.client.RawWsClient;
import io.sluice.it.harness.HeapHistogram;
import io.sluice.it.harness.JvmProbe;
import io.sluice.it.harness.SluiceProcess;
import io.sluice.it.harness.SocketDir;
import io.sluice.it.harness.Workers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The bounded soak: the real jar with a pool route, a churn route and a per-key victim route whose workers are
 * SIGKILLed every few seconds; ping-pong, stream, churn and idle clients on them; the process sampled over JMX while
 * it runs; then the idle sessions checked, the server stopped and everything it started looked for. Returns the
 * verdict; the caller decides. {@code bench/soak.sh} runs it for 10 minutes through {@code SoakIT}.
 */
public final class Soak {
    private static final String TUNNEL_SESSION = "io.sluice.tunnel.session.TunnelSession";
    private static final int PING_PONG = 6;
    private static final int STREAMS = 2;
    private static final int CHURN = 2;
    private static final List<String> VICTIM_KEYS = List.of("k0", "k1", "k2", "k3");
    private static final int IDLE = 40;

    /** How long, how often to sample, how often to kill a worker. */
    public record Settings(Duration length, Duration sampleEvery, Duration killEvery) {
    }

    private Soak() {
    }

    public static SoakVerdict run(Settings settings) throws Exception {
        Workers workers = new Workers();
        Workers victims = new Workers();
        try (SocketDir dir = new SocketDir()) {
            Path sandbox = Path.of(Soak.class.getResource("/python/sandbox.py").toURI());
            Path config = dir.resolve("sluice.yaml");
            Files.writeString(config, """
                    server: { bind: 127.0.0.1, port: 0, runtime-dir: %s }
                    wstunnel:
                      frame-type: binary
                      ping-interval: 0
                      server:
                        "/pool": [ { bin-path: %s, min-procs: 2, max-procs: 2 } ]
                        "/churn": [ { bin-path: %s, min-procs: 1, max-procs: 1 } ]
                        "/victim/": [ { bin-path: %s, instances: per-key, key: query:k, allow-root: true } ]
                    """.formatted(dir.resolve("run"), workers.python(sandbox), workers.python(sandbox),
                    victims.python(sandbox)));
            try (SluiceProcess sluice = SluiceProcess.start(List.of(JvmProbe.NMT), "run", "-c", config.toString());
                 JvmProbe probe = JvmProbe.attach(sluice.pid())) {
                InetSocketAddress address = new InetSocketAddress("127.0.0.1", sluice.awaitListening());
                await().atMost(Duration.ofSeconds(30)).until(() -> workers.alive().size() == 3);
                SoakVerdict verdict = load(settings, address, sluice, probe, victims);
                sluice.terminate();
                List<String> leftovers = new ArrayList<>(verdict.leftovers());
                if (sluice.awaitExit(Duration.ofSeconds(30)) != 0) {
                    leftovers.add("sluice did not exit with status 0");
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> workers.alive().isEmpty()
                        && victims.alive().isEmpty());
                if (!socketFiles(dir.resolve("run")).isEmpty()) {
                    leftovers.add("socket files left: " + socketFiles(dir.resolve("run")));
                }
                return new SoakVerdict(verdict.samples(), verdict.warmUpSeconds(), verdict.tally(), leftovers,
                        verdict.seconds());
            } finally {
                workers.killAll();
                victims.killAll();
            }
        }
    }

    private static SoakVerdict load(Settings settings, InetSocketAddress address, SluiceProcess sluice,
                                    JvmProbe probe, Workers victims) throws Exception {
        SoakTally tally = new SoakTally();
        long start = System.nanoTime();
        long end = start + settings.length().toNanos();
        ExecutorService writers = Executors.newCachedThreadPool();
        ExecutorService clients = Executors.newCachedThreadPool();
        ScheduledExecutorService timers = Executors.newScheduledThreadPool(2);
        SoakClients soak = new SoakClients(address, tally, () -> System.nanoTime() < end, writers);
        List<SoakSample> samples = new CopyOnWriteArrayList<>();
        try {
            List<RawWsClient> idle = new ArrayList<>();
            for (int i = 0; i < IDLE; i++) {
                idle.add(soak.open("/pool", false));
            }
            for (int i = 0; i < PING_PONG; i++) {
                long seed = i;
                clients.execute(() -> soak.pingPong("/pool", seed, false));
            }
            for (String key : VICTIM_KEYS) {
                clients.execute(() -> soak.pingPong("/victim/?k=" + key, key.hashCode(), true));
            }
            for (int i = 0; i < STREAMS; i++) {
                long seed = 100 + i;
                clients.execute(() -> soak.stream("/pool", seed));
            }
            for (int i = 0; i < CHURN; i++) {
                clients.execute(() -> soak.churn("/churn"));
            }
            Random random = new Random(42);
            timers.scheduleWithFixedDelay(() -> {
                List<ProcessHandle> live = victims.alive();
                if (!live.isEmpty()) {
                    live.get(random.nextInt(live.size())).destroyForcibly();
                    tally.kills.incrementAndGet();
                }
            }, settings.killEvery().toMillis(), settings.killEvery().toMillis(), TimeUnit.MILLISECONDS);
            timers.scheduleWithFixedDelay(() -> samples.add(sample(probe, sluice.pid(), start)), 0,
                    settings.sampleEvery().toMillis(), TimeUnit.MILLISECONDS);
            clients.shutdown();
            if (!clients.awaitTermination(settings.length().toSeconds() + 60, TimeUnit.SECONDS)) {
                tally.error("clients still running 60 s after the end");
            }
            timers.shutdownNow();
            timers.awaitTermination(30, TimeUnit.SECONDS);
            for (RawWsClient session : idle) {
                soak.stillAlive(session);
            }
            List<String> leftovers = new ArrayList<>();
            try {
                // A closed session's channels are referenced by their 2 s linger timers until those fire.
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> probe.histogram().count(TUNNEL_SESSION) == 0);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                leftovers.add(probe.histogram().count(TUNNEL_SESSION) + " TunnelSessions still on the heap after"
                        + " every client left");
            }
            double seconds = settings.length().toMillis() / 1000.0;
            return new SoakVerdict(List.copyOf(samples), Math.max(settings.sampleEvery().toSeconds(), seconds / 5),
                    tally, leftovers, seconds);
        } finally {
            clients.shutdownNow();
            timers.shutdownNow();
            writers.shutdownNow();
        }
    }

    private static SoakSample sample(JvmProbe probe, long pid, long start) {
        try {
            HeapHistogram histogram = probe.histogram();
            long children = ProcessHandle.of(pid).map(p -> p.descendants().filter(Soak::notZombie).count())
                    .orElse(0L);
            return new SoakSample((System.nanoTime() - start) / 1e9, histogram.totalBytes(), probe.directBytes(),
                    probe.fds(), probe.threads(), children, histogram.count(TUNNEL_SESSION));
        } catch (Exception e) {
            throw new IllegalStateException("cannot sample the soaked Sluice: " + e, e);
        }
    }

    private static boolean notZombie(ProcessHandle process) {
        try {
            String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }

    private static List<Path> socketFiles(Path run) throws IOException {
        if (!Files.isDirectory(run)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(run)) {
            return files.filter(p -> p.getFileName().toString().contains(".sock")).toList();
        }
    }
}
