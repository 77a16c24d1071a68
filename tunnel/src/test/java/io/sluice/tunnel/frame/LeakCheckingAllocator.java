package io.sluice.tunnel.frame;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * An unpooled allocator that remembers every buffer it made, so a property test can assert that none is left
 * unreleased right after one try: paranoid leak detection only reports at the next GC, long after the input that
 * caused the leak. Set it as a channel's allocator and make the input with it too. One per try; one thread.
 */
public final class LeakCheckingAllocator extends AbstractByteBufAllocator {
    private final List<ByteBuf> made = new ArrayList<>();

    public LeakCheckingAllocator() {
        super(false);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        ByteBuf buf = new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
        made.add(buf);
        return buf;
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        ByteBuf buf = new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity);
        made.add(buf);
        return buf;
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    /** A direct copy of {@code bytes[from, to)}, like a transport read. */
    public ByteBuf read(byte[] bytes, int from, int to) {
        return directBuffer(Math.max(1, to - from)).writeBytes(bytes, from, to - from);
    }

    /** Buffers made here and still referenced, described for an assertion message. */
    public List<String> unreleased() {
        return made.stream().filter(b -> b.refCnt() > 0).map(b -> b + " refCnt=" + b.refCnt()).toList();
    }

    /** How many buffers were made. */
    public int made() {
        return made.size();
    }
}
