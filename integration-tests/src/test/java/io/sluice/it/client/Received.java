package io.sluice.it.client;

import java.util.zip.CRC32;

/**
 * The payload bytes a client received, with a running CRC32 and the message kinds seen; optionally keeps the bytes.
 * Thread-safe: clients feed it from their I/O threads.
 */
public final class Received {
    private final CRC32 crc = new CRC32();
    private final java.io.ByteArrayOutputStream kept;
    private long bytes;
    private long textMessages;
    private long binaryMessages;

    public Received(boolean keepBytes) {
        this.kept = keepBytes ? new java.io.ByteArrayOutputStream() : null;
    }

    public synchronized void add(byte[] data, int offset, int length, boolean text, boolean last) {
        crc.update(data, offset, length);
        bytes += length;
        if (kept != null) {
            kept.write(data, offset, length);
        }
        if (last) {
            if (text) {
                textMessages++;
            } else {
                binaryMessages++;
            }
        }
    }

    public synchronized long bytes() {
        return bytes;
    }

    public synchronized long crc() {
        return crc.getValue();
    }

    public synchronized long textMessages() {
        return textMessages;
    }

    public synchronized long binaryMessages() {
        return binaryMessages;
    }

    public synchronized byte[] keptBytes() {
        return kept == null ? new byte[0] : kept.toByteArray();
    }
}
