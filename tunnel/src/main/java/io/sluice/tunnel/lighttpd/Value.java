package io.sluice.tunnel.lighttpd;

import java.util.ArrayList;
import java.util.List;

/** A lighttpd config value: a string, an integer, or an array of entries (each with or without a key). Immutable. */
sealed interface Value permits Value.Str, Value.Int, Value.Arr {

    /** A value as text: a string's own text, an integer's digits, null for an array. */
    String text();

    /** {@code a + b} as lighttpd computes it; null when lighttpd refuses the combination. */
    static Value concat(Value a, Value b) {
        if (a instanceof Arr x && b instanceof Arr y) {
            List<Entry> all = new ArrayList<>(x.entries());
            all.addAll(y.entries());
            return new Arr(all);
        }
        if (a instanceof Int x && b instanceof Int y) {
            return new Int(x.value() + y.value());
        }
        if (a.text() != null && b.text() != null) {
            return new Str(a.text() + b.text());
        }
        return null;
    }

    record Str(String value) implements Value {
        @Override
        public String text() {
            return value;
        }
    }

    record Int(long value) implements Value {
        @Override
        public String text() {
            return Long.toString(value);
        }
    }

    record Arr(List<Entry> entries) implements Value {
        public Arr {
            entries = List.copyOf(entries);
        }

        @Override
        public String text() {
            return null;
        }

        /** The value of the first entry with this key, or null. */
        Entry get(String key) {
            return entries.stream().filter(e -> key.equals(e.key())).findFirst().orElse(null);
        }
    }

    /** One array entry: {@code key => value} or a bare value (key null). */
    record Entry(String key, Value value, Location where) {
    }
}
