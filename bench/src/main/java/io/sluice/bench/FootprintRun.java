package io.sluice.bench;

import java.util.List;

/**
 * Reads the Pss of the server trees after {@code --hold} seconds without load from us: the memory a server keeps at
 * rest, right after its start or after the matrix. The hold lets a JVM's periodic collection and native-heap trim
 * (the launcher's defaults) run, as they would on a server that just went quiet. Opens no connection.
 * Runs on the main thread.
 */
final class FootprintRun {
    private FootprintRun() {
    }

    static JsonLine run(Options options) throws InterruptedException {
        JsonLine result = RunReport.header(options);
        ClosedLoopRun.sleep(options.hold());
        List<Integer> tree = ProcessTree.of(options.pids());
        long pss = ProcessTree.pssKib(options.pids());
        String error = options.pids().isEmpty() ? "footprint needs --pid" : pss == 0 ? "no Pss read for the tree" : null;
        return result.put("pss_kib", pss)
            .put("server_processes", tree.size())
            .put("errors", error == null ? 0 : 1)
            .put("first_error", error)
            .put("valid", error == null);
    }
}
