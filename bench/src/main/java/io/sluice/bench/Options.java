package io.sluice.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * LoadGen's command line, parsed once: {@code MODE [--option value | --flag]...}. Immutable.
 *
 * @param mode       pingpong, stream, idle, churn (conns = slots, each running short sessions back to back) or
 *                   footprint (no connections: the trees' Pss after --hold seconds)
 * @param window     messages in flight per connection (stream; ping-pong is 1)
 * @param pids       server processes whose trees are charged CPU and memory (may be empty)
 * @param clockTicks the kernel's USER_HZ (getconf CLK_TCK) for /proc CPU times
 */
record Options(String mode, Target target, int conns, int size, int window, double duration, double warmup,
               double hold, List<Integer> pids, int threads, String label, int clockTicks, long minAvailableMib) {

    static final String USAGE = """
        usage: loadgen.jar MODE [options]
          MODE: pingpong | stream | idle | churn | footprint
          --port P (required)  --host H (127.0.0.1)  --path /echo  --raw  --tls  --subprotocol NAME
          --conns N (1)  --size BYTES (64)  --window W (stream: 8)  --duration S (5)  --warmup S (1)
          --hold S (idle, footprint: 5)  --pid PID[,PID...]  --threads T (1)  --label TEXT  --clk-tck HZ (100)
          --min-available-mib M (1024, idle stops opening sessions below this MemAvailable)""";

    static Options parse(String[] args) {
        if (args.length == 0 || !List.of("pingpong", "stream", "idle", "churn", "footprint").contains(args[0])) {
            throw new IllegalArgumentException(USAGE);
        }
        String mode = args[0];
        String host = "127.0.0.1";
        String path = "/echo";
        String subprotocol = null;
        String label = "";
        boolean raw = false;
        boolean tls = false;
        int port = 0;
        int conns = 1;
        int size = 64;
        int window = mode.equals("stream") ? 8 : 1;
        int threads = 1;
        int clockTicks = 100;
        long minAvailableMib = 1024;
        double duration = 5;
        double warmup = 1;
        double hold = 5;
        List<Integer> pids = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--raw")) {
                raw = true;
                continue;
            }
            if (flag.equals("--tls")) {
                tls = true; // wss: TLS under the upgrade (any certificate is accepted: loopback benchmarks only)
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("%s needs a value%n%s".formatted(flag, USAGE));
            }
            String value = args[++i];
            switch (flag) {
                case "--host" -> host = value;
                case "--port" -> port = Integer.parseInt(value);
                case "--path" -> path = value;
                case "--subprotocol" -> subprotocol = value;
                case "--label" -> label = value;
                case "--conns" -> conns = Integer.parseInt(value);
                case "--size" -> size = Integer.parseInt(value);
                case "--window" -> window = Integer.parseInt(value);
                case "--threads" -> threads = Integer.parseInt(value);
                case "--clk-tck" -> clockTicks = Integer.parseInt(value);
                case "--min-available-mib" -> minAvailableMib = Long.parseLong(value);
                case "--duration" -> duration = Double.parseDouble(value);
                case "--warmup" -> warmup = Double.parseDouble(value);
                case "--hold" -> hold = Double.parseDouble(value);
                case "--pid" -> {
                    for (String pid : value.split(",")) {
                        if (!pid.isBlank()) {
                            pids.add(Integer.parseInt(pid.trim()));
                        }
                    }
                }
                default -> throw new IllegalArgumentException("unknown option %s%n%s".formatted(flag, USAGE));
            }
        }
        if (mode.equals("pingpong")) {
            window = 1;
        }
        if (mode.equals("churn") && raw) {
            throw new IllegalArgumentException("churn runs WebSocket sessions; --raw does not apply");
        }
        if (conns < 1 || window < 1 || threads < 1 || duration <= 0) {
            throw new IllegalArgumentException("--conns, --window, --threads and --duration must be positive");
        }
        return new Options(mode, new Target(host, port, path, raw, subprotocol, tls), conns, size, window, duration,
            warmup, hold, List.copyOf(pids), threads, label, clockTicks, minAvailableMib);
    }
}
