package io.strata.bench;

import java.util.Locale;
import java.util.Map;

/**
 * Builds one flat JSON object on one line, fields in the order they are added. Enough for the
 * result lines of {@code bench/WORKLOADS.md}: strings, whole numbers, decimals, booleans.
 * Not thread-safe.
 */
public final class JsonLine {
    private final StringBuilder out = new StringBuilder(512).append('{');
    private boolean first = true;

    public JsonLine add(String name, String value) {
        key(name);
        quote(value);
        return this;
    }

    public JsonLine add(String name, long value) {
        key(name);
        out.append(value);
        return this;
    }

    public JsonLine add(String name, boolean value) {
        key(name);
        out.append(value);
        return this;
    }

    /** A decimal rounded to {@code digits} places; NaN and infinities become {@code null}. */
    public JsonLine add(String name, double value, int digits) {
        key(name);
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            out.append("null");
        } else {
            String text = String.format(Locale.ROOT, "%." + digits + "f", value);
            if (text.indexOf('.') >= 0) { // 12.300 -> 12.3, 4.000 -> 4
                int end = text.length();
                while (text.charAt(end - 1) == '0') {
                    end--;
                }
                if (text.charAt(end - 1) == '.') {
                    end--;
                }
                text = text.substring(0, end);
            }
            out.append(text.equals("-0") ? "0" : text);
        }
        return this;
    }

    /**
     * Adds each of {@code fields} as its value's type says: a {@link Double} or {@link Float} rounded
     * to 3 places, another {@link Number} as a whole number, a {@link Boolean}, anything else as text.
     * How a result line carries a workload's extras and a target's facts.
     */
    public JsonLine addAll(Map<String, ?> fields) {
        fields.forEach((name, value) -> {
            switch (value) {
                case Double d -> add(name, d, 3);
                case Float f -> add(name, f.doubleValue(), 3);
                case Number n -> add(name, n.longValue());
                case Boolean b -> add(name, b);
                default -> add(name, String.valueOf(value));
            }
        });
        return this;
    }

    @Override
    public String toString() {
        return out + "}";
    }

    private void key(String name) {
        if (!first) {
            out.append(", ");
        }
        first = false;
        quote(name);
        out.append(": ");
    }

    private void quote(String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
