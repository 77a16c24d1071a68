package io.sluice.bench;

/**
 * Load generator for WebSocket echo tunnels (and raw TCP echo as the baseline): prints one JSON line per run and
 * exits 1 when the run had errors, since a run with errors is not a result. See bench/README.md.
 * Runs on the main thread; connections live on one or two Netty event loops.
 */
public final class LoadGen {
    private LoadGen() {
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        JsonLine result = run(options);
        System.out.println(result);
        System.exit(Boolean.TRUE.equals(result.get("valid")) ? 0 : 1);
    }

    /** Runs one measurement and returns its result line. */
    static JsonLine run(Options options) throws InterruptedException {
        return switch (options.mode()) {
            case "idle" -> IdleRun.run(options);
            case "churn" -> ChurnRun.run(options);
            case "footprint" -> FootprintRun.run(options);
            default -> ClosedLoopRun.run(options);
        };
    }
}
