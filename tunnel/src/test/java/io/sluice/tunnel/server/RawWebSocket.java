package io.sluice.tunnel.server;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A WebSocket client on a plain {@link Socket} for tests that must write bytes no real client writes first (a PROXY
 * protocol header): sends an upgrade request, reads the response head, then reads the server's unmasked frames.
 * Confined to the test thread.
 */
final class RawWebSocket {
    static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    private RawWebSocket() {
    }

    /** An upgrade request for {@code path} (binary subprotocol), with {@code extraHeaders} lines ending in CRLF. */
    static byte[] upgradeRequest(String path, String extraHeaders) {
        return ("GET " + path + " HTTP/1.1\r\nHost: sluice.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + KEY + "\r\n"
                + "Sec-WebSocket-Protocol: binary\r\n" + extraHeaders + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    static void write(Socket socket, byte[]... parts) throws IOException {
        OutputStream out = socket.getOutputStream();
        for (byte[] part : parts) {
            out.write(part);
        }
        out.flush();
    }

    /** The response head up to and without the blank line; fails at EOF. */
    static String readHead(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("EOF after " + head.size() + " bytes of the response: " + head);
            }
            head.write(b);
            String text = head.toString(StandardCharsets.ISO_8859_1);
            if (text.endsWith("\r\n\r\n")) {
                return text.substring(0, text.length() - 4);
            }
        }
    }

    /** The payloads of binary frames read until {@code atLeast} bytes arrived. */
    static byte[] readBinary(Socket socket, int atLeast) throws IOException {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        while (payload.size() < atLeast) {
            int first = in.readUnsignedByte();
            int second = in.readUnsignedByte();
            if ((first & 0x0F) != 0x2 && (first & 0x0F) != 0x0) {
                throw new IOException("expected a binary frame, got opcode " + (first & 0x0F));
            }
            long length = second & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] data = new byte[Math.toIntExact(length)];
            in.readFully(data);
            payload.writeBytes(data);
        }
        return payload.toByteArray();
    }
}
