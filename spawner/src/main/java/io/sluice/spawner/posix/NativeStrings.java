package io.sluice.spawner.posix;

import java.util.List;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/** C string arrays ({@code char *const argv[]}) built from exact bytes. Stateless. */
final class NativeStrings {

    private NativeStrings() {
    }

    /**
     * A NULL-terminated array of NUL-terminated copies of {@code strings}, in one native block: the pointers first,
     * then the bytes. One block, so nothing the array points to can be freed while the returned pointer is alive.
     */
    static Pointer array(List<byte[]> strings) {
        int pointerSize = Posix.runtime().addressSize();
        long table = (long) (strings.size() + 1) * pointerSize;
        long size = table;
        for (byte[] s : strings) {
            size += s.length + 1;
        }
        Pointer block = Memory.allocateDirect(Posix.runtime(), Math.toIntExact(size), true);
        long offset = table;
        for (int i = 0; i < strings.size(); i++) {
            byte[] s = strings.get(i);
            block.put(offset, s, 0, s.length);
            block.putByte(offset + s.length, (byte) 0);
            block.putAddress((long) i * pointerSize, block.address() + offset);
            offset += s.length + 1;
        }
        block.putAddress((long) strings.size() * pointerSize, 0L);
        return block;
    }
}
