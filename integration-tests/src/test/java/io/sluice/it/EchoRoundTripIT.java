package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.it.client.JdkWsClient;
import io.sluice.it.client.NettyClients;
import io.sluice.it.client.WsClient;
import io.sluice.it.harness.BackendProcess;
import io.sluice.it.harness.RunningSluice;
import io.sluice.it.harness.SocketDir;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Byte-exact round trips through the real server to real echo backends over unix and TCP, for text and binary
 * routes, with two independent clients, from 1 byte to 16 MiB: the checksum of what comes back equals what went out.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EchoRoundTripIT {
    private static final int[] SIZES = {1, 1000, 65_536, 1 << 20, 16 << 20};

    private SocketDir dir;
    private BackendProcess unixEcho;
    private BackendProcess tcpEcho;
    private RunningSluice sluice;
    private NettyClients netty;

    @BeforeAll
    void start() throws Exception {
        dir = new SocketDir();
        unixEcho = BackendProcess.unix(dir.resolve("echo.sock"), "echo");
        tcpEcho = BackendProcess.tcp("echo");
        sluice = RunningSluice.start(dir.path(), """
                server: { bind: 127.0.0.1, port: 0 }
                wstunnel:
                  ping-interval: 0
                  server:
                    "/unix/text": [ { socket: echo.sock } ]
                    "/unix/binary": { frame-type: binary, hosts: [ { socket: echo.sock } ] }
                    "/tcp/text": [ { host: 127.0.0.1, port: %d } ]
                    "/tcp/binary": { frame-type: binary, hosts: [ { host: 127.0.0.1, port: %d } ] }
                """.formatted(tcpEcho.tcpPort(), tcpEcho.tcpPort()));
        netty = new NettyClients();
    }

    @AfterAll
    void stop() throws Exception {
        if (netty != null) {
            netty.close();
        }
        if (sluice != null) {
            sluice.close();
        }
        if (unixEcho != null) {
            unixEcho.close();
        }
        if (tcpEcho != null) {
            tcpEcho.close();
        }
        if (dir != null) {
            dir.close();
        }
    }

    Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (String transport : List.of("unix", "tcp")) {
            for (String type : List.of("text", "binary")) {
                for (String client : List.of("jdk", "netty")) {
                    for (int size : SIZES) {
                        cases.add(Arguments.of(transport, type, client, size));
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2} {3} bytes")
    @MethodSource("cases")
    void echoesEveryByteUnchanged(String transport, String type, String clientKind, int size) throws Exception {
        try (WsClient client = "jdk".equals(clientKind)
                ? JdkWsClient.connect(sluice.uri("/" + transport + "/" + type))
                : netty.connect(sluice.uri("/" + transport + "/" + type))) {
            byte[] sent;
            if ("text".equals(type)) {
                String text = Payloads.text(size, size);
                sent = text.getBytes(StandardCharsets.UTF_8);
                client.sendText(text);
            } else {
                sent = Payloads.binary(size, size);
                client.sendBinary(sent);
            }
            client.awaitBytes(sent.length, Duration.ofSeconds(60));
            assertThat(client.closeCode()).isNotDone();
            assertThat(client.received().bytes()).isEqualTo(sent.length);
            assertThat(client.received().crc()).isEqualTo(Payloads.crc(sent));
            if ("text".equals(type)) {
                assertThat(client.received().binaryMessages()).isZero();
            } else {
                assertThat(client.received().textMessages()).isZero();
            }
        }
    }
}
