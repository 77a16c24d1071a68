package io.sluice.spawner.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The socket files a SIGKILLed Sluice left next to a worker socket's base name: per-key workers of keys nobody asks
 * for again, or slots above a lowered max-procs, were never removed. Only stale sockets of the pattern go; a live
 * one, a file that is no socket and other names stay.
 */
class StaleSiblingsTest {
    private Path dir;

    @BeforeEach
    void makeDir() throws IOException {
        dir = Files.createTempDirectory(Path.of("/tmp"), "sluice");
    }

    @AfterEach
    void removeDir() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private Path staleSocket(String name) throws IOException {
        Path path = dir.resolve(name);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(path));
        }
        return path; // closed: the file stays, nobody listens
    }

    @Test
    void removesOnlyStaleSocketsWhoseNameIsTheBasePlusTheSuffix() throws IOException {
        Path base = dir.resolve("key.sock");
        Path staleKey = staleSocket("key.sock-0123456789abcdef");
        Path otherName = staleSocket("other.sock-0123456789abcdef");
        Path notHex = staleSocket("key.sock-not-a-hash-at-all");
        Path notASocket = Files.writeString(dir.resolve("key.sock-fedcba9876543210"), "a file");
        Path live = dir.resolve("key.sock-00000000000000ff");
        try (ServerSocketChannel listening = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listening.bind(UnixDomainSocketAddress.of(live));

            assertThat(ListenSocket.removeStaleSiblings(base, "-[0-9a-f]{16}")).isEqualTo(1);

            assertThat(staleKey).doesNotExist();
            assertThat(otherName).exists();
            assertThat(notHex).exists();
            assertThat(notASocket).exists();
            assertThat(live).exists();
        }
    }

    @Test
    void removesStalePoolSlotsAndToleratesAMissingFolder() throws IOException {
        Path slot = staleSocket("echo.sock-7");
        assertThat(ListenSocket.removeStaleSiblings(dir.resolve("echo.sock"), "-\\d+")).isEqualTo(1);
        assertThat(slot).doesNotExist();
        assertThat(ListenSocket.removeStaleSiblings(dir.resolve("gone/echo.sock"), "-\\d+")).isZero();
    }
}
