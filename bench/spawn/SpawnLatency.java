import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Time from "client starts connecting" to "first echoed byte back" on a route whose worker must be spawned first
 * ({@code min-procs: 0}), and the same on a warm worker. Run by bench/spawn/spawn-latency.sh; single-file program.
 * Usage: java SpawnLatency.java ws://127.0.0.1:PORT/cold ws://127.0.0.1:PORT/warm ROUNDS PAUSE_MS
 */
public final class SpawnLatency {
    public static void main(String[] args) throws Exception {
        URI cold = URI.create(args[0]);
        URI warm = URI.create(args[1]);
        int rounds = Integer.parseInt(args[2]);
        long pauseMs = Long.parseLong(args[3]);
        HttpClient http = HttpClient.newHttpClient();
        roundTrip(http, warm); // warms the client JVM and the warm route's worker
        double[] coldMs = new double[rounds];
        double[] warmMs = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            // The pause outlasts idle-timeout plus a tick, so the cold route's worker is stopped again.
            Thread.sleep(pauseMs);
            coldMs[i] = roundTrip(http, cold);
            warmMs[i] = roundTrip(http, warm);
        }
        print("spawn on demand (min-procs 0)", coldMs);
        print("running worker", warmMs);
    }

    private static double roundTrip(HttpClient http, URI uri) throws Exception {
        CompletableFuture<Void> echoed = new CompletableFuture<>();
        long start = System.nanoTime();
        WebSocket socket = http.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
                echoed.complete(null);
                return null;
            }

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                echoed.complete(null);
                return null;
            }
        }).get(30, TimeUnit.SECONDS);
        socket.sendBinary(ByteBuffer.wrap(new byte[] {42}), true);
        echoed.get(30, TimeUnit.SECONDS);
        double ms = (System.nanoTime() - start) / 1e6;
        socket.sendClose(1000, "").get(10, TimeUnit.SECONDS);
        return ms;
    }

    private static void print(String what, double[] ms) {
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        System.out.printf("%-32s n=%d  min %.1f ms  median %.1f ms  max %.1f ms%n", what, sorted.length, sorted[0],
                sorted[sorted.length / 2], sorted[sorted.length - 1]);
    }
}
