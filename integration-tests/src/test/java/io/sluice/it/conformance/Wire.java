package io.sluice.it.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A raw RFC 6455 client for the conformance suite: writes any frame a test can describe (masked or not, reserved
 * bits, any opcode, any length encoding, a header without its payload), and reads the server's frames strictly
 * (never masked, no reserved bits, control frames whole and at most 125 bytes). Every read is bounded by
 * {@link #READ_TIMEOUT}. One thread.
 */
final class Wire implements AutoCloseable {
    static final int CONT = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;
    static final int FIN = 0x80;
    static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    /** One frame from the server. */
    record Frame(int opcode, boolean fin, byte[] payload) {
        int closeCode() {
            return payload.length >= 2 ? (payload[0] & 0xFF) << 8 | payload[1] & 0xFF : 1005;
        }

        String closeReason() {
            return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
        }
    }

    /**
     * What the server sent up to and including its CLOSE: data bytes (any frame split), control frames, the CLOSE
     * (null when the reading stopped before one).
     */
    record Closing(byte[] data, List<Frame> controls, Frame close) {
        int code() {
            return close.closeCode();
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final Random masks = new Random(6455);
    private String agreedExtensions;
    private java.util.zip.Inflater inflater;
    private int compressedFramesRead;

    private Wire(InetSocketAddress server) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(server, (int) READ_TIMEOUT.toMillis());
        socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
        in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
        out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
    }

    /** Connects and upgrades to {@code path}; fails unless the answer is 101 with nothing behind it yet. */
    static Wire open(InetSocketAddress server, String path) throws IOException {
        return open(server, path, null);
    }

    /**
     * As {@link #open(InetSocketAddress, String)}, offering {@code extensions} (when not null); once the server
     * agrees to permessage-deflate, frames it sends with RSV1 are inflated by {@link #read()} (and counted).
     */
    static Wire open(InetSocketAddress server, String path, String extensions) throws IOException {
        Wire wire = new Wire(server);
        String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + (extensions == null ? "" : "Sec-WebSocket-Extensions: " + extensions + "\r\n") + "\r\n";
        wire.out.write(request.getBytes(StandardCharsets.US_ASCII));
        wire.out.flush();
        String status = wire.readLine();
        assertThat(status).startsWith("HTTP/1.1 101 ");
        for (String header; !(header = wire.readLine()).isEmpty(); ) {
            // the other headers: HandshakeStatusIT checks them
            if (header.toLowerCase(java.util.Locale.ROOT).startsWith("sec-websocket-extensions:")) {
                wire.agreedExtensions = header.substring(header.indexOf(':') + 1).trim();
            }
        }
        if (wire.agreedExtensions != null && wire.agreedExtensions.startsWith("permessage-deflate")) {
            wire.inflater = new java.util.zip.Inflater(true);
        }
        return wire;
    }

    /** The 101's Sec-WebSocket-Extensions, or null. */
    String agreedExtensions() {
        return agreedExtensions;
    }

    /** How many frames came compressed (RSV1). */
    int compressedFramesRead() {
        return compressedFramesRead;
    }

    // ---- writing ----

    /** A masked frame with the minimal length encoding; {@code firstByte} carries FIN, RSV and opcode. */
    Wire frame(int firstByte, byte[] payload) throws IOException {
        return frame(firstByte, payload, 0);
    }

    /** A masked frame whose length takes at least {@code lengthBytes} extra bytes (0, 2 or 8): non-minimal forms. */
    Wire frame(int firstByte, byte[] payload, int lengthBytes) throws IOException {
        int mask = masks.nextInt();
        header(firstByte, true, payload.length, lengthBytes, mask);
        byte[] masked = payload.clone();
        mask(masked, mask, 0);
        out.write(masked);
        return this;
    }

    /** A frame without the mask bit, payload in the clear (RFC 6455 §5.1 forbids it from a client). */
    Wire unmasked(int firstByte, byte[] payload) throws IOException {
        header(firstByte, false, payload.length, 0, 0);
        out.write(payload);
        return this;
    }

    Wire text(String text) throws IOException {
        return frame(FIN | TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    Wire close(int code) throws IOException {
        return frame(FIN | CLOSE, new byte[] {(byte) (code >>> 8), (byte) code});
    }

    /**
     * A header alone, for payloads streamed with {@link #payload}; {@code length} may be anything a 64-bit field
     * holds, the top bit too.
     */
    Wire header(int firstByte, boolean masked, long length, int lengthBytes, int mask) throws IOException {
        out.write(firstByte);
        int maskBit = masked ? 0x80 : 0;
        if (lengthBytes == 0 && length >= 0 && length < 126) {
            out.write(maskBit | (int) length);
        } else if (lengthBytes <= 2 && length >= 0 && length <= 0xFFFF) {
            out.write(maskBit | 126);
            out.write((int) (length >>> 8));
            out.write((int) length);
        } else {
            out.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (length >>> shift));
            }
        }
        if (masked) {
            for (int shift = 24; shift >= 0; shift -= 8) {
                out.write(mask >>> shift);
            }
        }
        return this;
    }

    /** Payload bytes of a frame whose header went out with {@code mask}, starting at payload offset {@code at}. */
    Wire payload(byte[] plain, int mask, long at) throws IOException {
        byte[] masked = plain.clone();
        mask(masked, mask, at);
        out.write(masked);
        return this;
    }

    Wire raw(byte[] bytes) throws IOException {
        out.write(bytes);
        return this;
    }

    Wire flush() throws IOException {
        out.flush();
        return this;
    }

    /** Sends FIN: this side writes nothing more. */
    void shutdownOutput() throws IOException {
        out.flush();
        socket.shutdownOutput();
    }

    static void mask(byte[] data, int mask, long position) {
        for (int i = 0; i < data.length; i++) {
            data[i] ^= (byte) (mask >>> 24 - 8 * (int) (position + i & 3));
        }
    }

    // ---- reading ----

    /** The next frame from the server, checked for what a server must never send. */
    Frame read() throws IOException {
        out.flush();
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        boolean compressed = (b0 & 0x40) != 0 && inflater != null;
        assertThat(b0 & (compressed ? 0x30 : 0x70)).as("server frame with reserved bits").isZero();
        assertThat(b1 & 0x80).as("masked server frame").isZero();
        int opcode = b0 & 0x0F;
        assertThat(opcode).as("server opcode").isIn(CONT, TEXT, BINARY, CLOSE, PING, PONG);
        long length = b1 & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        if (opcode >= CLOSE) {
            assertThat(length).as("server control frame length").isLessThanOrEqualTo(125);
            assertThat(b0 & FIN).as("fragmented server control frame").isNotZero();
        }
        assertThat(length).as("server frame length").isBetween(0L, 64L << 20);
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        if (compressed) {
            assertThat(opcode).as("compressed server frame").isIn(TEXT, BINARY);
            assertThat(b0 & FIN).as("Sluice compresses whole messages").isNotZero();
            compressedFramesRead++;
            payload = inflate(payload);
        }
        return new Frame(opcode, (b0 & FIN) != 0, payload);
    }

    private byte[] inflate(byte[] payload) throws IOException {
        byte[] tailed = java.util.Arrays.copyOf(payload, payload.length + 4);
        tailed[payload.length + 2] = (byte) 0xFF;
        tailed[payload.length + 3] = (byte) 0xFF;
        inflater.setInput(tailed);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = inflater.inflate(buffer)) > 0 || !inflater.needsInput(); ) {
                out.write(buffer, 0, n);
            }
        } catch (java.util.zip.DataFormatException e) {
            throw new IOException("server sent invalid DEFLATE data", e);
        }
        return out.toByteArray();
    }

    /**
     * Reads data frames of {@code opcode} until {@code length} payload bytes came, whatever their framing (Sluice
     * frames each backend read; message boundaries are not the client's).
     */
    byte[] echo(int length, int opcode) throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        while (data.size() < length) {
            Frame frame = read();
            assertThat(frame.opcode()).as("echo frame after %d of %d bytes", data.size(), length).isEqualTo(opcode);
            assertThat(frame.fin()).as("Sluice sends every backend read as one whole message").isTrue();
            data.writeBytes(frame.payload());
        }
        assertThat(data.size()).as("no bytes beyond the echo").isEqualTo(length);
        return data.toByteArray();
    }

    /**
     * Reads until {@code length} data bytes (frames of {@code opcode}) and {@code controls} control frames came, in
     * whatever interleaving: a PONG answers at once, an echo takes the backend's round trip.
     */
    Closing dataAndControls(int length, int controls, int opcode) throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        List<Frame> control = new ArrayList<>();
        while (data.size() < length || control.size() < controls) {
            Frame frame = read();
            if (frame.opcode() >= CLOSE) {
                assertThat(frame.opcode()).as("a CLOSE while waiting for data and control frames").isNotEqualTo(CLOSE);
                control.add(frame);
            } else {
                assertThat(frame.opcode()).isEqualTo(opcode);
                data.writeBytes(frame.payload());
            }
        }
        assertThat(data.size()).as("no bytes beyond the echo").isEqualTo(length);
        assertThat(control).as("no control frames beyond those expected").hasSize(controls);
        return new Closing(data.toByteArray(), control, null);
    }

    /** Reads until the server's CLOSE, keeping data bytes and control frames that came before it. */
    Closing awaitClose() throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        List<Frame> controls = new ArrayList<>();
        while (true) {
            Frame frame = read();
            if (frame.opcode() == CLOSE) {
                return new Closing(data.toByteArray(), controls, frame);
            }
            if (frame.opcode() >= CLOSE) {
                controls.add(frame);
            } else {
                data.writeBytes(frame.payload());
            }
        }
    }

    /**
     * Waits, reading nothing but EOF, until the server closes the TCP connection; returns how long that took, or
     * fails after {@code bound}. Bytes after the server's CLOSE fail too.
     */
    Duration awaitServerClosed(Duration bound) throws IOException {
        long start = System.nanoTime();
        socket.setSoTimeout((int) bound.toMillis());
        try {
            int b = in.read();
            assertThat(b).as("bytes after the server's CLOSE").isEqualTo(-1);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close the TCP connection within " + bound, e);
        } catch (SocketException e) {
            // a reset closes as well; the CLOSE frame was read before it
        } finally {
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new EOFException("connection closed in the response head");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        if (inflater != null) {
            inflater.end();
        }
        socket.close();
    }
}
