package io.sluice.it.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;

/** How conformance cases end, asserted the same way in every section. */
final class Endings {
    /** Sluice closes the TCP connection at once after answering a client's CLOSE; its linger is 2 s. */
    static final Duration AT_ONCE = Duration.ofMillis(1500);
    static final Duration BOUND = Duration.ofSeconds(10);

    private Endings() {
    }

    /**
     * The server fails the connection with {@code code}: its CLOSE comes with no control frame before it, and data
     * before it only as a prefix of {@code mayPrecede} (bytes that reached the backend before the violation; their
     * echo races with the CLOSE and is dropped once the session closes). The client answers and sends FIN; the
     * server then ends the TCP connection. Returns the CLOSE.
     */
    static Wire.Closing failsWith(Wire ws, int code, byte[] mayPrecede) throws IOException {
        Wire.Closing closing = ws.awaitClose();
        assertThat(closing.code()).as("close code").isEqualTo(code);
        assertThat(closing.controls()).as("control frames before the CLOSE").isEmpty();
        assertThat(isPrefix(closing.data(), mayPrecede))
                .as("data before the CLOSE (%s) is a prefix of what preceded the violation",
                        HexFormat.of().formatHex(closing.data())).isTrue();
        ws.close(code).shutdownOutput();
        ws.awaitServerClosed(BOUND);
        return closing;
    }

    /** Whether {@code prefix} is the start of {@code bytes} (the empty array is the start of every array). */
    static boolean isPrefix(byte[] prefix, byte[] bytes) {
        return prefix.length <= bytes.length && Arrays.equals(prefix, Arrays.copyOf(bytes, prefix.length));
    }

    static Wire.Closing failsWith(Wire ws, int code) throws IOException {
        return failsWith(ws, code, new byte[0]);
    }

    /**
     * The client closes with 1000: the server answers 1000 with nothing before it and closes the TCP connection
     * at once, without waiting for the client's FIN (RFC 6455 §7.1.1: the server closes first).
     */
    static void closesCleanly(Wire ws) throws IOException {
        ws.close(1000).flush();
        Wire.Closing closing = ws.awaitClose();
        assertThat(closing.code()).isEqualTo(1000);
        assertThat(closing.data()).as("data before the CLOSE reply").isEmpty();
        assertThat(closing.controls()).isEmpty();
        assertThat(ws.awaitServerClosed(BOUND)).isLessThan(AT_ONCE);
    }
}
