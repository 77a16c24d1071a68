package io.sluice.tunnel.config;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** {@code server.tls.client-auth}: whether clients must show a certificate signed by {@code server.tls.ca}. */
public enum ClientAuth {
    /** No client certificate is asked for. */
    NONE("none"),
    /** Asked for; a client without one is let in, one with a certificate that does not verify is refused. */
    OPTIONAL("optional"),
    /** A client without a certificate signed by {@code ca} is refused in the TLS handshake. */
    REQUIRE("require");

    public static final String ALLOWED = Arrays.stream(values()).map(c -> c.configName)
            .collect(Collectors.joining(", "));

    private final String configName;

    ClientAuth(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public static Optional<ClientAuth> fromConfig(String name) {
        return Arrays.stream(values()).filter(c -> c.configName.equals(name)).findFirst();
    }
}
