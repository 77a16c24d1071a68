package io.sluice.tunnel.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.ProtocolDetectionResult;
import io.netty.handler.codec.ProtocolDetectionState;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.sluice.tunnel.config.ProxyProtocolOptions;
import java.util.List;

/**
 * {@code server.proxy-protocol}, first on every client connection (before TLS: a balancer writes the header in the
 * clear, then relays the client's bytes): looks at the first 12 bytes, enough to tell a PROXY v1 or v2 header from
 * anything else. A connection from an accepted balancer must start with one: the gate hands it to Netty's
 * {@link HAProxyMessageDecoder} and the {@link ProxyHeaderHandler}. A connection from anywhere else must not: it
 * continues as it came. The wrong way round is refused and closed. Waiting for the bytes is bounded by the
 * {@link UpgradeHandler}'s handshake timer, which starts at the accept. Confined to the channel's event loop.
 */
final class ProxyProtocolGate extends ByteToMessageDecoder {
    /** TLV bytes a v2 header may carry beyond its addresses; HAProxy sends none unless told to. */
    static final int MAX_TLV_BYTES = 4096;

    private final ProxyProtocolOptions options;
    private final ProxyRefusals refusals;

    ProxyProtocolGate(ProxyProtocolOptions options, ProxyRefusals refusals) {
        this.options = options;
        this.refusals = refusals;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        ProtocolDetectionResult<HAProxyProtocolVersion> found = HAProxyMessageDecoder.detectProtocol(in);
        if (found.state() == ProtocolDetectionState.NEEDS_MORE_DATA) {
            return; // ByteToMessageDecoder reads again when a read gave nothing to pass on
        }
        boolean header = found.state() == ProtocolDetectionState.DETECTED;
        boolean fromBalancer = options.accepts(ctx.channel().remoteAddress());
        if (header != fromBalancer) {
            in.skipBytes(in.readableBytes());
            refusals.refuse(ctx.channel(), header ? ProxyRefusals.Why.HEADER_FROM_ELSEWHERE
                    : ProxyRefusals.Why.NO_HEADER_FROM_BALANCER, null);
            return;
        }
        ChannelPipeline pipeline = ctx.pipeline();
        if (header) {
            pipeline.addAfter(ctx.name(), "proxy-decoder", new HAProxyMessageDecoder(MAX_TLV_BYTES));
            pipeline.addAfter("proxy-decoder", "proxy-header", new ProxyHeaderHandler(refusals));
        }
        // Removing a ByteToMessageDecoder hands what it holds to the next handler: the header to the decoder, or
        // the client's first bytes to TLS or HTTP.
        pipeline.remove(this);
    }
}
