package io.strata.eventsourcing.test.projection;

import java.lang.reflect.Array;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A read model as lines of text, one value per line, so that two states can be diffed line by line:
 * maps by sorted key, lists by index, sets sorted, records by component, nested values indented.
 *
 * <pre>
 *   byAccount:
 *     "account-1" = 5
 *     "account-2" = 7
 *   total = 12
 * </pre>
 *
 * Strings are quoted so that a trailing space or an empty string shows.
 */
final class StateText {
    private static final String STEP = "  ";

    private StateText() {
    }

    static List<String> lines(Object state) {
        List<String> out = new ArrayList<>();
        render(state, "", null, out);
        return out;
    }

    private static void render(Object value, String indent, String label, List<String> out) {
        if (value instanceof Map<?, ?> map) {
            List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
            entries.sort((a, b) -> compareKeys(a.getKey(), b.getKey()));
            String inner = open(indent, label, map.isEmpty() ? "{}" : null, out);
            for (Map.Entry<?, ?> entry : entries) {
                render(entry.getValue(), inner, scalar(entry.getKey()), out);
            }
        } else if (value instanceof Collection<?> || (value != null && value.getClass().isArray())) {
            List<Object> items = items(value);
            String inner = open(indent, label, items.isEmpty() ? "[]" : null, out);
            if (value instanceof Set<?>) {
                items.sort((a, b) -> compareKeys(a, b));
            }
            for (int i = 0; i < items.size(); i++) {
                render(items.get(i), inner, value instanceof Set<?> ? "-" : "[" + i + "]", out);
            }
        } else if (value instanceof Record record) {
            RecordComponent[] components = record.getClass().getRecordComponents();
            String inner = open(indent, label, components.length == 0 ? record.getClass().getSimpleName() + "[]" : null, out);
            for (RecordComponent component : components) {
                render(component(record, component), inner, component.getName(), out);
            }
        } else {
            String text = scalar(value);
            out.add(indent + (label == null ? text : "-".equals(label) ? "- " + text : label + " = " + text));
        }
    }

    /** Adds the label line of a container (with {@code empty} when it has nothing); returns the indent of its children. */
    private static String open(String indent, String label, String empty, List<String> out) {
        if (label == null) {
            if (empty != null) {
                out.add(indent + empty);
            }
            return indent;
        }
        out.add(indent + label + (empty != null ? " = " + empty : ":"));
        return indent + STEP;
    }

    private static Object component(Record record, RecordComponent component) {
        try {
            component.getAccessor().setAccessible(true);
            return component.getAccessor().invoke(record);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return "<" + component.getName() + ": " + e + ">";
        }
    }

    private static List<Object> items(Object value) {
        List<Object> items = new ArrayList<>();
        if (value instanceof Collection<?> collection) {
            items.addAll(collection);
        } else {
            for (int i = 0; i < Array.getLength(value); i++) {
                items.add(Array.get(value, i));
            }
        }
        return items;
    }

    static String scalar(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof CharSequence text) {
            return '"' + text.toString().replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
        }
        return String.valueOf(value);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compareKeys(Object a, Object b) {
        if (a instanceof Comparable ca && b != null && a.getClass() == b.getClass()) {
            return ca.compareTo(b);
        }
        return scalar(a).compareTo(scalar(b));
    }
}
