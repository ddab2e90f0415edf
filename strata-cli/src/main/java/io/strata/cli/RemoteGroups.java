package io.strata.cli;

import io.strata.client.HttpGroupsClient;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** The groups of the server named by {@code --url}, over its HTTP API. */
final class RemoteGroups implements GroupsBackend {
    private final HttpGroupsClient client;

    private RemoteGroups(HttpGroupsClient client) {
        this.client = client;
    }

    static RemoteGroups connect(String url) {
        return new RemoteGroups(HttpGroupsClient.connect(url));
    }

    @Override
    public Created create(String name, JsonNode settings) {
        HttpGroupsClient.Creation creation = client.create(name, settings);
        return new Created(creation.created(), creation.group());
    }

    @Override
    public List<JsonNode> list() {
        return client.list();
    }

    @Override
    public JsonNode show(String name) {
        return client.get(name);
    }

    @Override
    public void delete(String name) {
        client.delete(name);
    }

    @Override
    public List<JsonNode> parked(String name, int limit) {
        return client.parked(name, limit);
    }

    @Override
    public int replay(String name) {
        return client.replayParked(name);
    }

    @Override
    public void close() {
        client.close();
    }
}
