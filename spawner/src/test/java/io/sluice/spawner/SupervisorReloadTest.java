package io.sluice.spawner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.sluice.spawner.registry.Acquisition;
import io.sluice.spawner.registry.Lease;
import io.sluice.spawner.registry.Registry;
import io.sluice.spawner.registry.SelectionKey;
import io.sluice.spawner.registry.SessionRequest;
import io.sluice.spawner.registry.Unavailable;
import io.sluice.spawner.spec.BackendAddress;
import io.sluice.spawner.spec.BackendGroup;
import io.sluice.spawner.spec.BackendSpec;
import io.sluice.spawner.spec.BalanceKind;
import io.sluice.spawner.spec.LaunchSpec;
import io.sluice.spawner.spec.PoolLimits;
import io.sluice.spawner.status.WorkerStatus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Supervisor#reload} with real children ({@code java EchoBackend.java} on fd 0): what a reload keeps, what it
 * withdraws and drains, and that a withdrawn worker's socket path is free for its replacement at once. Every test ends
 * with no descendant process and no socket file.
 */
class SupervisorReloadTest {

    private static final Path JAVA = Path.of(ProcessHandle.current().info().command().orElseThrow());
    private static final Path ECHO_SOURCE = Path.of("src/test/resources/backends/EchoBackend.java").toAbsolutePath();
    private static final PoolLimits ONE = new PoolLimits(1, 1, 10, Duration.ofSeconds(60));

    private Path dir;
    private Supervisor supervisor;

    @BeforeEach
    void createDirectory() throws IOException {
        dir = Files.createTempDirectory(Path.of("/tmp"), "sluice");
    }

    @AfterEach
    void nothingOutlivesTheSupervisor() throws IOException {
        if (supervisor != null) {
            supervisor.stop();
        }
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList())
                .as("children left behind").isEmpty();
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> all = files.sorted(Comparator.reverseOrder()).toList();
            assertThat(all).as("socket files left behind").noneMatch(p -> p.getFileName().toString().contains(".sock"));
            for (Path p : all) {
                Files.delete(p);
            }
        }
    }

    private BackendSpec echo(String name, String greeting) {
        LaunchSpec launch = new LaunchSpec(JAVA, List.of(JAVA.toString(), ECHO_SOURCE.toString()),
                Map.of("PATH", "/usr/bin:/bin", "GREETING", greeting), dir, 15, Duration.ofSeconds(5), 16, 0600);
        return new BackendSpec(name, new BackendAddress.UnixPath(dir.resolve(name + ".sock")), Duration.ofSeconds(1),
                Duration.ofSeconds(8), ONE, launch);
    }

    private static BackendGroup route(String key, BackendSpec... specs) {
        return new BackendGroup(key, BalanceKind.LEAST_CONNECTION, List.of(specs));
    }

    private void start(BackendGroup... groups) {
        supervisor = new Supervisor(List.of(groups), InstantSource.system(), dir.resolve("run"));
        supervisor.start();
    }

    private static Lease acquire(Registry registry, String route) {
        Acquisition acquisition = registry.acquire(route, new SessionRequest(new SelectionKey(route, "h", "c"), "s",
                null, List::of));
        assertThat(acquisition).isInstanceOf(Lease.class);
        return (Lease) acquisition;
    }

    private long pidOf(String route) {
        await().atMost(Duration.ofSeconds(10)).until(() -> supervisor.status().current().hasRunningWorker(route));
        return supervisor.status().current().backendsOf(route).get(0).workers().stream()
                .filter(w -> w.state() == WorkerStatus.State.RUNNING).findFirst().orElseThrow().pid();
    }

    /** Connects through the lease and keeps the connection open; the caller closes it. */
    private static SocketChannel connect(Lease lease) {
        return assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            lease.ready().toCompletableFuture().get(10, TimeUnit.SECONDS);
            Path path = ((BackendAddress.UnixPath) lease.address()).path();
            SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(path));
            lease.connected();
            return channel;
        });
    }

    private static String echo(SocketChannel channel, String line) throws IOException {
        channel.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
        return new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8))
                .readLine();
    }

    @Test
    void keepsAnUnchangedRouteWithItsWorkerAndStartsANewOne() throws IOException {
        start(route("/a/", echo("a", "1")));
        long before = pidOf("/a/");
        Lease held = acquire(supervisor.registry(), "/a/");
        try (SocketChannel live = connect(held)) {
            Registry next = supervisor.reload(List.of(route("/a/", echo("a", "1")), route("/b/", echo("b", "1"))),
                    Duration.ofSeconds(8));

            assertThat(echo(live, "still here")).isEqualTo("echo:still here");
            assertThat(pidOf("/a/")).isEqualTo(before);
            assertThat(next).isSameAs(supervisor.registry());
            pidOf("/b/");
            acquire(next, "/b/").close();
        } finally {
            held.close();
        }
    }

    @Test
    void drainsAChangedHostUntilItsLastSessionEndsThenStopsIt() throws IOException {
        start(route("/a/", echo("a", "1")));
        long before = pidOf("/a/");
        Registry first = supervisor.registry();
        Lease held = acquire(first, "/a/");
        try (SocketChannel live = connect(held)) {
            Registry next = supervisor.reload(List.of(route("/a/", echo("a", "2"))), Duration.ofSeconds(30));

            // The new worker listens on the same path at once; the old one keeps its session.
            long after = pidOf("/a/");
            assertThat(after).isNotEqualTo(before);
            assertThat(first.acquire("/a/", new SessionRequest(new SelectionKey("/a/", "h", "c"), "s", null,
                    List::of))).isInstanceOf(Unavailable.class);
            Lease fresh = acquire(next, "/a/");
            try (SocketChannel other = connect(fresh)) {
                assertThat(echo(other, "new")).isEqualTo("echo:new");
            } finally {
                fresh.close();
            }
            assertThat(echo(live, "old")).isEqualTo("echo:old");
            assertThat(ProcessHandle.of(before)).hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());
        } finally {
            held.close();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(before).map(p -> !p.isAlive())
                .orElse(true));
    }

    @Test
    void stopsAWithdrawnHostWhenItsDrainTimePassesEvenWithSessions() {
        start(route("/a/", echo("a", "1")));
        long before = pidOf("/a/");
        Lease held = acquire(supervisor.registry(), "/a/");
        try (SocketChannel live = connect(held)) {
            Registry next = supervisor.reload(List.of(route("/b/", echo("b", "1"))), Duration.ZERO);

            assertThat(next.acquire("/a/", new SessionRequest(new SelectionKey("/a/", "h", "c"), "s", null,
                    List::of))).isInstanceOf(Unavailable.class);
            await().atMost(Duration.ofSeconds(15)).until(() -> ProcessHandle.of(before).map(p -> !p.isAlive())
                    .orElse(true));
            assertThat(supervisor.status().current().backendsOf("/a/")).isEmpty();
        } catch (IOException e) {
            throw new AssertionError(e);
        } finally {
            held.close();
        }
    }
}
