package io.sluice.it.conformance;

import static io.sluice.it.conformance.Endings.failsWith;
import static io.sluice.it.conformance.Wire.BINARY;
import static io.sluice.it.conformance.Wire.CLOSE;
import static io.sluice.it.conformance.Wire.CONT;
import static io.sluice.it.conformance.Wire.FIN;
import static io.sluice.it.conformance.Wire.PING;
import static io.sluice.it.conformance.Wire.PONG;
import static io.sluice.it.conformance.Wire.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.Deflater;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Autobahn sections 12 and 13 in spirit (permessage-deflate, RFC 7692), against a Sluice with compression on: the
 * offer is answered, compressed messages (whole, fragmented, empty, interleaved with plain ones) reach the echo
 * backend inflated and come back compressed, and RSV1 where RFC 7692 §6.1 forbids it (continuation and control
 * frames) fails with 1002, RSV2/RSV3 still do, and data that does not inflate fails with 1007. Without an offer the
 * same server keeps section 3's answer: RSV1 is a 1002.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CompressionConformanceIT {
    private static final String OFFER = "permessage-deflate; client_max_window_bits";
    private static final int RSV1 = 0x40;

    private EchoSluice sluice;

    @BeforeAll
    void start() throws Exception {
        sluice = EchoSluice.startCompressed();
    }

    @AfterAll
    void stop() throws Exception {
        if (sluice != null) {
            sluice.close();
        }
    }

    @Test
    void compressedMessagesWholeFragmentedEmptyAndPlainAreEchoed() throws Exception {
        try (Wire ws = sluice.open("/text", OFFER)) {
            assertThat(ws.agreedExtensions()).isEqualTo("permessage-deflate");
            Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
            byte[] hello = "Hello, compressed world! ".repeat(40).getBytes(StandardCharsets.UTF_8);
            ws.frame(FIN | RSV1 | TEXT, message(deflater, hello)).flush();
            assertThat(ws.echo(hello.length, TEXT)).isEqualTo(hello);

            byte[] second = "fragmented and compressed, über alles".getBytes(StandardCharsets.UTF_8);
            byte[] compressed = message(deflater, second);
            int cut = compressed.length / 2;
            ws.frame(RSV1 | TEXT, Arrays.copyOfRange(compressed, 0, cut))
                    .frame(FIN | PING, new byte[] {1})
                    .frame(FIN | CONT, Arrays.copyOfRange(compressed, cut, compressed.length)).flush();
            assertThat(ws.read().opcode()).isEqualTo(Wire.PONG);
            assertThat(ws.echo(second.length, TEXT)).isEqualTo(second);

            ws.frame(FIN | RSV1 | TEXT, new byte[0]).frame(FIN | RSV1 | TEXT, message(deflater, new byte[0]))
                    .frame(FIN | TEXT, "plain".getBytes(StandardCharsets.UTF_8))
                    .frame(FIN | RSV1 | TEXT, message(deflater, "after".getBytes(StandardCharsets.UTF_8))).flush();
            assertThat(ws.echo(10, TEXT)).isEqualTo("plainafter".getBytes(StandardCharsets.UTF_8));
            assertThat(ws.compressedFramesRead()).as("Sluice's replies are compressed").isGreaterThanOrEqualTo(3);
            deflater.end();
        }
    }

    @ParameterizedTest(name = "RSV1 on opcode {0}")
    @ValueSource(ints = {CONT, PING, PONG, CLOSE})
    void rsv1OnAContinuationOrControlFrameFails(int opcode) throws Exception {
        try (Wire ws = sluice.open("/binary", OFFER)) {
            byte[] payload = opcode == CLOSE ? new byte[] {0x03, (byte) 0xE8} : new byte[] {1, 2};
            if (opcode == CONT) {
                ws.frame(BINARY, new byte[] {9});
            }
            ws.frame(FIN | RSV1 | opcode, payload).flush();
            failsWith(ws, 1002, new byte[] {9});
        }
    }

    @ParameterizedTest(name = "RSV bits {0}")
    @ValueSource(ints = {1, 2, 3, 5, 6, 7}) // 4 is RSV1 alone: a compressed message
    void otherReservedBitsStillFail(int rsv) throws Exception {
        try (Wire ws = sluice.open("/binary", OFFER)) {
            ws.frame(FIN | rsv << 4 | BINARY, new byte[] {1}).flush();
            failsWith(ws, 1002);
        }
    }

    @Test
    void dataThatDoesNotInflateFailsWith1007() throws Exception {
        try (Wire ws = sluice.open("/binary", OFFER)) {
            ws.frame(FIN | RSV1 | BINARY, new byte[] {(byte) 0xFF, (byte) 0xFF, 0x11, 0x22}).flush();
            failsWith(ws, 1007);
        }
    }

    @Test
    void withoutAnOfferRsv1IsStillAProtocolError() throws Exception {
        try (Wire ws = sluice.open("/binary")) {
            assertThat(ws.agreedExtensions()).isNull();
            ws.frame(FIN | RSV1 | BINARY, new byte[] {0}).flush();
            failsWith(ws, 1002);
        }
    }

    /** RFC 7692 §7.2.1: sync-flushed DEFLATE data without its 00 00 FF FF tail (an empty message: one 00). */
    private static byte[] message(Deflater deflater, byte[] data) {
        deflater.setInput(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        do {
            n = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
            out.write(buffer, 0, n);
        } while (n == buffer.length);
        byte[] bytes = out.toByteArray();
        return bytes.length == 0 ? new byte[] {0} : Arrays.copyOf(bytes, bytes.length - 4);
    }
}
