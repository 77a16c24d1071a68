package io.sluice.tunnel.config;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Finds the file a {@code bin-path}'s argv[0] names: a path (absolute, or relative to the config's folder), or a bare
 * name looked up in the PATH the child will get. Done once at load time, so a spawn never searches. Stateless.
 */
final class ProgramPath {
    /** lighttpd's hint for a bin-path that cannot be run. */
    static final String HINT = "check that the file exists and is executable by the sluice user";

    private ProgramPath() {
    }

    /**
     * The absolute, normalized path of the program; throws {@link IllegalArgumentException} (with the hint) when
     * there is no executable regular file there.
     *
     * @param childPath the child's PATH, or null when it will have none
     */
    static Path resolve(String argv0, Path baseDir, String childPath) {
        if (argv0.isEmpty()) {
            throw new IllegalArgumentException("argv[0] is empty; it must name the program to run");
        }
        if (argv0.indexOf('/') >= 0) {
            Path path = baseDir.resolve(parse(argv0)).normalize();
            check(path);
            return path;
        }
        if (childPath == null) {
            throw new IllegalArgumentException(("'%s' is a bare name but the child's environment has no PATH; give"
                    + " a path (./%s, /usr/bin/%s) or set PATH in bin-environment").formatted(argv0, argv0, argv0));
        }
        for (String dir : childPath.split(":")) {
            // Empty and relative PATH entries would depend on the child's cwd: skipped (documented).
            if (dir.isEmpty() || !dir.startsWith("/")) {
                continue;
            }
            Path candidate = Path.of(dir).resolve(parse(argv0)).normalize();
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("'%s' was not found in the child's PATH (%s); %s"
                .formatted(argv0, childPath, HINT));
    }

    private static void check(Path path) {
        if (!Files.exists(path)) {
            throw new IllegalArgumentException("%s does not exist; %s".formatted(path, HINT));
        }
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("%s is not a regular file; %s".formatted(path, HINT));
        }
        if (!Files.isExecutable(path)) {
            throw new IllegalArgumentException("%s is not executable; %s".formatted(path, HINT));
        }
    }

    private static Path parse(String text) {
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("'%s' is not a valid path: %s".formatted(text, e.getReason()));
        }
    }
}
