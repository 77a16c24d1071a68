package io.sluice.spawner.posix;

import jnr.ffi.LibraryLoader;

/** The one loaded instance of the {@link LibCStdio} binding. */
final class StdioBinding {
    static final LibCStdio STDIO = LibraryLoader.create(LibCStdio.class).load("c");

    private StdioBinding() {
    }
}
