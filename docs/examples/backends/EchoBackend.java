// An echo backend for Sluice: every byte a WebSocket client sends comes back unchanged.
//
// Run it the way Sluice does (single-file source launch, no build step):  java EchoBackend.java
// Sluice creates the listening socket and hands it over as fd 0 (stdin), like FastCGI. Each accepted
// connection is one WebSocket session, and the bytes on it are the message payloads only: no HTTP, no frames.

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channel;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

public class EchoBackend {
    public static void main(String[] args) throws IOException {
        // fd 0 is the listening socket Sluice bound for this worker; the JDK exposes it as the inherited channel.
        Channel inherited = System.inheritedChannel();
        if (!(inherited instanceof ServerSocketChannel listener)) {
            System.err.println("EchoBackend: fd 0 is not a listening socket; start me from Sluice (bin-path)");
            System.exit(2);
            return;
        }
        // One line on stderr: Sluice copies it into its own log, tagged with the route and worker.
        System.err.println("echo backend ready, pid " + ProcessHandle.current().pid());
        while (true) {
            SocketChannel connection = listener.accept();   // blocks until a WebSocket client arrives
            new Thread(() -> echo(connection)).start();     // one thread per connection keeps the example simple
        }
    }

    private static void echo(SocketChannel connection) {
        try (connection;
             InputStream in = Channels.newInputStream(connection);
             OutputStream out = Channels.newOutputStream(connection)) {
            byte[] buffer = new byte[8192];
            int n;
            // read() returns -1 at EOF: the client closed its WebSocket. Returning closes our side too,
            // and Sluice ends the session with close code 1000.
            while ((n = in.read(buffer)) != -1) {
                out.write(buffer, 0, n);                     // message boundaries are not kept: bytes are bytes
            }
        } catch (IOException e) {
            System.err.println("connection failed: " + e);  // e.g. the client vanished mid-write
        }
    }
}
