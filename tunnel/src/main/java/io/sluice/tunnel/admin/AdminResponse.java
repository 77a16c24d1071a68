package io.sluice.tunnel.admin;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** What an endpoint answers: status, content type and the whole body. Immutable (the body is not copied). */
public record AdminResponse(int status, String contentType, byte[] body) {
    static final String TEXT = "text/plain; charset=utf-8";
    static final String JSON = "application/json; charset=utf-8";

    public AdminResponse {
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
    }

    /** A one-line plain text answer (a newline is added). */
    public static AdminResponse text(int status, String line) {
        return new AdminResponse(status, TEXT, (line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    public static AdminResponse json(int status, String json) {
        return new AdminResponse(status, JSON, json.getBytes(StandardCharsets.UTF_8));
    }
}
