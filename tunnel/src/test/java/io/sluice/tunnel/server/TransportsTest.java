package io.sluice.tunnel.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Per-connection programs need the epoll transport: without it the server refuses to start, naming the route. */
class TransportsTest {

    @Test
    void aPerConnectionRouteCannotRunOnNio() {
        var config = TestConfigs.config(TestConfigs.route("/echo/"), TestConfigs.perConnectionRoute("/count/", false));

        assertThat(Transports.unsupported(config, true)).isNull();
        assertThat(Transports.unsupported(config, false))
                .startsWith("route /count/: instances: per-connection needs Netty's native epoll transport (Linux), "
                        + "which is not available here");
        assertThat(Transports.unsupported(TestConfigs.config(TestConfigs.route("/echo/")), false)).isNull();
    }
}
