package io.sluice.tunnel.cli;

import io.sluice.tunnel.json.JsonReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code sluice reload [-c FILE | --admin URL]}: asks a running Sluice to reload its configuration file, through its
 * admin listener ({@code POST /reload}, with the bearer token), and prints what the reload said. Exit 0 when applied,
 * 3 when applied except settings that need a restart, 2 when refused (the file has problems; the old configuration
 * keeps running), 1 when the admin listener cannot be reached or refuses.
 */
@Command(name = "reload", mixinStandardHelpOptions = true, versionProvider = SluiceVersion.class,
        description = {"Make a running Sluice reload its configuration file, through its admin listener (admin: in "
                + "the config). SIGHUP does the same without an answer.",
                "Exit status: 0 applied, 3 applied but some settings need a restart, 2 refused (problems in the "
                        + "file; the old configuration keeps running), 1 admin listener unreachable."})
final class ReloadCommand implements Callable<Integer> {
    static final int EXIT_APPLIED_PARTLY = 3;
    /** Longer than status: a reload starts new workers before it answers. */
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Mixin
    private AdminTarget admin;

    @Override
    public Integer call() {
        Integer problem = admin.locate("reload");
        if (problem != null) {
            return problem;
        }
        URI uri = admin.uri("/reload");
        HttpResponse<String> response = admin.send("reload", HttpRequest.newBuilder(uri)
                .POST(HttpRequest.BodyPublishers.noBody()).header("Accept", "application/json"), TIMEOUT);
        if (response == null) {
            return SluiceMain.EXIT_RUNTIME;
        }
        Map<?, ?> answer;
        try {
            answer = (Map<?, ?>) JsonReader.parse(response.body());
        } catch (IllegalArgumentException | ClassCastException e) {
            System.err.printf("sluice reload: %s answered %d: %s%n", uri, response.statusCode(),
                    response.body().strip());
            return SluiceMain.EXIT_RUNTIME;
        }
        String result = String.valueOf(answer.get("result"));
        List<?> messages = answer.get("messages") instanceof List<?> list ? list : List.of();
        var out = result.equals("applied") ? System.out : System.err;
        messages.forEach(out::println);
        return switch (result) {
            case "applied" -> SluiceMain.EXIT_OK;
            case "applied-partly" -> EXIT_APPLIED_PARTLY;
            case "refused" -> SluiceMain.EXIT_CONFIG;
            default -> SluiceMain.EXIT_RUNTIME;
        };
    }
}
