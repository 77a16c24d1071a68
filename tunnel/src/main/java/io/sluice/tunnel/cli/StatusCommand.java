package io.sluice.tunnel.cli;

import io.sluice.tunnel.json.JsonReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sluice status [-c FILE | --admin URL] [--json]}: reads /status from a running Sluice's admin listener and
 * prints its routes and workers as tables, or the JSON as it came. Exit 0 when it is ready, 3 when it is not, 1 when
 * the admin listener cannot be reached or refuses (2 for a bad configuration file, as everywhere).
 */
@Command(name = "status", mixinStandardHelpOptions = true, versionProvider = SluiceVersion.class,
        description = {"Show what a running Sluice runs, from its admin listener (admin: in the config).",
                "Exit status: 0 ready, 3 not ready, 1 admin listener unreachable, 2 bad configuration."})
final class StatusCommand implements Callable<Integer> {
    static final int EXIT_NOT_READY = 3;

    @Mixin
    private AdminTarget admin;

    @Option(names = "--json", description = "Print /status as JSON, as the admin listener sent it.")
    private boolean json;

    @Override
    public Integer call() {
        Integer problem = admin.locate("status");
        if (problem != null) {
            return problem;
        }
        URI uri = admin.uri("/status");
        HttpResponse<String> response = admin.send("status", HttpRequest.newBuilder(uri).header("Accept",
                "application/json"));
        if (response == null) {
            return SluiceMain.EXIT_RUNTIME;
        }
        if (response.statusCode() != 200) {
            System.err.printf("sluice status: %s answered %d: %s%n", uri, response.statusCode(),
                    response.body().strip());
            return SluiceMain.EXIT_RUNTIME;
        }
        Map<?, ?> status;
        try {
            status = (Map<?, ?>) JsonReader.parse(response.body());
        } catch (IllegalArgumentException | ClassCastException e) {
            System.err.printf("sluice status: %s did not answer with a status document: %s%n", uri, e.getMessage());
            return SluiceMain.EXIT_RUNTIME;
        }
        System.out.print(json ? response.body() + "\n" : StatusTable.render(status));
        return Boolean.TRUE.equals(((Map<?, ?>) status.get("sluice")).get("ready"))
                ? SluiceMain.EXIT_OK : EXIT_NOT_READY;
    }
}
