package io.sluice.tunnel.lighttpd;

import java.util.Map;

/**
 * lighttpd's {@code server.*} options that matter to a tunnel (bind, port, document-root, max-read-idle) and its TLS
 * ({@code ssl.*}, global or in a {@code $SERVER["socket"]} block) as Sluice's {@code server:} section. lighttpd's
 * defaults are written out where Sluice's differ. Stateless apart from the notes.
 */
final class ServerSection {
    private final LighttpdConfig config;
    private final Notes notes;

    ServerSection(LighttpdConfig config, Notes notes) {
        this.config = config;
        this.notes = notes;
    }

    void write(YamlLines y) {
        Map<String, Directive> global = config.global();
        Condition tlsBlock = tlsSocketBlock();
        Map<String, Directive> tls = tlsBlock != null ? config.block(tlsBlock) : global;
        y.line(0, "server:");
        Directive bind = notes.use(global.get("server.bind"));
        String bindText = bind == null ? null : notes.string(bind.value(), bind.where(), "server.bind");
        if (bindText == null || bindText.isEmpty()) {
            y.comment(2, "lighttpd listens on every interface when server.bind is not set; Sluice's default is"
                    + " 127.0.0.1 (" + Notes.DOC + "#different-defaults).");
            y.line(2, "bind: 0.0.0.0");
        } else if (bindText.startsWith("/")) {
            notes.warn(bind.where(), "server.bind \"%s\": Sluice listens on TCP only; not translated (127.0.0.1)"
                    .formatted(bindText));
        } else if (bindText.startsWith("[") && bindText.endsWith("]")) {
            y.comment(2, "lighttpd writes an IPv6 address in brackets; Sluice without.");
            y.line(2, "bind: " + YamlLines.quoted(bindText.substring(1, bindText.length() - 1)));
        } else {
            y.line(2, "bind: " + YamlLines.scalar(bindText));
        }
        port(y, global, tlsBlock);
        Directive root = notes.use(global.get("server.document-root"));
        if (root != null && notes.string(root.value(), root.where(), "server.document-root") != null) {
            y.line(2, "document-root: " + YamlLines.scalar(root.value().text()));
        }
        Directive idle = notes.use(global.get("server.max-read-idle"));
        Long seconds = idle == null ? null : notes.integer(idle.value(), idle.where(), "server.max-read-idle");
        y.comment(2, (idle == null ? "lighttpd's default" : "As in lighttpd") + ": a tunnel whose client sends nothing"
                + " for this long is closed. Sluice's default is 0 (off), relying on ping-interval and pong-timeout;"
                + " remove this line to get it (" + Notes.DOC + "#different-defaults).");
        y.line(2, "max-read-idle: " + (seconds == null ? 60 : seconds));
        if (isEnabled(tls.get("ssl.engine"))) {
            tls(y, tls);
        }
    }

    private void port(YamlLines y, Map<String, Directive> global, Condition tlsBlock) {
        Directive port = notes.use(global.get("server.port"));
        Long number = port == null ? null : notes.integer(port.value(), port.where(), "server.port");
        if (tlsBlock != null) {
            String socket = tlsBlock.pattern();
            String tlsPort = socket.substring(socket.lastIndexOf(':') + 1);
            y.comment(2, "lighttpd listened on port %s, and with TLS on %s; Sluice has one listener: this is the TLS"
                    .formatted(number == null ? 80 : number, socket) + " one. Run a second Sluice for plain ws://.");
            notes.warn(tlsBlock.where(), "%s: Sluice has one listener; the TLS one (port %s) is used"
                    .formatted(tlsBlock, tlsPort));
            y.line(2, "port: " + tlsPort);
        } else if (number == null) {
            y.comment(2, "lighttpd's default port.");
            y.line(2, "port: 80");
        } else {
            y.line(2, "port: " + number);
        }
    }

    /** A {@code $SERVER["socket"] == ":443"} block that turns TLS on, if any. */
    private Condition tlsSocketBlock() {
        for (Condition c : config.conditions()) {
            if (c.field().equals("$SERVER[\"socket\"]") && c.operator().equals("==")
                    && isEnabled(config.block(c).get("ssl.engine")) && c.pattern().matches(".*:\\d+")) {
                return c;
            }
        }
        return null;
    }

    private boolean isEnabled(Directive d) {
        return d != null && d.value().text() != null && d.value().text().equals("enable");
    }

    private void tls(YamlLines y, Map<String, Directive> ssl) {
        notes.use(ssl.get("ssl.engine"));
        Directive pem = notes.use(ssl.get("ssl.pemfile"));
        if (pem == null || pem.value().text() == null) {
            notes.warn(ssl.get("ssl.engine").where(), "ssl.engine without ssl.pemfile; TLS not translated");
            return;
        }
        Directive key = notes.use(ssl.get("ssl.privkey"));
        Directive ca = notes.use(ssl.get("ssl.ca-file"));
        Directive verify = notes.use(ssl.get("ssl.verifyclient.activate"));
        Directive enforce = notes.use(ssl.get("ssl.verifyclient.enforce"));
        y.line(2, "tls:");
        y.line(4, "certificate: " + YamlLines.scalar(pem.value().text()));
        y.comment(4, "Sluice reads the key as PKCS#8 (BEGIN PRIVATE KEY); convert an older one with: openssl pkcs8"
                + " -topk8 -nocrypt -in OLD.pem -out NEW.pem");
        y.line(4, "key: " + YamlLines.scalar((key != null && key.value().text() != null ? key : pem).value().text()));
        if (isEnabled(verify) && ca != null && ca.value().text() != null) {
            y.line(4, "ca: " + YamlLines.scalar(ca.value().text()));
            y.line(4, "client-auth: " + (enforce == null || isEnabled(enforce) ? "require" : "optional"));
        } else if (ca != null) {
            notes.warn(ca.where(), "ssl.ca-file without ssl.verifyclient.activate: only for client certificates in"
                    + " Sluice; not translated");
        }
        y.comment(4, "Sluice speaks TLS 1.3 and 1.2 only, with ECDHE and AEAD ciphers; lighttpd's ssl.cipher-list and"
                + " ssl.openssl.ssl-conf-cmd are not translated.");
    }
}
