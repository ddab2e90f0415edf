package io.strata.cli;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * What {@code strata groups} does, on a running server ({@link RemoteGroups}, with {@code --url}) or on
 * a local folder ({@link LocalGroups}). Both answer in the HTTP API's JSON shapes
 * ({@code io.strata.server.GroupsJson}), so that a command prints the same thing either way.
 */
interface GroupsBackend extends AutoCloseable {

    /** The answer to {@link #create}: whether the group is new, and the group with its settings. */
    record Created(boolean created, JsonNode group) {
    }

    /** Creates the group, or finds it when it exists with the same settings; {@code group_exists} otherwise. */
    Created create(String name, JsonNode settings);

    /** Every group, by name, without settings. */
    List<JsonNode> list();

    /** The group's status with its settings; {@code not_found} when there is none. */
    JsonNode show(String name);

    void delete(String name);

    /** The first {@code limit} parked messages. */
    List<JsonNode> parked(String name, int limit);

    /** Queues every parked message to be delivered again; how many were queued. */
    int replay(String name);

    @Override
    void close();
}
