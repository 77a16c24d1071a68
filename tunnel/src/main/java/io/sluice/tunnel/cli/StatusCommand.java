package io.sluice.tunnel.cli;

import io.sluice.tunnel.config.AdminOptions;
import io.sluice.tunnel.config.ConfigException;
import io.sluice.tunnel.config.ConfigLoader;
import io.sluice.tunnel.config.SluiceConfig;
import io.sluice.tunnel.json.JsonReader;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
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
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** Where the admin listener is: from a config file, or a URL. */
    static final class Target {
        @Option(names = {"-c", "--config"}, paramLabel = "FILE",
                description = "The configuration Sluice runs with: its admin: section says where and which token.")
        Path config;

        @Option(names = "--admin", paramLabel = "URL", description = "The admin listener, e.g. http://127.0.0.1:9090")
        URI admin;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    private Target target;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "A file with the bearer token (with --admin; -c takes the config's admin.token).")
    private Path tokenFile;

    @Option(names = "--json", description = "Print /status as JSON, as the admin listener sent it.")
    private boolean json;

    @Override
    public Integer call() {
        URI base;
        String token;
        try {
            if (target.config != null) {
                AdminOptions admin = adminOf(ConfigLoader.load(target.config));
                if (admin == null) {
                    return SluiceMain.EXIT_RUNTIME;
                }
                base = baseOf(admin);
                token = admin.token();
            } else {
                base = target.admin;
                token = tokenFile == null ? null : Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
            }
        } catch (ConfigException e) {
            ConfigErrors.print(e);
            return SluiceMain.EXIT_CONFIG;
        } catch (IOException e) {
            System.err.println("sluice status: cannot read the token file " + tokenFile + ": " + e.getMessage());
            return SluiceMain.EXIT_RUNTIME;
        }
        return fetch(base.resolve("/status"), token);
    }

    private AdminOptions adminOf(SluiceConfig config) {
        AdminOptions admin = config.admin();
        if (admin == null) {
            System.err.printf("sluice status: %s has no admin: section, so there is no admin listener to ask%n",
                    target.config);
            return null;
        }
        if (admin.port() == 0) {
            System.err.printf("sluice status: %s has admin.port 0 (any free port); give --admin URL with the port "
                    + "Sluice logged (\"admin listening on …\")%n", target.config);
            return null;
        }
        return admin;
    }

    /** Where to connect for a listener bound to {@code admin.bind}: a wildcard bind is reached on loopback. */
    static URI baseOf(AdminOptions admin) {
        String host = switch (admin.bind()) {
            case "0.0.0.0" -> "127.0.0.1";
            case "::", "[::]" -> "[::1]";
            default -> admin.bind().contains(":") ? "[" + admin.bind() + "]" : admin.bind();
        };
        return URI.create("http://" + host + ":" + admin.port());
    }

    private int fetch(URI uri, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Accept",
                "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response;
        try {
            response = HttpClient.newBuilder().connectTimeout(TIMEOUT).build()
                    .send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException | HttpTimeoutException e) {
            System.err.printf("sluice status: cannot reach the admin listener at %s (%s)%n", uri, e);
            return SluiceMain.EXIT_RUNTIME;
        } catch (IOException e) {
            System.err.printf("sluice status: asking %s failed: %s%n", uri, e);
            return SluiceMain.EXIT_RUNTIME;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return SluiceMain.EXIT_RUNTIME;
        }
        if (response.statusCode() == 401) {
            System.err.printf("sluice status: %s wants a bearer token; give -c with the config (admin.token) or "
                    + "--token-file%n", uri);
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
