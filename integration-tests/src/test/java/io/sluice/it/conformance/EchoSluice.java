package io.sluice.it.conformance;

import io.sluice.it.harness.BackendProcess;
import io.sluice.it.harness.RunningSluice;
import io.sluice.it.harness.SocketDir;
import java.io.IOException;

/**
 * The one Sluice a conformance class shares: routes {@code /text} (frame-type text) and {@code /binary} to an echo
 * backend, {@code /source} to a backend that writes 10 bytes and closes (when asked for), with {@code ping-interval: 0} so that no
 * server PING interleaves with what a case asserts.
 */
final class EchoSluice implements AutoCloseable {
    static final int SOURCE_BYTES = 10;

    private final SocketDir dir;
    private final BackendProcess echo;
    private final BackendProcess source;
    private final RunningSluice sluice;

    private EchoSluice(long maxMessageSize, boolean withSource) throws Exception {
        this(maxMessageSize, withSource, false);
    }

    private EchoSluice(long maxMessageSize, boolean withSource, boolean compression) throws Exception {
        dir = new SocketDir();
        BackendProcess started = null;
        BackendProcess startedSource = null;
        try {
            started = BackendProcess.unix(dir.resolve("echo.sock"), "echo");
            if (withSource) {
                startedSource = BackendProcess.unix(dir.resolve("source.sock"), "source",
                        Integer.toString(SOURCE_BYTES));
            }
            sluice = RunningSluice.start(dir.path(), """
                    server: { bind: 127.0.0.1, port: 0, max-message-size: %d, compression: %s }
                    wstunnel:
                      ping-interval: 0
                      server:
                        "/text": [ { socket: echo.sock } ]
                        "/binary": { frame-type: binary, hosts: [ { socket: echo.sock } ] }
                        "/source": { frame-type: binary, hosts: [ { socket: source.sock } ] }
                    """.formatted(maxMessageSize, compression));
        } catch (Exception e) {
            close(started, startedSource);
            dir.close();
            throw e;
        }
        echo = started;
        source = startedSource;
    }

    /** Starts one; {@code maxMessageSize} 0 means unlimited; the {@code /source} backend runs only if asked. */
    static EchoSluice start(long maxMessageSize, boolean withSource) throws Exception {
        return new EchoSluice(maxMessageSize, withSource);
    }

    /** With {@code server.compression: true} on every route (permessage-deflate for clients that offer it). */
    static EchoSluice startCompressed() throws Exception {
        return new EchoSluice(0, false, true);
    }

    static EchoSluice start() throws Exception {
        return start(0, false);
    }

    Wire open(String path) throws IOException {
        return Wire.open(sluice.address(), path);
    }

    Wire open(String path, String extensions) throws IOException {
        return Wire.open(sluice.address(), path, extensions);
    }

    @Override
    public void close() throws Exception {
        try {
            sluice.close();
        } finally {
            close(echo, source);
            dir.close();
        }
    }

    private static void close(BackendProcess... backends) throws InterruptedException {
        for (BackendProcess backend : backends) {
            if (backend != null) {
                backend.close();
            }
        }
    }
}
