package io.sluice.tunnel.json;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Writes one JSON text (RFC 8259) into a {@link StringBuilder}, with commas and escaping done right: quotes,
 * backslashes and control characters are escaped, as are U+2028/U+2029 (so the text is also valid JavaScript) and
 * any lone surrogate (so the UTF-8 encoding of the result is always valid). Not thread-safe: one writer per text.
 * Misuse (a value where a name is due, an unclosed container) fails fast with {@link IllegalStateException}.
 */
public final class JsonWriter {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final StringBuilder out;
    /** Per open container: true while nothing was written into it yet. */
    private final Deque<Boolean> empty = new ArrayDeque<>();
    /** Per open container: true for an object. */
    private final Deque<Boolean> object = new ArrayDeque<>();
    private boolean nameWritten;
    private boolean done;

    public JsonWriter() {
        this(new StringBuilder(256));
    }

    public JsonWriter(StringBuilder out) {
        this.out = out;
    }

    public JsonWriter beginObject() {
        beforeValue();
        out.append('{');
        empty.push(true);
        object.push(true);
        return this;
    }

    public JsonWriter endObject() {
        return end(true, '}');
    }

    public JsonWriter beginArray() {
        beforeValue();
        out.append('[');
        empty.push(true);
        object.push(false);
        return this;
    }

    public JsonWriter endArray() {
        return end(false, ']');
    }

    /** The name of the next member of the current object. */
    public JsonWriter name(String name) {
        if (object.isEmpty() || !object.peek() || nameWritten) {
            throw new IllegalStateException("a name is only valid inside an object, before its value");
        }
        comma();
        string(name);
        out.append(':');
        nameWritten = true;
        return this;
    }

    public JsonWriter value(String value) {
        if (value == null) {
            return nullValue();
        }
        scalar();
        string(value);
        return this;
    }

    public JsonWriter value(long value) {
        scalar();
        out.append(value);
        return this;
    }

    /** A whole number, or null. */
    public JsonWriter value(Number value) {
        if (value == null) {
            return nullValue();
        }
        if (value instanceof Double || value instanceof Float) {
            return value(value.doubleValue());
        }
        return value(value.longValue());
    }

    /** A number; NaN and the infinities have no JSON form and are written as null. */
    public JsonWriter value(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return nullValue();
        }
        scalar();
        out.append(value);
        return this;
    }

    public JsonWriter value(boolean value) {
        scalar();
        out.append(value);
        return this;
    }

    /** An instant as an ISO-8601 UTC string, or null. */
    public JsonWriter value(Instant value) {
        return value == null ? nullValue() : value(value.toString());
    }

    /** A duration as seconds with millisecond precision. */
    public JsonWriter seconds(Duration value) {
        return value == null ? nullValue() : value(value.toMillis() / 1000.0);
    }

    public JsonWriter nullValue() {
        scalar();
        out.append("null");
        return this;
    }

    /** Shorthands for a member: {@code name} then the value. */
    public JsonWriter field(String name, String value) {
        return name(name).value(value);
    }

    public JsonWriter field(String name, long value) {
        return name(name).value(value);
    }

    public JsonWriter field(String name, boolean value) {
        return name(name).value(value);
    }

    public JsonWriter field(String name, Instant value) {
        return name(name).value(value);
    }

    /** The text written so far; the outermost value must be complete. */
    @Override
    public String toString() {
        if (!done) {
            throw new IllegalStateException("the JSON text is not complete");
        }
        return out.toString();
    }

    private JsonWriter end(boolean isObject, char close) {
        if (object.isEmpty() || object.peek() != isObject || nameWritten) {
            throw new IllegalStateException("nothing to close with '" + close + "' here");
        }
        object.pop();
        empty.pop();
        out.append(close);
        done = object.isEmpty();
        return this;
    }

    /** Before any value: the comma or the pending name; a text is one object or array. */
    private void beforeValue() {
        if (done) {
            throw new IllegalStateException("the JSON text is already complete");
        }
        if (object.isEmpty()) {
            return; // the outermost container itself (a scalar there fails on its closing check below)
        }
        if (object.peek()) {
            if (!nameWritten) {
                throw new IllegalStateException("a member of an object needs a name first");
            }
            nameWritten = false;
        } else {
            comma();
        }
    }

    private void scalar() {
        if (object.isEmpty()) {
            throw new IllegalStateException("a JSON text here is an object or an array");
        }
        beforeValue();
    }

    private void comma() {
        if (empty.peek()) {
            empty.pop();
            empty.push(false);
        } else {
            out.append(',');
        }
    }

    private void string(String text) {
        out.append('"');
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        unicodeEscape(c);
                    } else if (Character.isHighSurrogate(c) && i + 1 < length
                            && Character.isLowSurrogate(text.charAt(i + 1))) {
                        out.append(c).append(text.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        unicodeEscape(c); // a lone half of a pair has no UTF-8 form
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private void unicodeEscape(char c) {
        out.append("\\u").append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF]).append(HEX[c >> 4 & 0xF])
                .append(HEX[c & 0xF]);
    }
}
