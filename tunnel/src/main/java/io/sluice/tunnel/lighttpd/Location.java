package io.sluice.tunnel.lighttpd;

import java.nio.file.Path;

/** Where something is in a lighttpd file: the file as named (main file as given, includes resolved) and its line. */
record Location(Path file, int line) {
    @Override
    public String toString() {
        return file + ":" + line;
    }
}
