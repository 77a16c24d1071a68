package io.sluice.tunnel.config;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code server.transport}: which Netty transport the listener, the client connections and the backend connections
 * use. {@code AUTO} lets the server pick the best one this machine offers; the others are that transport or a refusal
 * to start, never a silent fallback.
 */
public enum TransportPreference {
    /** The best transport that loads here and runs every configured route (the server decides and logs it). */
    AUTO("auto"),
    /** Netty's native epoll transport (Linux). */
    EPOLL("epoll"),
    /** Netty's native io_uring transport (Linux 5.14 or later, io_uring not disabled by sysctl or seccomp). */
    IO_URING("io_uring"),
    /** The JDK's NIO selector: runs anywhere Java runs. */
    NIO("nio");

    public static final String ALLOWED = Arrays.stream(values()).map(t -> t.configName)
            .collect(Collectors.joining(", "));

    private final String configName;

    TransportPreference(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    /**
     * Whether a per-connection program's stdin/stdout can run on this choice: the tunnel adopts the program's raw fd
     * (one end of a socketpair, or a pseudo-terminal master) as a channel, which only the epoll transport can do.
     * {@code AUTO} can, since it then picks epoll.
     */
    public boolean adoptsProgramFds() {
        return this == AUTO || this == EPOLL;
    }

    public static Optional<TransportPreference> fromConfig(String name) {
        return Arrays.stream(values()).filter(t -> t.configName.equals(name)).findFirst();
    }
}
