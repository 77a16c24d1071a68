package io.sluice.tunnel.frame;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/** permessage-deflate payloads for tests, made and read with java.util.zip independently of the code under test. */
final class Compressed {
    private Compressed() {
    }

    /** {@code data} through {@code deflater} with a sync flush, the {@code 00 00 FF FF} tail removed (RFC 7692). */
    static byte[] message(Deflater deflater, byte[] data) {
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

    /** One message with a fresh raw deflater. */
    static byte[] message(byte[] data) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try {
            return message(deflater, data);
        } finally {
            deflater.end();
        }
    }

    /** Inflates one message (payload, then the tail) with {@code inflater}, which keeps its window for the next. */
    static byte[] inflate(Inflater inflater, byte[] payload) throws DataFormatException {
        inflater.setInput(concat(payload, new byte[] {0, 0, (byte) 0xFF, (byte) 0xFF}));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = inflater.inflate(buffer)) > 0 || !inflater.needsInput()) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
