package io.strata.eventsourcing.projection;

import io.strata.core.EventFilter;
import io.strata.core.RecordedEvent;
import io.strata.core.StreamNames;
import io.strata.eventsourcing.serialization.DecodedEvent;
import io.strata.eventsourcing.serialization.EventSerializer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A read model's definition: its name and version, which events it handles, and the handlers.
 *
 * <p>The events it handles are the declared event types (or every type, with {@link Builder#onAnyType}),
 * narrowed by an optional category or stream prefix; {@link #filter()} is that set as an
 * {@link EventFilter}, so the store skips the rest before they are read.
 *
 * <p>Typed handlers ({@link Builder#on(Class, TypedEventHandler)}) get the event decoded by an
 * {@link EventSerializer}, upcast to its current shape. Design note: a projection with typed handlers
 * reads every event type of its category or prefix, not only the registered names of its classes,
 * because an upcaster may rename a type and the serializer cannot list which stored names lead to a
 * class; an event it cannot decode ({@link EventSerializer#canDeserialize} false: a foreign type) is
 * skipped, one it should decode but cannot is a handler failure. Give typed projections a
 * {@link Builder#category} to keep that read small.
 *
 * <p>Raise the {@linkplain #version() version} when the handlers change what they build: the new
 * version is rebuilt from the start of the log beside the running one ({@link ProjectionRebuild}).
 *
 * <p>Immutable and thread-safe if the handlers are.
 *
 * @param <C> the context its handlers need
 */
public final class Projection<C extends ProjectionContext> {
    private final String name;
    private final int version;
    private final EventFilter filter;
    private final Map<String, EventHandler<? super C>> handlers;
    private final Map<Class<?>, TypedEventHandler<?, ? super C>> typedHandlers;
    private final Optional<EventSerializer> serializer;
    private final Optional<EventHandler<? super C>> anyType;
    private final Optional<ProjectionHook<? super C>> onStart;
    private final Optional<ProjectionHook<? super C>> onActivate;

    private Projection(Builder<C> builder) {
        this.name = builder.name;
        this.version = builder.version;
        this.handlers = Map.copyOf(builder.handlers);
        this.typedHandlers = Map.copyOf(builder.typedHandlers);
        this.serializer = Optional.ofNullable(builder.serializer);
        this.anyType = Optional.ofNullable(builder.anyType);
        this.onStart = Optional.ofNullable(builder.onStart);
        this.onActivate = Optional.ofNullable(builder.onActivate);
        boolean everyType = anyType.isPresent() || !typedHandlers.isEmpty();
        EventFilter types = everyType ? EventFilter.ALL : EventFilter.ALL.withTypes(Set.copyOf(handlers.keySet()));
        if (builder.category != null) {
            types = types.withCategory(builder.category);
        }
        if (builder.streamPrefix != null) {
            types = types.withStreamPrefix(builder.streamPrefix);
        }
        this.filter = types;
    }

    /** A projection whose handlers need only the plain {@link ProjectionContext}. */
    public static Builder<ProjectionContext> builder(String name) {
        return new Builder<>(name);
    }

    /**
     * A projection whose handlers need a richer context, e.g.
     * {@code Projection.builder("balances", JdbcProjectionContext.class)}; see also {@link JdbcProjection}.
     */
    public static <C extends ProjectionContext> Builder<C> builder(String name, Class<C> contextType) {
        Objects.requireNonNull(contextType, "contextType");
        return new Builder<>(name);
    }

    public String name() {
        return name;
    }

    public int version() {
        return version;
    }

    /** The events this projection handles, for reads and subscriptions. */
    public EventFilter filter() {
        return filter;
    }

    /** The stored event types of the raw handlers; empty when the filter keeps every type. */
    public Set<String> eventTypes() {
        return filter.types();
    }

    /** The serializer of the typed handlers, if it has any. */
    public Optional<EventSerializer> serializer() {
        return serializer;
    }

    /**
     * Calls the handlers for the event: the raw handler for its stored type, the typed handler for its
     * decoded class, then the any-type handler; events outside the filter are ignored.
     */
    public void handle(RecordedEvent event, C context) throws Exception {
        if (!filter.matches(event)) {
            return;
        }
        EventHandler<? super C> handler = handlers.get(event.type());
        if (handler != null) {
            handler.handle(event, context);
        }
        if (!typedHandlers.isEmpty() && serializer.get().canDeserialize(event.type())) {
            handleTyped(serializer.get().deserialize(event), context);
        }
        if (anyType.isPresent()) {
            anyType.get().handle(event, context);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void handleTyped(DecodedEvent decoded, C context) throws Exception {
        TypedEventHandler handler = typedHandlerFor(decoded.payload().getClass());
        if (handler != null) {
            handler.handle(decoded.payload(), new EventEnvelope<>(decoded, context));
        }
    }

    private TypedEventHandler<?, ? super C> typedHandlerFor(Class<?> eventClass) {
        TypedEventHandler<?, ? super C> exact = typedHandlers.get(eventClass);
        if (exact != null) {
            return exact;
        }
        for (Map.Entry<Class<?>, TypedEventHandler<?, ? super C>> entry : typedHandlers.entrySet()) {
            if (entry.getKey().isAssignableFrom(eventClass)) {
                return entry.getValue(); // a handler for a sealed interface of several event records
            }
        }
        return null;
    }

    /** Runs the start hook, if any: once per runner, before the first event. */
    public void start(C context) throws Exception {
        if (onStart.isPresent()) {
            onStart.get().run(context);
        }
    }

    /** Runs the activation hook, if any: in the unit of work that makes this version active. */
    public void activate(C context) throws Exception {
        if (onActivate.isPresent()) {
            onActivate.get().run(context);
        }
    }

    @Override
    public String toString() {
        return name + "@v" + version;
    }

    /** Builds a {@link Projection}. Not thread-safe. */
    public static final class Builder<C extends ProjectionContext> {
        private final String name;
        private int version = 1;
        private final Map<String, EventHandler<? super C>> handlers = new LinkedHashMap<>();
        private final Map<Class<?>, TypedEventHandler<?, ? super C>> typedHandlers = new LinkedHashMap<>();
        private EventSerializer serializer;
        private EventHandler<? super C> anyType;
        private String category;
        private String streamPrefix;
        private ProjectionHook<? super C> onStart;
        private ProjectionHook<? super C> onActivate;

        private Builder(String name) {
            Objects.requireNonNull(name, "name");
            // The name goes into stream names and table rows: keep it printable and short.
            if (name.isBlank() || name.length() > 200 || !name.chars().allMatch(c -> c > 32 && c < 127)) {
                throw new IllegalArgumentException("a projection name is 1 to 200 printable ASCII characters without spaces, got '" + name + "'");
            }
            this.name = name;
        }

        /** The version, 1 or more; default 1. */
        public Builder<C> version(int version) {
            if (version < 1) {
                throw new IllegalArgumentException("a projection version is 1 or more, got " + version);
            }
            this.version = version;
            return this;
        }

        /** Handles events of {@code type} with {@code handler}; one handler per type. */
        public Builder<C> on(String type, EventHandler<? super C> handler) {
            StreamNames.checkType(type);
            Objects.requireNonNull(handler, "handler");
            if (handlers.putIfAbsent(type, handler) != null) {
                throw new IllegalArgumentException("projection " + name + " already has a handler for " + type);
            }
            return this;
        }

        /** The serializer that decodes events for the typed handlers (with its upcasters). */
        public Builder<C> serializer(EventSerializer serializer) {
            this.serializer = Objects.requireNonNull(serializer, "serializer");
            return this;
        }

        /**
         * Handles events that decode to {@code eventClass} (or, for an interface, to a class that
         * implements it), after upcasting; needs a {@link #serializer}. One handler per class.
         */
        public <E> Builder<C> on(Class<E> eventClass, TypedEventHandler<? super E, ? super C> handler) {
            Objects.requireNonNull(eventClass, "eventClass");
            Objects.requireNonNull(handler, "handler");
            if (typedHandlers.putIfAbsent(eventClass, handler) != null) {
                throw new IllegalArgumentException("projection " + name + " already has a handler for " + eventClass.getName());
            }
            return this;
        }

        /** Handles every event (that passes the category or prefix), after any handler for its type. */
        public Builder<C> onAnyType(EventHandler<? super C> handler) {
            this.anyType = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /** Only events of streams in this category (the stream name's part before the first '-'). */
        public Builder<C> category(String category) {
            this.category = Objects.requireNonNull(category, "category");
            return this;
        }

        /** Only events of streams whose name starts with {@code prefix}. */
        public Builder<C> streamPrefix(String prefix) {
            this.streamPrefix = Objects.requireNonNull(prefix, "prefix");
            return this;
        }

        /** Runs once per runner before the first event, e.g. to create this version's tables. */
        public Builder<C> onStart(ProjectionHook<? super C> hook) {
            this.onStart = Objects.requireNonNull(hook, "hook");
            return this;
        }

        /**
         * Runs in the unit of work that makes this version the active one, e.g. to point a view at
         * this version's table: for JDBC in the same transaction as the switch. Also runs at each
         * start of the active version (after {@link #onStart}), so write it to be repeatable
         * ({@code CREATE OR REPLACE VIEW}).
         */
        public Builder<C> onActivate(ProjectionHook<? super C> hook) {
            this.onActivate = Objects.requireNonNull(hook, "hook");
            return this;
        }

        public Projection<C> build() {
            if (handlers.isEmpty() && typedHandlers.isEmpty() && anyType == null) {
                throw new IllegalStateException("projection " + name + " handles no event type: add on(type, handler) or onAnyType(handler)");
            }
            if (!typedHandlers.isEmpty()) {
                if (serializer == null) {
                    throw new IllegalStateException("projection " + name + " has typed handlers but no serializer(...) to decode with");
                }
                for (Class<?> eventClass : typedHandlers.keySet()) {
                    boolean registered = serializer.registry().types().stream()
                            .anyMatch(type -> eventClass.isAssignableFrom(type.javaClass()));
                    if (!registered) {
                        throw new IllegalStateException("projection " + name + " handles " + eventClass.getName()
                                + ", which the serializer's registry does not know (nor any class implementing it)");
                    }
                }
            }
            return new Projection<>(this);
        }
    }
}
