package io.sluice.spawner.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.spawner.process.SpawnException;
import io.sluice.spawner.registry.Acquisition;
import io.sluice.spawner.registry.Lease;
import io.sluice.spawner.registry.Unavailable;
import io.sluice.spawner.spec.PerKeySpec;
import io.sluice.spawner.status.LiveKey;
import io.sluice.spawner.status.PerKeyStatus;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The per-key rules on a hand-driven supervisor thread and clock, with a launcher that starts nothing. */
class KeyedPoolTest {
    private KeyedFixture fixture;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new KeyedFixture();
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    private static PerKeySpec perKey(int maxSessions, Duration maxAge) {
        return new PerKeySpec(maxSessions, maxAge, Duration.ofSeconds(10), null, false);
    }

    @Test
    void aKeysFirstSessionStartsItsWorkerAndEveryLaterOneMeetsIt() {
        fixture.start(4);

        Lease first = fixture.acquire("alice");
        assertThat(first.ready().toCompletableFuture()).as("waits for the start").isNotDone();
        assertThat(first.startTimeout()).isEqualTo(Duration.ofSeconds(10));
        fixture.run();
        assertThat(first.ready().toCompletableFuture()).isCompleted();
        Lease again = fixture.acquire("alice");
        Lease bob = fixture.acquire("bob");
        fixture.run();

        assertThat(fixture.launcher.launches).hasSize(2);
        String hash = KeyHash.of("sandbox", "alice");
        assertThat(first.address().describe()).isEqualTo(fixture.dir.resolve("sandbox.sock-" + hash).toString());
        assertThat(again.address()).isEqualTo(first.address());
        assertThat(again.ready().toCompletableFuture()).isCompleted();
        assertThat(bob.address()).isNotEqualTo(first.address());
        FakeLauncher.Launch alice = fixture.launcher.launches.get(0);
        assertThat(alice.extraEnv()).containsEntry("SLUICE_KEY", "alice").containsEntry("SLUICE_ROUTE", "/sandbox/");
        assertThat(alice.name()).startsWith("sandbox#" + hash).doesNotContain("alice");
        assertThat(fixture.launcher.launches.get(1).extraEnv()).containsEntry("SLUICE_KEY", "bob");
    }

    @Test
    void aBurstOfSessionsOfANewKeyAllWaitForOneStart() {
        fixture.start(4);
        List<Lease> burst = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            burst.add(fixture.acquire("carol"));
        }
        assertThat(burst).allSatisfy(l -> assertThat(l.ready().toCompletableFuture()).isNotDone());

        fixture.run();

