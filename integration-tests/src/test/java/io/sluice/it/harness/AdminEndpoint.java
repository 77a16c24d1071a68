package io.sluice.it.harness;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The admin listener of a Sluice run as a process: its port from the {@code admin listening on http://HOST:PORT}
 * line, requests with the JDK HTTP client (with the bearer token when given), and with curl when it is installed.
 */
public final class AdminEndpoint {
    /** Also matches the line as Logback's JSON encoder writes it ({@code http:\/\/}). */
    private static final Pattern LISTENING = Pattern.compile("admin listening on http:\\\\?/\\\\?/([^:\\s]+):(\\d+)");
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    public static final Path CURL = Path.of("/usr/bin/curl");

    private final int port;
    private final String token;

    private AdminEndpoint(int port, String token) {
        this.port = port;
        this.token = token;
    }

    /** Waits for the admin line of {@code sluice}; {@code token} may be null. */
    public static AdminEndpoint of(SluiceProcess sluice, String token) {
        int[] port = {-1};
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (String line : sluice.stdout()) {
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    port[0] = Integer.parseInt(m.group(2));
                    return true;
                }
            }
            return !sluice.process().isAlive();
        });
        if (port[0] < 0) {
            throw new IllegalStateException("no admin listener: " + sluice.stdout() + sluice.stderr());
        }
        return new AdminEndpoint(port[0], token);
    }

    public int port() {
        return port;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return get(path, token);
    }

    public HttpResponse<String> get(String path, String bearer) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(10));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    public static boolean curlInstalled() {
        return Files.isExecutable(CURL);
    }

    /** {@code curl -s} with the token: the status code line, then the body. */
    public String curl(String path) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(CURL.toString(), "-s", "--max-time", "10", "-w",
                "\n%{http_code}"));
        if (token != null) {
            command.addAll(List.of("-H", "Authorization: Bearer " + token));
        }
        command.add(url(path));
        Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = curl.getInputStream().readAllBytes();
        if (!curl.waitFor(20, TimeUnit.SECONDS)) {
            curl.destroyForcibly();
            throw new IllegalStateException("curl did not finish");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        int nl = text.lastIndexOf('\n');
        return text.substring(nl + 1) + "\n" + text.substring(0, Math.max(nl, 0));
    }
}
