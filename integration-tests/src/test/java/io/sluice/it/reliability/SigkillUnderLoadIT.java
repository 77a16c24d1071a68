package io.sluice.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.it.client.RawWsClient;
import io.sluice.it.harness.CaseFamily;
import io.sluice.it.harness.Evidence;
import io.sluice.it.harness.Observed;
import io.sluice.it.harness.ReliabilityCase;
import io.sluice.it.harness.SluiceProcess;
import io.sluice.it.harness.SocketDir;
import io.sluice.it.harness.Workers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Sluice SIGKILLed while clients stream through a pool and hold per-key sessions, its workers having forked
 * processes of their own. The next start on the same config must clean every leftover of the first run: workers,
 * their forks, and socket files (replaced, never taken over), then serve; its SIGTERM leaves nothing.
 */
@ExtendWith(Evidence.class)
class SigkillUnderLoadIT {
    private static final int STREAMS = 6;
    private static final List<String> KEYS = List.of("ann", "bob", "cy");

    private final Workers workers = new Workers();
    private final String forkArg = "86400." + ThreadLocalRandom.current().nextInt(100_000_000, 999_999_999);
    private SocketDir dir;

    @BeforeEach
    void makeDir() throws Exception {
        dir = new SocketDir();
    }

    @AfterEach
    void cleanUp() throws Exception {
        forks().forEach(ProcessHandle::destroyForcibly);
        workers.killAll();
        dir.close();
    }

    private Path writeConfig() throws Exception {
        Path sandbox = Path.of(SigkillUnderLoadIT.class.getResource("/python/sandbox.py").toURI());
        String python = workers.python(sandbox);
        // Every worker forks a long sleep first, which outlives it when it dies with Sluice.
        String forking = "[\"/bin/sh\", \"-c\", \"sleep " + forkArg + " & exec \\\"$0\\\" \\\"$@\\\"\", "
                + python.substring(1);
        Path config = dir.resolve("sluice.yaml");
        Files.writeString(config, """
                server: { bind: 127.0.0.1, port: 0, runtime-dir: %s }
                wstunnel:
                  frame-type: binary
                  ping-interval: 0
                  server:
                    "/pool": [ { bin-path: %s, min-procs: 2, max-procs: 2 } ]
                    "/key/": [ { bin-path: %s, instances: per-key, key: query:user, allow-root: true } ]
                """.formatted(dir.resolve("run"), forking, forking));
        return config;
    }

