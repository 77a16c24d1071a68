package io.sluice.spawner.balance;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.spawner.registry.SelectionKey;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The expected values below were computed independently with a small python3 model of lighttpd HEAD's gw_host_get
 * (djb2a over UTF-8 bytes in uint32, hosthash = djb(host) ^ port, max of base ^ hosthash compared unsigned with
 * {@code <=}), not with the code under test. Several rows pick a different backend under a signed comparison.
 */
class HashPolicyTest {

    private static final List<TestBackend> BACKENDS = List.of(
            TestBackend.tcp("10.0.0.1", 8080),
            TestBackend.tcp("10.0.0.2", 8080),
            TestBackend.unix("/run/sluice/echo.sock"),
            TestBackend.tcp("10.0.0.3", 9000));

    @Test
    void djbMatchesLighttpdDjbhash() {
        assertThat(Djb.hash("", Djb.INIT)).isEqualTo(5381);
        assertThat(Djb.hash("a", Djb.INIT)).isEqualTo(177604);
        assertThat(Djb.hash("/echo/", Djb.INIT)).isEqualTo((int) 3341580388L);
        assertThat(Djb.hash("/é", Djb.INIT)).isEqualTo(193341312);
        assertThat(Djb.hostHash(BACKENDS.get(2).address())).isEqualTo((int) 0xb5f8471dL);
        assertThat(Djb.hostHash(BACKENDS.get(3).address())).isEqualTo(0x61a1f651);
    }

    @ParameterizedTest(name = "{0} -> backend {1}, then {2} when it is down")
    @CsvSource({
        "/echo/,      3, 1",
        "/chat/room1, 2, 3",
        "/a,          3, 0",
        "/b,          1, 0",
        "/d,          0, 1",
        "/f,          1, 0",
        "/é,          1, 0",
    })
    void hashPicksWhatLighttpdPicksAndMovesOnlyTheDownBackendsKeys(String path, int expected, int withoutIt) {
        SelectionKey key = new SelectionKey(path, "example.com", "192.0.2.7");
        assertThat(BalancePolicy.hash().select(BACKENDS, key)).isEqualTo(expected);
        assertThat(BalancePolicy.hash().select(without(expected), key)).isEqualTo(withoutIt);
    }

    @ParameterizedTest(name = "{0} on {1} -> backend {2}")
    @CsvSource({
        "/echo/, example.org:8080, 1",
        "/a,     example.org:8080, 0",
        "/d,     example.org:8080, 2",
    })
    void hashDependsOnTheAuthorityButNotOnTheClient(String path, String authority, int expected) {
        assertThat(BalancePolicy.hash().select(BACKENDS, new SelectionKey(path, authority, "192.0.2.7")))
                .isEqualTo(expected);
        assertThat(BalancePolicy.hash().select(BACKENDS, new SelectionKey(path, authority, "198.51.100.23")))
                .isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> backend {1}, then {2} when it is down")
    @CsvSource({
        "192.0.2.7,     2, 3",
        "198.51.100.23, 1, 0",
        "2001:db8::1,   1, 0",
        "127.0.0.1,     2, 3",
    })
    void stickyPicksWhatLighttpdPicksForTheClientAddress(String client, int expected, int withoutIt) {
        SelectionKey key = new SelectionKey("/echo/", "example.com", client);
        assertThat(BalancePolicy.sticky().select(BACKENDS, key)).isEqualTo(expected);
        assertThat(BalancePolicy.sticky().select(without(expected), key)).isEqualTo(withoutIt);
    }

    /**
     * djb's last step is {@code h * 33 ^ byte}, so 10.0.0.1:8001 and 10.0.0.2:8002 have the same host hash in
     * lighttpd too; HEAD's {@code <=} gives every such tie to the highest index (1.4.69 gave it to the lowest).
     */
    @Test
    void hashTiesGoToTheHighestIndex() {
        List<TestBackend> colliding = List.of(
                TestBackend.tcp("10.0.0.1", 8001), TestBackend.tcp("10.0.0.2", 8002), TestBackend.tcp("10.0.0.4",
                        8004));
        assertThat(Djb.hostHash(colliding.get(0).address())).isEqualTo(Djb.hostHash(colliding.get(2).address()));
        for (String path : List.of("/a", "/b", "/echo/")) {
            SelectionKey key = new SelectionKey(path, "example.com", "192.0.2.7");
            assertThat(BalancePolicy.hash().select(colliding, key)).isEqualTo(2);
        }
    }

    @Test
    void aSingleBackendIsChosenIffActive() {
        SelectionKey key = new SelectionKey("/echo/", "example.com", "192.0.2.7");
        assertThat(BalancePolicy.hash().select(List.of(BACKENDS.get(1)), key)).isZero();
        assertThat(BalancePolicy.sticky().select(List.of(BACKENDS.get(1).inactive()), key)).isEqualTo(-1);
        assertThat(BalancePolicy.hash().select(List.of(), key)).isEqualTo(-1);
    }

    @Test
    void noActiveBackendGivesMinusOne() {
        SelectionKey key = new SelectionKey("/echo/", "example.com", "192.0.2.7");
        List<TestBackend> down = BACKENDS.stream().map(TestBackend::inactive).toList();
        assertThat(BalancePolicy.hash().select(down, key)).isEqualTo(-1);
        assertThat(BalancePolicy.sticky().select(down, key)).isEqualTo(-1);
    }

    private static List<TestBackend> without(int index) {
        List<TestBackend> backends = new ArrayList<>(BACKENDS);
        backends.set(index, backends.get(index).inactive());
        return backends;
    }
}
