package io.sluice.tunnel.accesslog;

import io.sluice.tunnel.config.AccessLogOptions.Format;
import io.sluice.tunnel.json.JsonWriter;
import io.sluice.tunnel.session.Refusal;
import io.sluice.tunnel.session.SessionRecord;
import java.time.Instant;
import java.util.Locale;

/**
 * Formats access log lines, text ({@code key=value} pairs, values quoted when they need it) or JSON (one object per
 * line). The fields are documented in docs/operations.md. Stateless.
 */
final class AccessLogLines {
    private AccessLogLines() {
    }

    static String session(SessionRecord s, Format format) {
        String reason = s.reason().name().toLowerCase(Locale.ROOT).replace('_', '-');
        if (format == Format.JSON) {
            JsonWriter json = new JsonWriter().beginObject()
                    .field("time", s.closedAt())
                    .field("event", "session")
                    .field("session", s.id())
                    .field("remoteAddress", s.remoteHost())
                    .field("remotePort", s.remotePort())
                    .field("route", s.route())
                    .field("host", s.backend());
            json.name("workerId").value(s.workerId() < 0 ? null : (Integer) s.workerId());
            json.name("workerPid").value(s.workerPid() == 0 ? null : (Long) s.workerPid());
            json.field("openedAt", s.openedAt()).name("durationSeconds").seconds(s.duration());
            json.field("bytesFromClient", s.bytesFromClient()).field("bytesToClient", s.bytesToClient())
                    .field("messagesFromClient", s.messagesFromClient())
                    .field("messagesToClient", s.messagesToClient());
            json.name("closeCode").value(s.closeCode() < 0 ? null : (Integer) s.closeCode());
            return json.field("closeReason", reason).field("closedBy", s.closedBy().label()).endObject().toString();
        }
        return new TextLine(s.closedAt(), "session")
                .add("session", s.id())
                .add("remote", s.remoteHost() + ":" + s.remotePort())
                .add("route", s.route())
                .add("host", s.backend())
                .add("worker", s.workerId() < 0 ? "-" : Integer.toString(s.workerId()))
                .add("pid", s.workerPid() == 0 ? "-" : Long.toString(s.workerPid()))
                .add("duration", "%.3f".formatted(Locale.ROOT, s.duration().toNanos() / 1e9))
                .add("bytes_in", Long.toString(s.bytesFromClient()))
                .add("bytes_out", Long.toString(s.bytesToClient()))
                .add("msgs_in", Long.toString(s.messagesFromClient()))
                .add("msgs_out", Long.toString(s.messagesToClient()))
                .add("code", s.closeCode() < 0 ? "-" : Integer.toString(s.closeCode()))
                .add("reason", reason)
                .add("closed_by", s.closedBy().label())
                .toString();
    }

    static String refusal(Refusal r, Format format) {
        if (format == Format.JSON) {
            return new JsonWriter().beginObject()
                    .field("time", r.at())
                    .field("event", "refused")
                    .field("remoteAddress", r.remoteHost())
                    .field("remotePort", r.remotePort())
                    .field("route", r.route().isEmpty() ? null : r.route())
                    .field("status", r.status())
                    .field("reason", r.reason())
                    .field("text", r.text())
                    .endObject().toString();
        }
        return new TextLine(r.at(), "refused")
                .add("remote", r.remoteHost() + ":" + r.remotePort())
                .add("route", r.route().isEmpty() ? "-" : r.route())
                .add("status", Integer.toString(r.status()))
                .add("reason", r.reason())
                .add("text", r.text())
                .toString();
    }

    /** "TIME EVENT key=value …"; a value that is empty or has anything but plain characters is quoted. */
    private static final class TextLine {
        private final StringBuilder line = new StringBuilder(200);

        TextLine(Instant at, String event) {
            line.append(at).append(' ').append(event);
        }

        TextLine add(String key, String value) {
            line.append(' ').append(key).append('=');
            if (!value.isEmpty() && value.chars().allMatch(TextLine::plain)) {
                line.append(value);
            } else {
                quote(value);
            }
            return this;
        }

        private static boolean plain(int c) {
            return c > 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '=';
        }

        private void quote(String value) {
            line.append('"');
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '"' || c == '\\') {
                    line.append('\\').append(c);
                } else if (c < 0x20 || c == 0x7f) {
                    line.append("\\x%02x".formatted((int) c));
                } else {
                    line.append(c);
                }
            }
            line.append('"');
        }

        @Override
        public String toString() {
            return line.toString();
        }
    }
}
