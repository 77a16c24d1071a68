package io.sluice.it.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Copies a child process's output, line by line, into a list on a daemon thread, so tests can wait for and assert
 * on what a real process printed. The thread ends at the stream's EOF.
 */
public final class LinePump {
    private LinePump() {
    }

    /** Starts pumping {@code stream} into {@code into}; the returned thread ends when the stream does. */
    public static Thread start(InputStream stream, List<String> into, String threadName) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    into.add(line);
                }
            } catch (IOException e) {
                into.add("harness: output read failed: " + e);
            }
        }, threadName);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
