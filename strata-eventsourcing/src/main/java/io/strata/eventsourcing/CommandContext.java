package io.strata.eventsourcing;

import io.strata.eventsourcing.serialization.DecodedEvent;
import io.strata.eventsourcing.serialization.EventMetadata;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Who and what a command is, for the metadata of the events it causes: each event gets
 * {@code causationId = commandId} and the context's {@code correlationId}, plus its entries.
 *
 * <pre>
 *   HTTP request ─▶ CommandContext.create()          commandId c1, correlationId c1
 *                     └─ events e1, e2                causationId c1, correlationId c1
 *   process reacts to e1 ─▶ CommandContext.causedBy(e1)  commandId c2, correlationId c1
 *                     └─ event e3                     causationId c2, correlationId c1
 * </pre>
 *
 * @param commandId     unique per command; becomes the causation id of its events
 * @param correlationId shared by everything one request set off; the command id when it starts one
 * @param entries       further metadata copied onto every event (tenant, user, trace id)
 */
public record CommandContext(String commandId, String correlationId, Map<String, String> entries) {
    public CommandContext {
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(correlationId, "correlationId");
        // Checked here, not at the first append, so a reserved key fails where it was written.
        entries = new EventMetadata(Optional.empty(), Optional.empty(), entries).entries();
    }

    /** A new command with a random id that starts its own conversation. */
    public static CommandContext create() {
        return withCommandId(UUID.randomUUID().toString());
    }

    /** A command with the caller's id (e.g. from a request header) that starts its own conversation. */
    public static CommandContext withCommandId(String commandId) {
        return new CommandContext(commandId, commandId, Map.of());
    }

    /**
     * A new command issued in reaction to {@code event}: it joins the event's conversation (the event's
     * correlation id, or the event's own id when it has none) and keeps its metadata entries.
     */
    public static CommandContext causedBy(DecodedEvent event) {
        EventMetadata metadata = event.metadata();
        return new CommandContext(UUID.randomUUID().toString(),
                metadata.correlationId().orElse(event.eventId().toString()), metadata.entries());
    }

    /** Another command in the same conversation: a new command id, the same correlation id and entries. */
    public CommandContext followUp() {
        return new CommandContext(UUID.randomUUID().toString(), correlationId, entries);
    }

    /** A copy with one more (or a replaced) entry. */
    public CommandContext with(String key, String value) {
        Map<String, String> copy = new TreeMap<>(entries);
        copy.put(key, value);
        return new CommandContext(commandId, correlationId, copy);
    }

    /** The metadata of each event this command causes. */
    public EventMetadata eventMetadata() {
        return new EventMetadata(Optional.of(correlationId), Optional.of(commandId), entries);
    }
}
