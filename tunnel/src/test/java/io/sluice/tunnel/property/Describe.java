package io.sluice.tunnel.property;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.stream.Collectors;

/**
 * An input as text to paste into a regression test: byte arrays in hex, records by their components (never their own
 * {@code toString}, which may shorten), collections element by element, strings quoted and escaped.
 */
final class Describe {
    private Describe() {
    }

    static String of(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof byte[] bytes) {
            return "hex[" + bytes.length + "]:" + HexFormat.of().formatHex(bytes);
        }
        if (value instanceof int[] ints) {
            return Arrays.toString(ints);
        }
        if (value instanceof String s) {
            return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\r", "\\r").replace("\n", "\\n")
                    + '"';
        }
        if (value instanceof Collection<?> items) {
            return items.stream().map(Describe::of).collect(Collectors.joining(", ", "[", "]"));
        }
        if (value.getClass().isRecord()) {
            return Arrays.stream(value.getClass().getRecordComponents())
                    .map(c -> c.getName() + "=" + of(component(value, c)))
                    .collect(Collectors.joining(", ", value.getClass().getSimpleName() + "(", ")"));
        }
        return String.valueOf(value);
    }

    private static Object component(Object record, RecordComponent component) {
        try {
            var accessor = component.getAccessor();
            accessor.setAccessible(true); // the tests' records are not public
            return accessor.invoke(record);
        } catch (ReflectiveOperationException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