    @Test
    @ReliabilityCase(id = "fault.sigkill-under-load", family = CaseFamily.FAULT,
            title = "Sluice SIGKILLed under load (pool streams, per-key sessions, workers with forks)")
    void aRestartAfterASigkillUnderLoadCleansEveryLeftoverProcessAndSocket(Observed observed) throws Exception {
        Path config = writeConfig();
        List<Long> firstWorkers;
        List<Long> leftForks;
        Map<Path, Object> firstSockets;
        long echoedBeforeKill;
        try (SluiceProcess first = SluiceProcess.start(List.of(), "run", "-c", config.toString())) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", first.awaitListening());
            await().atMost(Duration.ofSeconds(20)).until(() -> workers.alive().size() == 2);
            List<RawWsClient> keyed = new ArrayList<>();
            for (String key : KEYS) {
                RawWsClient client = new RawWsClient(address);
                assertThat(client.upgrade("/key/?user=" + key).status()).isEqualTo(101);
                client.readFrame(); // the sandbox's greeting
                keyed.add(client);
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong echoed = new AtomicLong();
            List<CompletableFuture<String>> streams = new ArrayList<>();
            for (int i = 0; i < STREAMS; i++) {
                streams.add(stream(address, i, stop, echoed));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> echoed.get() > 2_000_000 && forks().size() == 5);
            firstWorkers = workers.pids();
            assertThat(firstWorkers).hasSize(5);
            firstSockets = sockets();
            assertThat(firstSockets).hasSize(5);

            first.process().destroyForcibly();
            first.awaitExit(Duration.ofSeconds(20));
            echoedBeforeKill = echoed.get();
            for (CompletableFuture<String> s : streams) {
                assertThat(s.get()).as("a stream ends with the connection, never with a wrong byte")
                        .startsWith("connection ended");
            }
            for (RawWsClient client : keyed) {
                client.close();
            }
            leftForks = forks().stream().map(ProcessHandle::pid).toList();
        }
        assertThat(leftForks).as("what the workers forked outlives the SIGKILL").hasSize(5);
        assertThat(sockets().keySet()).as("socket files left behind").isNotEmpty();

        try (SluiceProcess second = SluiceProcess.start(List.of(), "run", "-c", config.toString())) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", second.awaitListening());
            await().atMost(Duration.ofSeconds(20)).until(() -> forks().stream()
                    .noneMatch(p -> leftForks.contains(p.pid())) && workers.pids().stream()
                    .noneMatch(firstWorkers::contains));
            for (String path : List.of("/pool", "/key/?user=ann")) {
                try (RawWsClient client = new RawWsClient(address)) {
                    assertThat(client.upgrade(path).status()).isEqualTo(101);
                    assertThat(new String(client.readFrame().payload(), StandardCharsets.UTF_8)).startsWith("pid=");
                }
            }
            Map<Path, Object> now = sockets();
            for (Map.Entry<Path, Object> old : firstSockets.entrySet()) {
                assertThat(now.get(old.getKey())).as("socket %s is not the first run's", old.getKey())
                        .isNotEqualTo(old.getValue());
            }
            second.terminate();
            assertThat(second.awaitExit(Duration.ofSeconds(30))).isZero();
        }
        assertThat(workers.alive()).isEmpty();
        assertThat(forks()).isEmpty();
        assertThat(sockets()).isEmpty();
        observed.outcome("after the SIGKILL every stream ended with its connection, none with a wrong byte, and the"
                + " 5 workers' forks lived on with the socket files; the next start killed every process of the first"
                + " run (workers and forks, by the ledger's proof), replaced its sockets and served pool and per-key"
                + " routes; its SIGTERM left no process and no socket file.")
                .measured("bytes echoed before the kill", "%,d".formatted(echoedBeforeKill));
    }

    /** A client echoing 4 KiB messages through the pool until it is stopped or its connection ends. */
    private static CompletableFuture<String> stream(InetSocketAddress address, int seed, AtomicBoolean stop,
                                                    AtomicLong echoed) {
        return CompletableFuture.supplyAsync(() -> {
            Random random = new Random(seed);
            try (RawWsClient client = new RawWsClient(address)) {
                if (client.upgrade("/pool").status() != 101) {
                    return "refused";
                }
                client.readFrame(); // the greeting
                byte[] message = new byte[4096];
                while (!stop.get()) {
                    random.nextBytes(message);
                    client.sendFrame(0x2, true, message, true);
                    byte[] back = readBytes(client, message.length);
                    if (!Arrays.equals(back, message)) {
                        return "wrong bytes";
                    }
                    echoed.addAndGet(back.length);
                }
                return "stopped";
            } catch (IOException e) {
                return "connection ended: " + e;
            }
        });
    }

    private static byte[] readBytes(RawWsClient client, int length) throws IOException {
        byte[] out = new byte[length];
        int have = 0;
        while (have < length) {
            RawWsClient.Frame frame = client.readFrame();
            if (frame.opcode() == 0x8) {
                throw new IOException("closed with " + frame.closeCode());
            }
            System.arraycopy(frame.payload(), 0, out, have, frame.payload().length);
            have += frame.payload().length;
        }
        return out;
    }

    /** Socket files under the runtime-dir, each with its inode and change time (inode numbers are reused). */
    private Map<Path, Object> sockets() throws IOException {
        Map<Path, Object> found = new HashMap<>();
        Path run = dir.resolve("run");
        if (Files.isDirectory(run)) {
            try (Stream<Path> files = Files.walk(run)) {
                for (Path p : files.filter(p -> p.getFileName().toString().contains(".sock")).toList()) {
                    found.put(p, List.of(Files.getAttribute(p, "unix:ino"), Files.getAttribute(p, "unix:ctime")));
                }
            }
        }
        return found;
    }

    /** The workers' forked sleeps, found by their unique argument (zombies excluded). */
    private List<ProcessHandle> forks() {
        byte[] wanted = ("sleep\0" + forkArg + "\0").getBytes(StandardCharsets.UTF_8);
        return ProcessHandle.allProcesses().filter(p -> {
            try {
                byte[] cmdline = Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline"));
                String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
                return Arrays.equals(cmdline, wanted) && stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
            } catch (IOException e) {
                return false;
            }
        }).toList();
    }
}
