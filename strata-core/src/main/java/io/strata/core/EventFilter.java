package io.strata.core;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which events of {@code $all} a read or subscription wants. All given conditions must hold.
 *
 * @param types        event types to keep; empty keeps every type
 * @param category     keep only streams of this category
 * @param streamPrefix keep only streams whose name starts with this
 */
public record EventFilter(Set<String> types, Optional<String> category, Optional<String> streamPrefix) {
    public static final EventFilter ALL = new EventFilter(Set.of(), Optional.empty(), Optional.empty());

    public EventFilter {
        types = Set.copyOf(Objects.requireNonNull(types, "types"));
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(streamPrefix, "streamPrefix");
    }

    public static EventFilter types(String... types) {
        return new EventFilter(Set.of(types), Optional.empty(), Optional.empty());
    }

    public static EventFilter category(String category) {
        return new EventFilter(Set.of(), Optional.of(category), Optional.empty());
    }

    public static EventFilter streamPrefix(String prefix) {
        return new EventFilter(Set.of(), Optional.empty(), Optional.of(prefix));
    }

    public EventFilter withTypes(Set<String> types) {
        return new EventFilter(types, category, streamPrefix);
    }

    public EventFilter withCategory(String category) {
        return new EventFilter(types, Optional.of(category), streamPrefix);
    }

    public EventFilter withStreamPrefix(String prefix) {
        return new EventFilter(types, category, Optional.of(prefix));
    }

    public boolean isAll() {
        return types.isEmpty() && category.isEmpty() && streamPrefix.isEmpty();
    }

    /** Whether an event of {@code type} in {@code stream} passes this filter. */
    public boolean matches(String stream, String type) {
        if (!types.isEmpty() && !types.contains(type)) {
            return false;
        }
        if (category.isPresent() && !category.get().equals(StreamNames.categoryOf(stream))) {
            return false;
        }
        return streamPrefix.isEmpty() || stream.startsWith(streamPrefix.get());
    }

    public boolean matches(RecordedEvent event) {
        return matches(event.stream(), event.type());
    }
}
