package io.sluice.it.client;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A byte-level WebSocket client for what well-behaved clients never do: malformed handshakes, unmasked or invalid
 * frames, ignoring pings, and one frame far larger than memory streamed from a generator. Blocking, with a socket
 * timeout so no read waits forever.
 */
public final class RawWsClient implements AutoCloseable {
    public static final String GOOD_KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    /** One frame read from the server. */
    public record Frame(int opcode, boolean fin, byte[] payload) {
        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }
    }

    /** An HTTP response head. */
    public record Response(int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    public RawWsClient(InetSocketAddress server) throws IOException {
        socket = new Socket();
        socket.connect(server, 10_000);
        socket.setSoTimeout(20_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Sends a request head as given (lines joined with CRLF) and reads the response head and a short body. */
    public Response request(String... headLines) throws IOException {
        out.write((String.join("\r\n", headLines) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return readResponse();
    }

    /** A standard upgrade request for {@code path}, with extra header lines. */
    public Response upgrade(String path, String... extraHeaders) throws IOException {
        return request(upgradeLines(path, extraHeaders));
    }

    /** The bytes of a standard upgrade request for {@code path}, to send together with other bytes. */
    public byte[] upgradeRequest(String path, String... extraHeaders) {
        return (String.join("\r\n", upgradeLines(path, extraHeaders)) + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    private String[] upgradeLines(String path, String... extraHeaders) {
        String[] lines = new String[6 + extraHeaders.length];
        lines[0] = "GET " + path + " HTTP/1.1";
        lines[1] = "Host: 127.0.0.1:" + socket.getPort();
        lines[2] = "Upgrade: websocket";
        lines[3] = "Connection: Upgrade";
        lines[4] = "Sec-WebSocket-Version: 13";
        lines[5] = "Sec-WebSocket-Key: " + GOOD_KEY;
        System.arraycopy(extraHeaders, 0, lines, 6, extraHeaders.length);
        return lines;
    }

    /** Reads one response head (and its body when it has a length; never for a 101). */
    public Response readResponse() throws IOException {
        String status = readLine();
        Map<String, String> headers = new LinkedHashMap<>();
        String line;
        while (!(line = readLine()).isEmpty()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        int code = Integer.parseInt(status.split(" ")[1]);
        String body = "";
        String length = headers.get("content-length");
        if (code != 101 && length != null) {
            byte[] bytes = new byte[Integer.parseInt(length)];
            in.readFully(bytes);
            body = new String(bytes, StandardCharsets.UTF_8);
        }
        return new Response(code, headers, body);
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new EOFException("connection closed in the response head");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    /** Sends one frame; {@code masked} false breaks RFC 6455 on purpose. */
    public void sendFrame(int opcode, boolean fin, byte[] payload, boolean masked) throws IOException {
        writeHeader(opcode, fin, payload.length, masked ? 0x5a3c9f21 : null, 0);
        byte[] copy = payload.clone();
        if (masked) {
            mask(copy, 0x5a3c9f21, 0);
        }
        out.write(copy);
        out.flush();
    }

    /** The bytes of one masked frame with a payload under 126 bytes, to send together with other bytes. */
    public static byte[] maskedFrame(int opcode, byte[] payload) {
        byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte) (0x80 | opcode);
        frame[1] = (byte) (0x80 | payload.length);
        int mask = randomMask();
        for (int i = 0; i < 4; i++) {
            frame[2 + i] = (byte) (mask >>> (24 - 8 * i));
        }
        byte[] masked = payload.clone();
        mask(masked, mask, 0);
        System.arraycopy(masked, 0, frame, 6, masked.length);
        return frame;
    }

    /** The bytes of one masked frame of any payload length, FIN as given, to send in whatever pieces a test likes. */
    public static byte[] maskedFrame(int opcode, boolean fin, byte[] payload) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write((fin ? 0x80 : 0) | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length <= 0xffff) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift));
            }
        }
        int mask = randomMask();
        for (int shift = 24; shift >= 0; shift -= 8) {
            frame.write(mask >>> shift);
        }
        byte[] masked = payload.clone();
        mask(masked, mask, 0);
        frame.writeBytes(masked);
        return frame.toByteArray();
    }

    /** Writes {@code bytes} in one write call (one TCP segment when small). */
    public void writeAtOnce(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Writes a frame header; {@code rsv} sets reserved bits (0..7) for tests that must see 1002. */
    public void writeHeader(int opcode, boolean fin, long length, Integer mask, int rsv) throws IOException {
        out.write((fin ? 0x80 : 0) | (rsv << 4) | opcode);
        int maskBit = mask == null ? 0 : 0x80;
        if (length < 126) {
            out.write(maskBit | (int) length);
        } else if (length <= 0xffff) {
            out.write(maskBit | 126);
            out.write((int) (length >>> 8));
            out.write((int) length);
        } else {
            out.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (length >>> shift));
            }
        }
        if (mask != null) {
            for (int shift = 24; shift >= 0; shift -= 8) {
                out.write(mask >>> shift);
            }
        }
    }

    /** Writes already-masked payload bytes of a frame whose header went out before. */
    public void writeRaw(byte[] bytes, int offset, int length) throws IOException {
        out.write(bytes, offset, length);
    }

    public void flush() throws IOException {
        out.flush();
    }

    public static int randomMask() {
        return ThreadLocalRandom.current().nextInt();
    }

    /** Masks {@code data} in place as if it started at payload offset {@code position}. */
    public static void mask(byte[] data, int mask, long position) {
        for (int i = 0; i < data.length; i++) {
            int shift = 24 - 8 * (int) ((position + i) & 3);
            data[i] ^= (byte) (mask >>> shift);
        }
    }

    /** Reads one whole frame; the server's frames are never masked. */
    public Frame readFrame() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long length = b1 & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        if (length > Integer.MAX_VALUE - 8) {
            throw new IOException("frame too large for this client: " + length);
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        return new Frame(b0 & 0x0f, (b0 & 0x80) != 0, payload);
    }

    /** Reads frames until a CLOSE arrives, skipping pings and data. */
    public Frame readUntilClose() throws IOException {
        Frame frame;
        do {
            frame = readFrame();
        } while (frame.opcode() != 0x8);
        return frame;
    }

    /** The client's own port, as the server (or a proxy in front of it) sees it: REMOTE_PORT. */
    public int localPort() {
        return socket.getLocalPort();
    }

    public InputStream input() {
        return in;
    }

    /** The connection itself, for tests that write from another thread or wait for the server's EOF. */
    public java.net.Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
