package io.sluice.it.reliability.soak;

import io.sluice.it.client.RawWsClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.BooleanSupplier;

/**
 * The soak's client behaviours against workers that greet each session with one line and then echo (the
 * integration tests' {@code sandbox.py}): ping-pong sessions of random length, 1 MiB streams written and read at
 * once, short churned sessions, and idle sessions kept to the end. Every echoed byte is compared with what was
 * sent. On the victim route, whose workers are killed on purpose, a session may end with 1011 after an intact prefix
 * (counted as cut); anything else unexpected is an error. Each loop runs on its own thread until {@code running}
 * says stop.
 */
final class SoakClients {
    private final InetSocketAddress address;
    private final SoakTally tally;
    private final BooleanSupplier running;
    private final ExecutorService writers;

    SoakClients(InetSocketAddress address, SoakTally tally, BooleanSupplier running, ExecutorService writers) {
        this.address = address;
        this.tally = tally;
        this.running = running;
        this.writers = writers;
    }

    /** A CLOSE that came while an echo was read: its code and how many echoed bytes came before it. */
    private static final class Closed extends IOException {
        private static final long serialVersionUID = 1L;
        final int code;
        final transient byte[] before;

        Closed(int code, byte[] before) {
            super("CLOSE " + code + " after " + before.length + " echoed bytes");
            this.code = code;
            this.before = before;
        }
    }

    /** Upgrades and reads the greeting; null when refused with 503 (counted), an error otherwise. */
    RawWsClient open(String path, boolean refusalExpected) throws IOException {
        RawWsClient client = new RawWsClient(address);
        int status = client.upgrade(path).status();
        if (status != 101) {
            client.close();
            if (status == 503 && refusalExpected) {
                tally.refused.incrementAndGet();
                return null;
            }
            throw new IOException(path + ": upgrade answered " + status);
        }
        RawWsClient.Frame first = client.readFrame();
        if (first.opcode() == 0x8) {
            client.close();
            throw new Closed(first.closeCode(), new byte[0]);
        }
        String greeting = new String(first.payload(), StandardCharsets.UTF_8);
        if (!greeting.startsWith("pid=") || !greeting.endsWith("\n")) {
            throw new IOException(path + ": expected the worker's greeting, got " + greeting);
        }
        tally.sessions.incrementAndGet();
        return client;
    }

    /** Reads exactly {@code length} echoed bytes; a CLOSE first throws {@link Closed} with what came before it. */
    private static byte[] echo(RawWsClient client, int length) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream(length);
        while (got.size() < length) {
            RawWsClient.Frame frame = client.readFrame();
            if (frame.opcode() == 0x8) {
                throw new Closed(frame.closeCode(), got.toByteArray());
            }
            got.writeBytes(frame.payload());
        }
        if (got.size() != length) {
            throw new IOException("echo longer than sent: " + got.size() + " for " + length);
        }
        return got.toByteArray();
    }

    /** The client's CLOSE 1000; the server must answer 1000 and end the connection. */
    private void closeCleanly(RawWsClient client) throws IOException {
        client.sendFrame(0x8, true, new byte[] {0x03, (byte) 0xE8}, true);
        int code = client.readUntilClose().closeCode();
        if (code != 1000) {
            throw new Closed(code, new byte[0]);
        }
        client.close();
    }

    /** Ping-pong sessions of 20–200 round trips of 1 B–4 KiB, one after the other. */
    void pingPong(String path, long seed, boolean victim) {
        Random random = new Random(seed);
        while (running.getAsBoolean()) {
            byte[] message = new byte[0];
            try {
                RawWsClient client = open(path, victim);
                if (client == null) {
                    continue;
                }
                try (client) {
                    int trips = 20 + random.nextInt(180);
                    for (int i = 0; i < trips && running.getAsBoolean(); i++) {
                        message = new byte[1 + random.nextInt(4096)];
                        random.nextBytes(message);
                        client.sendFrame(0x2, true, message, true);
                        byte[] back = echo(client, message.length);
                        if (!Arrays.equals(back, message)) {
                            tally.error(path + ": echo differs from what was sent");
                            break;
                        }
                        tally.roundTrips.incrementAndGet();
                        tally.bytesVerified.addAndGet(back.length);
                    }
                    closeCleanly(client);
                }
            } catch (Closed e) {
                boolean intact = Arrays.equals(e.before, Arrays.copyOf(message, e.before.length));
                if (victim && e.code == 1011 && intact) {
                    tally.cut.incrementAndGet();
                } else {
                    tally.error(path + ": " + e.getMessage());
                }
            } catch (IOException e) {
                tally.error(path + ": " + e);
            }
        }
    }

    /** 1 MiB in 64 KiB frames, written on another thread while the echo is read and compared. */
    void stream(String path, long seed) {
        Random random = new Random(seed);
        byte[] data = new byte[1 << 20];
        while (running.getAsBoolean()) {
            random.nextBytes(data);
            try (RawWsClient client = open(path, false)) {
                CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                    try {
                        for (int at = 0; at < data.length; at += 1 << 16) {
                            client.sendFrame(0x2, true, Arrays.copyOfRange(data, at, at + (1 << 16)), true);
                        }
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }, writers);
                byte[] back = echo(client, data.length);
                writing.join();
                if (!Arrays.equals(back, data)) {
                    tally.error(path + ": streamed echo differs");
                } else {
                    tally.streams.incrementAndGet();
                    tally.bytesVerified.addAndGet(back.length);
                }
                closeCleanly(client);
            } catch (IOException | RuntimeException e) {
                tally.error(path + ": stream: " + e);
            }
        }
    }

    /** Short sessions: greeting, one message and its echo, the close handshake. */
    void churn(String path) {
        byte[] hi = "hi".getBytes(StandardCharsets.US_ASCII);
        while (running.getAsBoolean()) {
            try (RawWsClient client = open(path, false)) {
                client.sendFrame(0x2, true, hi, true);
                if (!Arrays.equals(echo(client, hi.length), hi)) {
                    tally.error(path + ": churn echo differs");
                }
                closeCleanly(client);
                tally.churned.incrementAndGet();
            } catch (IOException e) {
                tally.error(path + ": churn: " + e);
            }
        }
    }

    /** An idle session at the end of the soak: it must still echo, then close cleanly. */
    void stillAlive(RawWsClient idle) {
        try (idle) {
            byte[] still = "still here".getBytes(StandardCharsets.US_ASCII);
            idle.sendFrame(0x2, true, still, true);
            if (!Arrays.equals(echo(idle, still.length), still)) {
                tally.error("idle session: echo differs");
            }
            tally.bytesVerified.addAndGet(still.length);
            closeCleanly(idle);
        } catch (IOException e) {
            tally.error("idle session: " + e);
        }
    }
}
