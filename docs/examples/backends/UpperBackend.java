// A line service for Sluice: every line a WebSocket client sends is answered with the same line in upper case.
//
// Run it the way Sluice does (single-file source launch, no build step):  java UpperBackend.java
// Sluice passes the listening socket as fd 0; each accepted connection is one WebSocket session carrying
// only payload bytes. A browser's message "hello" arrives as the bytes h e l l o: the page adds the newline
// that ends a line, and the reply line comes back as (at least) one text message.

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channel;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

public class UpperBackend {
    public static void main(String[] args) throws IOException {
        // fd 0 is the listening socket Sluice bound for this worker; the JDK exposes it as the inherited channel.
        Channel inherited = System.inheritedChannel();
        if (!(inherited instanceof ServerSocketChannel listener)) {
            System.err.println("UpperBackend: fd 0 is not a listening socket; start me from Sluice (bin-path)");
            System.exit(2);
            return;
        }
        System.err.println("upper backend ready, pid " + ProcessHandle.current().pid());
        while (true) {
            SocketChannel connection = listener.accept();   // one accepted connection = one WebSocket
            new Thread(() -> serve(connection)).start();
        }
    }

    private static void serve(SocketChannel connection) {
        try (connection;
             BufferedReader in = new BufferedReader(
                     new InputStreamReader(Channels.newInputStream(connection), StandardCharsets.UTF_8));
             Writer out = new OutputStreamWriter(Channels.newOutputStream(connection), StandardCharsets.UTF_8)) {
            String line;
            // readLine() returns null at EOF: the client closed its WebSocket.
            while ((line = in.readLine()) != null) {
                out.write(line.toUpperCase(Locale.ROOT) + "\n");
                out.flush();                                 // one reply per line, sent at once
            }
        } catch (IOException e) {
            System.err.println("connection failed: " + e);
        }
    }
}
