package io.sluice.tunnel.frame;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

/** The sending half: RSV1 on data frames, a payload any RFC 7692 receiver inflates, control frames untouched. */
class PerMessageDeflateHandlerTest {
    private static final byte[] JSON = "{\"temperature\": 21.5, \"unit\": \"C\", \"sensor\": \"kitchen\"}"
            .getBytes(StandardCharsets.UTF_8);

    @Test
    void compressesEveryDataMessageWithContextTakeover() throws Exception {
        LeakCheckingAllocator alloc = new LeakCheckingAllocator();
        EmbeddedChannel ch = channel(new DeflateAgreement(false, false, false), alloc);
        Inflater client = new Inflater(true);
        int firstSize = 0;
        for (int i = 0; i < 3; i++) {
            ch.writeOutbound(new TextWebSocketFrame(Unpooled.wrappedBuffer(JSON)));
            WebSocketFrame frame = ch.readOutbound();
            assertThat(frame).isInstanceOf(TextWebSocketFrame.class);
            assertThat(frame.rsv()).isEqualTo(4);
            assertThat(frame.isFinalFragment()).isTrue();
            byte[] payload = ByteBufUtil.getBytes(frame.content());
            frame.release();
            assertThat(Compressed.inflate(client, payload)).isEqualTo(JSON);
            if (i == 0) {
                firstSize = payload.length;
            } else {
                assertThat(payload.length).as("the window remembers message 1").isLessThan(firstSize / 2);
            }
        }
        client.end();
        assertThat(ch.finish()).isFalse();
        assertThat(alloc.unreleased()).isEmpty();
    }

    @Test
    void startsAfreshPerMessageWithServerNoContextTakeover() throws Exception {
        EmbeddedChannel ch = channel(new DeflateAgreement(true, false, false), new LeakCheckingAllocator());
        for (int i = 0; i < 3; i++) {
            ch.writeOutbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(JSON)));
            WebSocketFrame frame = ch.readOutbound();
            assertThat(frame).isInstanceOf(BinaryWebSocketFrame.class);
            Inflater fresh = new Inflater(true);
            assertThat(Compressed.inflate(fresh, ByteBufUtil.getBytes(frame.content()))).isEqualTo(JSON);
            fresh.end();
            frame.release();
        }
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void anEmptyMessageIsOneZeroByte() {
        EmbeddedChannel ch = channel(new DeflateAgreement(true, false, false), new LeakCheckingAllocator());
        ch.writeOutbound(new TextWebSocketFrame(Unpooled.EMPTY_BUFFER));
        WebSocketFrame frame = ch.readOutbound();
        assertThat(ByteBufUtil.getBytes(frame.content())).containsExactly(0); // RFC 7692 §7.2.3.6
        frame.release();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void controlFramesPassUntouched() {
        EmbeddedChannel ch = channel(new DeflateAgreement(false, false, false), new LeakCheckingAllocator());
        ch.writeOutbound(new PongWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2, 3})));
        PongWebSocketFrame pong = ch.readOutbound();
        assertThat(pong.rsv()).isZero();
        assertThat(ByteBufUtil.getBytes(pong.content())).containsExactly(1, 2, 3);
        pong.release();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void largeIncompressibleMessagesRoundTrip() throws Exception {
        EmbeddedChannel ch = channel(new DeflateAgreement(false, false, false), new LeakCheckingAllocator());
        byte[] noise = ClientFrames.random(300_000, 7);
        ch.writeOutbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(noise)));
        WebSocketFrame frame = ch.readOutbound();
        Inflater client = new Inflater(true);
        assertThat(Compressed.inflate(client, ByteBufUtil.getBytes(frame.content()))).isEqualTo(noise);
        client.end();
        frame.release();
        assertThat(ch.finish()).isFalse();
    }

    private static EmbeddedChannel channel(DeflateAgreement agreement, LeakCheckingAllocator alloc) {
        EmbeddedChannel ch = new EmbeddedChannel(new PerMessageDeflateHandler(agreement));
        ch.config().setAllocator(alloc);
        return ch;
    }
}
