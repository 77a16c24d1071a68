package io.sluice.tunnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.uring.IoUring;
import io.sluice.tunnel.config.SluiceConfig;
import io.sluice.tunnel.config.TransportPreference;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code server.transport}: a named transport runs or the server refuses to start saying why it does not load;
 * {@code auto} takes the best one that loads and runs every route, and says what it passed over.
 */
class TransportsTest {
    private static final Throwable DISABLED = new RuntimeException("failed to create io_uring ring fd",
            new IOException("Operation not permitted"));

    @Test
    void aNamedTransportIsThatTransport() throws IOException {
        for (Transport transport : Transport.values()) {
            TransportPreference named = TransportPreference.valueOf(transport.name());
            assertThat(Transports.choose(config(named), everything()).transport()).isEqualTo(transport);
            assertThat(Transports.choose(config(named), everything()).passedOver()).isNull();
        }
    }

    @Test
    void aNamedTransportThatDoesNotLoadRefusesTheStartWithNettysReason() {
        assertThatThrownBy(() -> Transports.choose(config(TransportPreference.IO_URING), without(Transport.IO_URING)))
                .isInstanceOf(IOException.class)
                .hasMessage("server.transport: io_uring is not available here: failed to create io_uring ring fd: "
                        + "Operation not permitted; use auto (the best transport that loads) or another one");
        assertThatThrownBy(() -> Transports.choose(config(TransportPreference.EPOLL), without(Transport.EPOLL)))
                .hasMessageStartingWith("server.transport: epoll is not available here: ");
    }

    @Test
    void autoTakesTheFirstChoiceThatLoads() throws IOException {
        Transports.Choice choice = Transports.choose(config(TransportPreference.AUTO), everything());
        assertThat(choice.transport()).isEqualTo(Transports.AUTO_ORDER.get(0));
        assertThat(choice.passedOver()).isNull();
        assertThat(choice.describe()).isEqualTo(Transports.AUTO_ORDER.get(0).configName() + " transport");
    }

    @Test
    void autoFallsBackToNioWhereNoNativeTransportLoadsAndSaysWhy() throws IOException {
        Set<Transport> natives = Set.of(Transport.EPOLL, Transport.IO_URING);
        Transports.Choice choice = Transports.choose(config(TransportPreference.AUTO),
                t -> natives.contains(t) ? DISABLED : null);

        assertThat(choice.transport()).isEqualTo(Transport.NIO);
        assertThat(choice.describe()).isEqualTo("nio transport; auto passed over epoll (not available here: failed "
                + "to create io_uring ring fd: Operation not permitted)");
    }

    /** io_uring measured no faster than epoll (docs/performance.md), so auto does not pick it, loaded or not. */
    @Test
    void autoIsEpollWhereItLoadsWhateverIoUringDoes() throws IOException {
        assertThat(Transports.choose(config(TransportPreference.AUTO), everything()).transport())
                .isEqualTo(Transport.EPOLL);
        Transports.Choice choice = Transports.choose(config(TransportPreference.AUTO), without(Transport.IO_URING));
        assertThat(choice.transport()).isEqualTo(Transport.EPOLL);
        assertThat(choice.passedOver()).isNull();
    }

    @Test
    void autoRunsPerConnectionProgramsOnEpollOnly() throws IOException {
        SluiceConfig config = TestConfigs.config(TestConfigs.server(TransportPreference.AUTO), List.of(),
                TestConfigs.route("/echo/"), TestConfigs.perConnectionRoute("/count/", false));

        Transports.Choice choice = Transports.choose(config, everything());
        assertThat(choice.transport()).isEqualTo(Transport.EPOLL);
        assertThatThrownBy(() -> Transports.choose(config, without(Transport.EPOLL)))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("route /count/: instances: per-connection needs Netty's native epoll "
                        + "transport (Linux), which is not available here (failed to create io_uring ring fd");
    }

    @Test
    void ioUringLoadsOnThisMachineWhenTheKernelAllowsIt() throws IOException {
        Assumptions.assumeTrue(IoUring.isAvailable(), () -> "io_uring is not available here: "
                + IoUring.unavailabilityCause());
        assertThat(Transport.IO_URING.unavailabilityCause()).isNull();
        assertThat(Transports.choose(config(TransportPreference.IO_URING)).transport()).isEqualTo(Transport.IO_URING);
    }

    private static SluiceConfig config(TransportPreference transport) {
        return TestConfigs.config(TestConfigs.server(transport), List.of(), TestConfigs.route("/echo/"));
    }

    private static Function<Transport, Throwable> everything() {
        return t -> null;
    }

    private static Function<Transport, Throwable> without(Transport missing) {
        return t -> t == missing ? DISABLED : null;
    }
}
