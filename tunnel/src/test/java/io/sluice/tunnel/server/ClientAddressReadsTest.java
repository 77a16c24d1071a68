package io.sluice.tunnel.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Behind a load balancer the client is who the PROXY header says ({@code server.proxy-protocol}), so nothing reads a
 * client channel's own addresses but {@code ClientAddresses}: every {@code remoteAddress()} and {@code localAddress()}
 * call in the tunnel's sources is one of the few listed here, each with why it may see the socket itself. A new one
 * (a log line, a CGI variable) fails this test until it asks {@code ClientAddresses} or is listed with its reason.
 */
class ClientAddressReadsTest {
    /** A receiver such as {@code client} or {@code ctx.channel()}, then the call. */
    private static final Pattern CALL =
            Pattern.compile("\\b(\\w+(?:\\.\\w+\\(\\))*)\\.(remote|local)Address\\(\\)");
    /** File name → the receivers it may read addresses of, and why. */
    private static final Map<String, List<String>> ALLOWED = Map.of(
            "ClientAddresses.java", List.of("client"), // the one accessor
            "ProxyProtocolGate.java", List.of("ctx.channel()"), // who sent the header: the balancer itself
            "ProxyRefusals.java", List.of("client"), // a refused peer is named as it connected
            "TunnelServer.java", List.of("serverChannel"), // the listener's bound address
            "AdminServer.java", List.of("channel"), // the admin listener's bound address
            "AdminHandler.java", List.of("ctx.channel()"), // an admin connection, not a client of the tunnel
            "SessionRelay.java", List.of("backend"), // the backend end of a session
            "BackendStreamHandler.java", List.of("ctx.channel()"), // a backend channel
            "CgiEnvironment.java", List.of("request")); // a CgiRequest field, filled from ClientAddresses

    @Test
    void onlyTheListedPlacesReadAChannelsOwnAddresses() throws IOException {
        List<String> unexpected = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    String code = lines.get(i).strip();
                    if (code.startsWith("*") || code.startsWith("//")) {
                        continue; // Javadoc and comments may name the call
                    }
                    var m = CALL.matcher(code);
                    while (m.find()) {
                        String name = file.getFileName().toString();
                        if (!ALLOWED.getOrDefault(name, List.of()).contains(m.group(1))) {
                            unexpected.add("%s:%d: %s".formatted(file, i + 1, code));
                        }
                    }
                }
            }
        }
        assertThat(unexpected).as("client addresses must come from ClientAddresses").isEmpty();
    }
}