        assertThat(fixture.launcher.launches).hasSize(1);
        assertThat(burst).allSatisfy(l -> assertThat(l.ready().toCompletableFuture()).isCompleted());
        assertThat(burst).extracting(Lease::address).containsOnly(burst.get(0).address());
    }

    @Test
    void maxProcsCapsTheLiveKeysWith503AndAStoppedKeyFreesItsPlace() {
        fixture.start(2);
        Lease alice = fixture.acquire("alice");
        fixture.acquire("bob");
        fixture.run();

        Acquisition third = fixture.acquisition("carol");

        assertThat(third).isEqualTo(new Unavailable("/sandbox/",
                "route '/sandbox/': per-key limit reached (2 live keys)"));
        alice.close();
        fixture.clock.advance(KeyedFixture.IDLE_TIMEOUT);
        fixture.tick();
        assertThat(fixture.acquisition("carol")).as("a stopping key no longer counts").isInstanceOf(Lease.class);
    }

    @Test
    void maxSessionsPerKeyRefusesOneMoreSessionWith429AndOtherKeysAreServed() {
        fixture.start(4, perKey(2, Duration.ZERO));
        Lease one = fixture.acquire("alice");
        fixture.acquire("alice");

        Acquisition third = fixture.acquisition("alice");

        assertThat(third).isInstanceOf(Unavailable.class);
        assertThat(((Unavailable) third).status()).isEqualTo(429);
        assertThat(((Unavailable) third).reason())
                .isEqualTo("route '/sandbox/': this key already has 2 sessions (max-sessions-per-key)");
        assertThat(fixture.acquisition("bob")).isInstanceOf(Lease.class);
        one.close();
        assertThat(fixture.acquisition("alice")).isInstanceOf(Lease.class);
    }

    @Test
    void anIdleWorkerStopsIdleTimeoutAfterItsLastSessionAndTheKeysNextSessionStartsANewOne() {
        fixture.start(4);
        Lease lease = fixture.acquire("alice");
        fixture.run();
        fixture.clock.advance(Duration.ofMinutes(10)); // busy for ten minutes: idle time counts from the end
        lease.close();
        fixture.clock.advance(KeyedFixture.IDLE_TIMEOUT.minusSeconds(1));
        fixture.tick();
        FakeLauncher.Launch first = fixture.launcher.last();
        assertThat(first.signals()).isEmpty();

        fixture.clock.advance(Duration.ofSeconds(1));
        fixture.tick();

        assertThat(first.signals()).containsExactly(KeyedFixture.SIGTERM);
        Lease next = fixture.acquire("alice");
        fixture.run();
        assertThat(next.ready().toCompletableFuture()).as("held back until the old run is reaped").isNotDone();
        assertThat(fixture.launcher.launches).hasSize(1);
        first.killedBy(KeyedFixture.SIGTERM);
        fixture.run();
        assertThat(fixture.launcher.launches).hasSize(2);
        assertThat(next.ready().toCompletableFuture()).isCompleted();
        assertThat(next.address()).isEqualTo(lease.address());
    }

    /** The idle rule's claim and acquire race on the load; a session that won keeps the worker. */
    @Test
    void aSessionThatArrivesBeforeTheIdleClaimKeepsTheWorker() {
        fixture.start(4);
        fixture.acquire("alice").close();
        fixture.run();
        fixture.clock.advance(KeyedFixture.IDLE_TIMEOUT);
        Lease keeps = fixture.acquire("alice");

        fixture.tick();

        assertThat(fixture.launcher.last().signals()).isEmpty();
        assertThat(keeps.ready().toCompletableFuture()).isCompleted();
    }

    @Test
    void maxAgeStopsAWorkerWhateverItDoesAndNoLeaseLandsOnItAfter() {
        fixture.start(4, perKey(0, Duration.ofMinutes(30)));
        fixture.acquire("alice");
        fixture.run();
        fixture.clock.advance(Duration.ofMinutes(30));

        fixture.tick();

        FakeLauncher.Launch first = fixture.launcher.last();
        assertThat(first.signals()).containsExactly(KeyedFixture.SIGTERM);
        Lease after = fixture.acquire("alice");
        assertThat(after.ready().toCompletableFuture()).isNotDone();
        first.killedBy(KeyedFixture.SIGTERM);
        fixture.run();
        assertThat(fixture.launcher.launches).hasSize(2);
        assertThat(after.ready().toCompletableFuture()).isCompleted();
    }

    @Test
    void aCrashEndsOnlyThatKeysRunAndItsNextSessionStartsANewWorker() {
        fixture.start(4);
        Lease alice = fixture.acquire("alice");
        Lease bob = fixture.acquire("bob");
        fixture.run();
        FakeLauncher.Launch aliceRun = fixture.launcher.launches.get(0);
        fixture.clock.advance(Duration.ofMinutes(1)); // long after its start: a crash, not a failed start

        aliceRun.exits(3);
        fixture.run();

        assertThat(alice.workerOutcome().description()).isEqualTo("exit 3");
        assertThat(bob.workerOutcome().kind().isFinal()).isFalse();
        alice.close();
        Lease again = fixture.acquire("alice");
        fixture.run();
        assertThat(fixture.launcher.launches).hasSize(3);
        assertThat(again.ready().toCompletableFuture()).isCompleted();
        assertThat(again.workerOutcome().kind().isFinal()).isFalse();
    }

    @Test
    void refusalsFromARunningWorkerStopItAfterThreeAndTheKeyGetsANewOne() {
        fixture.start(4);
        fixture.acquire("alice");
        fixture.run();
        for (int i = 0; i < 3; i++) {
            fixture.acquire("alice").connectFailed(new ConnectException("Connection refused"));
            fixture.run();
        }

        assertThat(fixture.launcher.last().signals()).containsExactly(KeyedFixture.SIGTERM);
        Lease next = fixture.acquire("alice");
        fixture.launcher.last().killedBy(KeyedFixture.SIGTERM);
        fixture.run();
        assertThat(fixture.launcher.launches).hasSize(2);
        assertThat(next.ready().toCompletableFuture()).isCompleted();
    }

    @Test
    void aFailedStartFailsItsSessionsAndNewKeysGet503WithTheReasonUntilTheNextTry() {
        fixture.start(4);
        fixture.launcher.failNextLaunch(new SpawnException("sandbox#x", Path.of("/opt/sandbox"), "EACCES",
                "permission denied", "check that the file is executable by the sluice user", null));
        Lease waiting = fixture.acquire("alice");

        fixture.run();

        assertThat(waiting.ready().toCompletableFuture()).isCompletedExceptionally();
        Acquisition refused = fixture.acquisition("bob");
        assertThat(refused).isInstanceOf(Unavailable.class);
        assertThat(((Unavailable) refused).reason()).startsWith("no backend of route '/sandbox/' is available: "
                + "the worker cannot be started; next try in");
        fixture.clock.advance(Duration.ofSeconds(2));
        assertThat(fixture.acquisition("bob")).isInstanceOf(Lease.class);
    }

    /**
     * One user's sandbox that dies at its start (its own state may be what kills it) must not hold back everyone
     * else's: only its key waits for the next try.
     */
    @Test
    void aWorkerThatExitsAtItsStartHoldsBackOnlyItsOwnKey() {
        fixture.start(4);
        fixture.acquire("alice").close();
        fixture.run();

        fixture.launcher.last().exits(1);
        fixture.run();

        Acquisition refused = fixture.acquisition("alice");
        assertThat(refused).isInstanceOf(Unavailable.class);
        assertThat(((Unavailable) refused).reason()).contains("worker exits at start: exited with code 1");
        assertThat(fixture.acquisition("bob")).isInstanceOf(Lease.class);
        fixture.clock.advance(Duration.ofSeconds(2));
        fixture.tick();
        assertThat(fixture.acquisition("alice")).isInstanceOf(Lease.class);
    }

    @Test
    void aKeysFolderIsMadeFromTheTemplateWithMode0700AndAKeyThatIsNoFolderNameIsRefused() throws Exception {
        Path homes = Files.createDirectory(fixture.dir.resolve("homes"));
        fixture.start(4, new PerKeySpec(0, Duration.ZERO, Duration.ofSeconds(10), homes + "/{key}/work", true));

        fixture.acquire("alice");
        Lease dots = fixture.acquire("..");
        fixture.run();

        Path work = homes.resolve("alice/work");
        assertThat(fixture.launcher.last().spec().cwd()).isEqualTo(work);
        assertThat(Files.getPosixFilePermissions(work)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.getPosixFilePermissions(work.getParent()))
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(fixture.launcher.launches).hasSize(1);
        assertThat(dots.ready().toCompletableFuture()).isCompletedExceptionally();
        try (var listing = Files.list(homes)) {
            assertThat(listing.map(p -> p.getFileName().toString()).toList()).containsExactly("alice");
        }
    }

    @Test
    void publishesItsLiveKeysByHashWithPidSessionsAndIdleTime() {
        fixture.start(4);
        Lease alice = fixture.acquire("alice");
        fixture.acquire("bob").close();
        fixture.run();
        fixture.clock.advance(Duration.ofSeconds(5));

        fixture.tick();

        PerKeyStatus status = fixture.pool.status();
        assertThat(status.maxProcs()).isEqualTo(4);
        assertThat(status.keys()).hasSize(2).allSatisfy(k -> {
            assertThat(k.state()).isEqualTo(LiveKey.State.RUNNING);
            assertThat(k.pid()).isPositive();
            assertThat(k.startedAt()).isNotNull();
        });
        LiveKey a = status.keys().stream().filter(k -> k.hash().equals(KeyHash.of("sandbox", "alice"))).findFirst()
                .orElseThrow();
        LiveKey b = status.keys().stream().filter(k -> k.hash().equals(KeyHash.of("sandbox", "bob"))).findFirst()
                .orElseThrow();
        assertThat(a.sessions()).isEqualTo(1);
        assertThat(a.idleSince()).isNull();
        assertThat(b.sessions()).isZero();
        assertThat(b.idleSince()).isNotNull();
        assertThat(status.toString()).doesNotContain("alice").doesNotContain("bob");
        alice.close();
    }
}
