package io.sluice.spawner.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An {@code instances: per-connection} backend: reached through its stdio, spawned, alone on its route. */
class PerConnectionSpecTest {
    private static final Path CAT = Path.of("/bin/cat");
    private static final LaunchSpec LAUNCH = new LaunchSpec(CAT, List.of("cat"), Map.of(), Path.of("/"), 15,
            Duration.ofSeconds(5), 1024, 0600);
    private static final PoolLimits LIMITS = new PoolLimits(0, 100, 1, Duration.ofSeconds(60));

    private static BackendSpec perConnection(BackendAddress address, boolean proxyProtocol) {
        return new BackendSpec("cat", address, Duration.ofSeconds(1), Duration.ofSeconds(8), LIMITS, LAUNCH, null,
                proxyProtocol, new PerConnectionSpec(false));
    }

    @Test
    void aProgramsStdioHasNoAddressToNumber() {
        BackendAddress stdio = new BackendAddress.Stdio(CAT);

        assertThat(stdio.forWorker(3)).isSameAs(stdio);
        assertThat(stdio.describe()).isEqualTo("stdio of /bin/cat");
        assertThat(perConnection(stdio, false).isPerConnection()).isTrue();
    }

    @Test
    void onlyAPerConnectionBackendIsReachedThroughStdioAndItSendsNoProxyHeader() {
        assertThatThrownBy(() -> perConnection(new BackendAddress.UnixPath(Path.of("/tmp/x.sock")), false))
                .isInstanceOf(InvalidOptionException.class).hasMessageContaining("reached through its stdio");
        assertThatThrownBy(() -> new BackendSpec("cat", new BackendAddress.Stdio(CAT), Duration.ofSeconds(1),
                Duration.ofSeconds(8), LIMITS, LAUNCH))
                .isInstanceOf(InvalidOptionException.class).hasMessageContaining("reached through its stdio");
        assertThatThrownBy(() -> perConnection(new BackendAddress.Stdio(CAT), true))
                .isInstanceOf(InvalidOptionException.class).hasMessageContaining("REMOTE_ADDR");
    }

    @Test
    void aPerConnectionBackendIsItsRoutesOnlyBackend() {
        BackendSpec programs = perConnection(new BackendAddress.Stdio(CAT), false);
        BackendSpec other = BackendSpec.existing("tcp", new BackendAddress.Tcp("127.0.0.1", 9000),
                Duration.ofSeconds(1), Duration.ofSeconds(8));

        assertThat(new BackendGroup("/r/", BalanceKind.LEAST_CONNECTION, List.of(programs)).perConnectionBackend())
                .isSameAs(programs);
        assertThatThrownBy(() -> new BackendGroup("/r/", BalanceKind.LEAST_CONNECTION, List.of(programs, other)))
                .isInstanceOf(InvalidOptionException.class).hasMessageContaining("no other host");
    }
}
