package io.sluice.it.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A private folder under /tmp for unix sockets: paths must stay under 108 bytes, which target/ does not promise. */
public final class SocketDir implements AutoCloseable {
    private final Path path;

    public SocketDir() throws IOException {
        this.path = Files.createTempDirectory(Path.of("/tmp"), "sluice-it");
    }

    public Path path() {
        return path;
    }

    public Path resolve(String name) {
        return path.resolve(name);
    }

    /** The socket files ({@code *.sock*}) in the sub-folder {@code name}, e.g. a runtime dir; none if it is absent. */
    public java.util.List<Path> socketFilesIn(String name) throws IOException {
        Path folder = path.resolve(name);
        if (!Files.isDirectory(folder)) {
            return java.util.List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().contains(".sock")).toList();
        }
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
