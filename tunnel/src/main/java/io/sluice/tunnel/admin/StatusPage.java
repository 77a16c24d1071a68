package io.sluice.tunnel.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The live page /status.html and its script and style, served from the jar as they are (no build step, nothing
 * from a CDN); the script polls /status once a second. The three files hold no data, so they are served without
 * the token: the page asks for it and sends it with its /status requests. Immutable once loaded.
 */
public final class StatusPage {
    private static final Map<String, String> ASSETS = Map.of(
            "/status.html", "text/html; charset=utf-8",
            "/status.js", "text/javascript; charset=utf-8",
            "/status.css", "text/css; charset=utf-8");

    private StatusPage() {
    }

    /** Whether {@code path} is one of the page's files (served without the token). */
    static boolean isAsset(String path) {
        return ASSETS.containsKey(path);
    }

    /** Adds the page's files to {@code admin}. */
    public static void addTo(AdminServer admin) {
        ASSETS.forEach((path, type) -> {
            byte[] body = load("page" + path);
            admin.add(path, request -> new AdminResponse(200, type, body));
        });
    }

    private static byte[] load(String resource) {
        try (InputStream in = StatusPage.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the jar has no " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
