package io.strata.eventsourcing.test;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * One event (or command) as text for a failure report: its {@code toString} when the class has
 * one (records do), otherwise its class name and JSON, since {@code Foo@1b6d3586} says nothing.
 */
final class EventText {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private EventText() {
    }

    static String of(Object value) {
        if (value == null) {
            return "null";
        }
        if (hasOwnToString(value.getClass())) {
            return value.toString();
        }
        try {
            return value.getClass().getSimpleName() + " " + JSON.writeValueAsString(value);
        } catch (JacksonException e) {
            return value.toString();
        }
    }

    private static boolean hasOwnToString(Class<?> type) {
        try {
            return type.getMethod("toString").getDeclaringClass() != Object.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
