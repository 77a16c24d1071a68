package io.sluice.it.reliability;

import io.sluice.it.client.RawWsClient;
import io.sluice.it.fixture.Pattern;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Reading what the server sends until its CLOSE, and checking streams against what was sent. */
final class ServerStream {
    /** Data bytes before the CLOSE (any framing), the CLOSE's code and reason. */
    record Ending(byte[] data, int code, String reason) {
    }

    private ServerStream() {
    }

    /** Reads frames until a CLOSE; data frames' payloads are kept, PINGs and PONGs skipped. */
    static Ending untilClose(RawWsClient client) throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        while (true) {
            RawWsClient.Frame frame = client.readFrame();
            if (frame.opcode() == 0x8) {
                byte[] p = frame.payload();
                String reason = p.length > 2 ? new String(p, 2, p.length - 2, StandardCharsets.UTF_8) : "";
                return new Ending(data.toByteArray(), frame.closeCode(), reason);
            }
            if (frame.opcode() < 0x8) {
                data.writeBytes(frame.payload());
            }
        }
    }

    /** Waits (bounded) for the server to end the TCP connection; returns how long it took. */
    static Duration awaitEof(java.net.Socket socket, Duration bound) throws IOException {
        long start = System.nanoTime();
        socket.setSoTimeout((int) bound.toMillis());
        InputStream in = socket.getInputStream();
        try {
            while (in.read() >= 0) {
                // bytes after the CLOSE would be a protocol error; the tests that care read them first
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close the connection within " + bound, e);
        } catch (SocketException e) {
            // a reset ends it too
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** The index of the first byte that is not {@link Pattern} from {@code offset}, or -1 when all are. */
    static long firstPatternMismatch(byte[] data, long offset) {
        for (int i = 0; i < data.length; i++) {
            if (data[i] != Pattern.byteAt(offset + i)) {
                return i;
            }
        }
        return -1;
    }

    /** {@code length} bytes of {@link Pattern} from {@code offset}. */
    static byte[] pattern(long offset, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = Pattern.byteAt(offset + i);
        }
        return bytes;
    }
}
