package io.strata.cli;

import io.strata.core.Durability;
import io.strata.core.EventStore;
import io.strata.core.StoreUnavailableException;
import io.strata.server.GroupsJson;
import io.strata.server.groups.ConsumerGroups;
import io.strata.server.groups.GroupCreation;
import io.strata.server.groups.GroupSettingsJson;
import java.nio.file.Path;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The groups kept in a local data folder ({@code --db}) when no server runs on it: the store and its
 * {@link ConsumerGroups} opened here, as {@code strata serve} opens them, and closed (with their final
 * checkpoints) when the command ends.
 */
final class LocalGroups implements GroupsBackend {
    private final EventStore store;
    private final ConsumerGroups groups;

    private LocalGroups(EventStore store, ConsumerGroups groups) {
        this.store = store;
        this.groups = groups;
    }

    /**
     * Opens the groups of the store in {@code directory}; {@code createStore} creates the store when
     * missing (creating a group before the first append), otherwise it must exist.
     */
    static LocalGroups open(Stores stores, Path directory, boolean createStore) {
        EventStore store;
        try {
            store = createStore ? stores.openOrCreate(directory, Durability.FSYNC) : stores.openExisting(directory);
        } catch (StoreUnavailableException e) {
            // Most often the folder is locked by the server that serves it, which owns its groups too.
            throw new StoreUnavailableException(e.getMessage()
                    + "; if a server is serving this folder, run the command against it with --url (e.g. --url http://127.0.0.1:7700)", e);
        }
        try {
            return new LocalGroups(store, ConsumerGroups.open(store, directory));
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    @Override
    public Created create(String name, JsonNode settings) {
        GroupCreation creation = groups.create(name, GroupSettingsJson.fromJson(settings));
        return new Created(creation.created(), GroupsJson.groupWithSettings(creation.group().status()));
    }

    @Override
    public List<JsonNode> list() {
        return groups.list().stream().<JsonNode>map(GroupsJson::group).toList();
    }

    @Override
    public JsonNode show(String name) {
        return GroupsJson.groupWithSettings(groups.get(name).status());
    }

    @Override
    public void delete(String name) {
        groups.delete(name);
    }

    @Override
    public List<JsonNode> parked(String name, int limit) {
        return groups.get(name).parked(limit).stream().<JsonNode>map(GroupsJson::parked).toList();
    }

    /**
     * Refused: a replay hands parked messages to the consumers fetching from a running server, and only
     * in memory until they are acked (the durable parked list keeps them), so on a folder that no server
     * serves it would do nothing.
     */
    @Override
    public int replay(String name) {
        groups.get(name); // an unknown group is not_found, as on a server
        throw new StoreUnavailableException("replay delivers parked messages to the consumers of a running server; "
                + "start the server on this folder and run it with --url");
    }

    @Override
    public void close() {
        try {
            groups.close();
        } finally {
            store.close();
        }
    }
}
