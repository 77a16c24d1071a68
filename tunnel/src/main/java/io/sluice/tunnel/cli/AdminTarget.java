package io.sluice.tunnel.cli;

import io.sluice.tunnel.config.AdminOptions;
import io.sluice.tunnel.config.ConfigException;
import io.sluice.tunnel.config.ConfigLoader;
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
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * Where a running Sluice's admin listener is, and asking it: {@code -c FILE} (its {@code admin:} section, token
 * included) or {@code --admin URL [--token-file FILE]}. The options of {@code sluice status} and {@code sluice
 * reload} (a picocli mixin); problems are printed to stderr prefixed with the command's name, and the caller exits
 * with the code {@link #locate} returned or 1 when {@link #send} returned null. Used by one command's thread.
 */
final class AdminTarget {
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

    private URI base;
    private String token;

    /** Finds the listener and its token; returns null when found, else the exit status (the problem printed). */
    Integer locate(String command) {
        try {
            if (target.config != null) {
                AdminOptions admin = ConfigLoader.load(target.config).admin();
                if (admin == null) {
                    System.err.printf("sluice %s: %s has no admin: section, so there is no admin listener to ask%n",
                            command, target.config);
                    return SluiceMain.EXIT_RUNTIME;
                }
                if (admin.port() == 0) {
                    System.err.printf("sluice %s: %s has admin.port 0 (any free port); give --admin URL with the "
                            + "port Sluice logged (\"admin listening on …\")%n", command, target.config);
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
            System.err.printf("sluice %s: cannot read the token file %s: %s%n", command, tokenFile, e.getMessage());
            return SluiceMain.EXIT_RUNTIME;
        }
        return null;
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

    /** The URI of {@code path} on the listener {@link #locate} found. */
    URI uri(String path) {
        return base.resolve(path);
    }

    /**
     * Sends {@code request} (to a {@link #uri}) with the token, waiting at most {@code timeout} for the answer. Returns
     * null, the problem printed, when the listener cannot be reached or wants a token it did not get.
     */
    HttpResponse<String> send(String command, HttpRequest.Builder request, Duration timeout) {
        request.timeout(timeout);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpRequest built = request.build();
        HttpResponse<String> response;
        try {
            response = HttpClient.newBuilder().connectTimeout(TIMEOUT).build()
                    .send(built, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException | HttpTimeoutException e) {
            System.err.printf("sluice %s: cannot reach the admin listener at %s (%s)%n", command, built.uri(), e);
            return null;
        } catch (IOException e) {
            System.err.printf("sluice %s: asking %s failed: %s%n", command, built.uri(), e);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        if (response.statusCode() == 401) {
            System.err.printf("sluice %s: %s wants a bearer token; give -c with the config (admin.token) or "
                    + "--token-file%n", command, built.uri());
            return null;
        }
        return response;
    }

    /** {@link #send} with the default bound of 5 seconds. */
    HttpResponse<String> send(String command, HttpRequest.Builder request) {
        return send(command, request, TIMEOUT);
    }
}
