package io.sluice.tunnel.frame;

/** Makes the {@link BackendFramer} of a session; each call returns a fresh framer with its own carry. Any thread. */
public final class BackendFramers {
    private BackendFramers() {
    }

    /** TEXT frames, each valid UTF-8; bytes that can never be UTF-8 raise {@link InvalidBackendTextException}. */
    public static BackendFramer text() {
        return new TextFramer();
    }

    /** BINARY frames wrapping each read as is. */
    public static BackendFramer binary() {
        return new BinaryFramer();
    }

    /** TEXT frames of standard base64 (the {@code base64} subprotocol): each read as one complete, padded text. */
    public static BackendFramer base64() {
        return new Base64Framer();
    }
}
