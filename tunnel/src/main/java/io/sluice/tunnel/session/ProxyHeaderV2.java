package io.sluice.tunnel.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.sluice.tunnel.tls.ClientTls;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The PROXY protocol version 2 header (HAProxy's proxy-protocol.txt, section 2.2) that starts a backend connection
 * of a host with {@code proxy-protocol: v2}: command PROXY over TCP, the client's address and port as source,
 * Sluice's own listening address and port as destination (both IPv4, else both IPv6 with IPv4 mapped), and the TLVs
 * {@code PP2_TYPE_AUTHORITY} (the request's Host, its bytes as received) and {@code PP2_TYPE_UNIQUE_ID} (the session
 * id), and for a client that came over TLS {@code PP2_TYPE_SSL} (section 2.2.5) with the version, the cipher and,
 * when the client showed a certificate, its CN. A connection that is not TCP (never the case for a client of Sluice)
 * is sent as AF_UNSPEC, whose addresses the receiver ignores. Stateless.
 */
final class ProxyHeaderV2 {
    /** The 12-byte signature every v2 header starts with. */
    static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    static final int VERSION_2_PROXY = 0x21;
    static final int TCP_OVER_IPV4 = 0x11;
    static final int TCP_OVER_IPV6 = 0x21;
    static final int UNSPEC = 0x00;
    static final int PP2_TYPE_AUTHORITY = 0x02;
    static final int PP2_TYPE_UNIQUE_ID = 0x05;
    static final int PP2_TYPE_SSL = 0x20;
    static final int PP2_SUBTYPE_SSL_VERSION = 0x21;
    static final int PP2_SUBTYPE_SSL_CN = 0x22;
    static final int PP2_SUBTYPE_SSL_CIPHER = 0x23;
    /** PP2_TYPE_SSL's client bits: over TLS; a certificate was shown on this connection; and in its session. */
    static final int PP2_CLIENT_SSL = 0x01;
    static final int PP2_CLIENT_CERT_CONN = 0x02;
    static final int PP2_CLIENT_CERT_SESS = 0x04;
    /** The spec's bound on a unique id. */
    static final int MAX_UNIQUE_ID_BYTES = 128;
    /**
     * The longest authority that keeps the header's 16-bit length right (36 address bytes, both TLVs' 3-byte heads,
     * the longest id). The HTTP codec admits 8 KiB of headers, so only a caller without it could pass more.
     */
    static final int MAX_AUTHORITY_BYTES = 0xFFFF - 36 - 3 - 3 - MAX_UNIQUE_ID_BYTES;

    private ProxyHeaderV2() {
    }

    /** As {@link #encode(ByteBufAllocator, SocketAddress, SocketAddress, String, String, ClientTls)} for plain ws. */
    static ByteBuf encode(ByteBufAllocator alloc, SocketAddress client, SocketAddress local, String authority,
                          String sessionId) {
        return encode(alloc, client, local, authority, sessionId, null);
    }

    /**
     * The header for a session from {@code client} to Sluice at {@code local}, {@code tls} null when the client
     * came without TLS; the caller writes and releases it.
     */
    static ByteBuf encode(ByteBufAllocator alloc, SocketAddress client, SocketAddress local, String authority,
                          String sessionId, ClientTls tls) {
        // The Host as the client sent it: Netty gives header values as one ISO-8859-1 char per byte.
        byte[] host = authority.getBytes(StandardCharsets.ISO_8859_1);
        byte[] id = sessionId.getBytes(StandardCharsets.UTF_8);
        if (id.length > MAX_UNIQUE_ID_BYTES) {
            throw new IllegalArgumentException("a PROXY v2 unique id is at most 128 bytes, got " + id.length);
        }
        if (host.length > MAX_AUTHORITY_BYTES) {
            host = new byte[0]; // left out rather than a wrapped 16-bit length a receiver would misread
        }
        InetSocketAddress from = client instanceof InetSocketAddress inet && inet.getAddress() != null ? inet : null;
        InetSocketAddress to = local instanceof InetSocketAddress inet && inet.getAddress() != null ? inet : null;
        boolean inet = from != null && to != null;
        boolean v4 = inet && from.getAddress() instanceof Inet4Address && to.getAddress() instanceof Inet4Address;
        int addressBytes = !inet ? 0 : v4 ? 12 : 36;
        byte[] ssl = tls == null ? null : sslValue(tls);
        int tlvBytes = (host.length == 0 ? 0 : 3 + host.length) + 3 + id.length + (ssl == null ? 0 : 3 + ssl.length);
        ByteBuf header = alloc.buffer(16 + addressBytes + tlvBytes);
        header.writeBytes(SIGNATURE);
        header.writeByte(VERSION_2_PROXY);
        header.writeByte(!inet ? UNSPEC : v4 ? TCP_OVER_IPV4 : TCP_OVER_IPV6);
        header.writeShort(addressBytes + tlvBytes);
        if (inet) {
            header.writeBytes(bytes(from.getAddress(), v4));
            header.writeBytes(bytes(to.getAddress(), v4));
            header.writeShort(from.getPort());
            header.writeShort(to.getPort());
        }
        if (host.length > 0) {
            tlv(header, PP2_TYPE_AUTHORITY, host);
        }
        tlv(header, PP2_TYPE_UNIQUE_ID, id);
        if (ssl != null) {
            tlv(header, PP2_TYPE_SSL, ssl);
        }
        return header;
    }

    /**
     * PP2_TYPE_SSL's value: the client bits, then {@code verify} (0 when the client showed a certificate that was
     * verified, which is the only kind that gets through the handshake; non-zero without one), then the sub-TLVs.
     */
    private static byte[] sslValue(ClientTls tls) {
        ByteBuf value = Unpooled.buffer();
        try {
            value.writeByte(PP2_CLIENT_SSL | (tls.hasCertificate() ? PP2_CLIENT_CERT_CONN | PP2_CLIENT_CERT_SESS : 0));
            value.writeInt(tls.hasCertificate() ? 0 : 1);
            tlv(value, PP2_SUBTYPE_SSL_VERSION, tls.protocol().getBytes(StandardCharsets.US_ASCII));
            if (tls.commonName() != null) {
                tlv(value, PP2_SUBTYPE_SSL_CN, tls.commonName().getBytes(StandardCharsets.UTF_8));
            }
            tlv(value, PP2_SUBTYPE_SSL_CIPHER, tls.cipher().getBytes(StandardCharsets.US_ASCII));
            byte[] bytes = new byte[value.readableBytes()];
            value.readBytes(bytes);
            return bytes;
        } finally {
            value.release();
        }
    }

    private static void tlv(ByteBuf header, int type, byte[] value) {
        header.writeByte(type);
        header.writeShort(value.length);
        header.writeBytes(value);
    }

    /** 4 bytes for IPv4; 16 for IPv6, an IPv4 address mapped (::ffff:a.b.c.d) when the other side is IPv6. */
    private static byte[] bytes(InetAddress address, boolean v4) {
        byte[] raw = address.getAddress();
        if (v4 || address instanceof Inet6Address) {
            return raw;
        }
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(raw, 0, mapped, 12, 4);
        return mapped;
    }
}
