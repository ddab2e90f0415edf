package io.strata.server;

import io.strata.server.groups.GroupSettingsJson;
import io.strata.server.groups.GroupStatus;
import io.strata.server.groups.Message;
import io.strata.server.groups.ParkedMessage;
import java.util.List;
import java.util.function.Function;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The wire shapes of the consumer-group calls (spec/http-api.md, "Consumer groups — the broker"):
 *
 * <pre>
 *   group     {"name", "source", "checkpoint", "lag", "inFlight", "parked", "consumers"}   GET /v1/groups
 *             + "settings": the PUT body's fields, defaults filled in                   GET, PUT /v1/groups/{group}
 *   message   {"ackId", "deliveryCount", "event"}                                          fetch
 *   parked    {"deliveryCount", "reason", "parkedAt", "event"}                             GET …/parked
 * </pre>
 *
 * Events are as everywhere else in the API ({@link WireJson#event}). Public because the command line
 * prints the same shapes for a local folder as for a server.
 */
public final class GroupsJson {
    private GroupsJson() {
    }

    /** A group as {@code GET /v1/groups} lists it. */
    public static ObjectNode group(GroupStatus status) {
        ObjectNode json = WireJson.object();
        json.put("name", status.name());
        json.set("source", GroupSettingsJson.sourceToJson(status.settings().source()));
        json.put("checkpoint", status.checkpoint().token());
        json.put("lag", status.lag());
        json.put("inFlight", status.inFlight());
        json.put("parked", status.parked());
        json.put("consumers", status.consumers());
        return json;
    }

    /** A group as {@code GET /v1/groups/{group}} shows it: the listed fields and its settings. */
    public static ObjectNode groupWithSettings(GroupStatus status) {
        ObjectNode json = group(status);
        json.set("settings", GroupSettingsJson.toJson(status.settings()));
        return json;
    }

    /** One delivery of a fetch. */
    public static ObjectNode message(Message message) {
        ObjectNode json = WireJson.object();
        json.put("ackId", message.ackId());
        json.put("deliveryCount", message.deliveryCount());
        json.set("event", WireJson.event(message.event()));
        return json;
    }

    /** One parked message: how often it was delivered, why and when it was parked, and its event. */
    public static ObjectNode parked(ParkedMessage parked) {
        ObjectNode json = WireJson.object();
        json.put("deliveryCount", parked.deliveryCount());
        json.put("reason", parked.reason().wireName());
        json.put("parkedAt", WireJson.recorded(parked.parkedAt()));
        json.set("event", WireJson.event(parked.event()));
        return json;
    }

    /** {@code {"<field>": [ … ]}}, each item in its wire shape. */
    static <T> ObjectNode list(String field, List<T> items, Function<T, ObjectNode> shape) {
        ObjectNode json = WireJson.object();
        ArrayNode array = json.putArray(field);
        for (T item : items) {
            array.add(shape.apply(item));
        }
        return json;
    }
}
