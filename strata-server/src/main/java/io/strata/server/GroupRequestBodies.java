package io.strata.server;

import io.strata.server.groups.ConsumerGroup;
import io.strata.server.groups.GroupSettingsJson;
import io.strata.server.groups.NackAction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * The bodies of {@code POST /v1/groups/{group}/fetch|ack|nack|parked/replay}, parsed strictly as
 * {@link AppendBody} is: unknown fields are refused (a misspelt {@code "wait"} must not silently turn a
 * long poll into a busy loop), wrong types are {@code invalid_request}. Ranges are the core's to check.
 */
final class GroupRequestBodies {
    /** A fetch without {@code max} takes one message, as SQS's ReceiveMessage does. */
    static final int DEFAULT_MAX = 1;
    private static final Set<String> FETCH_FIELDS = Set.of("consumer", "max", "wait");
    private static final Set<String> ACK_FIELDS = Set.of("ackIds");
    private static final Set<String> NACK_FIELDS = Set.of("ackIds", "action", "delay");

    private GroupRequestBodies() {
    }

    /** {@code {"consumer": "c1", "max": 100, "wait": "PT5S"}}: max defaults to 1, wait to PT0S (no wait). */
    record Fetch(String consumer, int max, Duration maxWait) {
        static Fetch parse(JsonNode body) {
            checkObject(body, FETCH_FIELDS, "{\"consumer\": \"c1\", \"max\": 100, \"wait\": \"PT5S\"}");
            JsonNode consumer = body.get("consumer");
            if (consumer == null || consumer.isNull()) {
                throw ApiException.invalid("'consumer' is missing: name the consumer that fetches, e.g. \"c1\"");
            }
            if (!consumer.isString()) {
                throw ApiException.invalid("'consumer' must be a string, got " + consumer);
            }
            return new Fetch(consumer.stringValue(), max(body.get("max")), duration(body.get("wait"), "wait"));
        }

        private static int max(JsonNode node) {
            if (node == null || node.isNull()) {
                return DEFAULT_MAX;
            }
            if (!node.isIntegralNumber() || !node.canConvertToInt()) {
                throw ApiException.invalid("'max' must be an integer from 1 to " + ConsumerGroup.MAX_FETCH + ", got " + node);
            }
            return node.intValue();
        }
    }

    /** {@code {"ackIds": ["…"]}}. */
    record Ack(List<String> ackIds) {
        static Ack parse(JsonNode body) {
            checkObject(body, ACK_FIELDS, "{\"ackIds\": [\"…\"]}");
            return new Ack(parseAckIds(body));
        }
    }

    /** {@code {"ackIds": ["…"], "action": "retry" | "park" | "skip", "delay": "PT5S"}}: action required, delay defaults to PT0S. */
    record Nack(List<String> ackIds, NackAction action, Duration delay) {
        static Nack parse(JsonNode body) {
            checkObject(body, NACK_FIELDS, "{\"ackIds\": [\"…\"], \"action\": \"retry\", \"delay\": \"PT5S\"}");
            List<String> ackIds = parseAckIds(body);
            JsonNode action = body.get("action");
            if (action == null || action.isNull()) {
                throw ApiException.invalid("'action' is missing: \"retry\", \"park\" or \"skip\"");
            }
            if (!action.isString()) {
                throw ApiException.invalid("'action' must be \"retry\", \"park\" or \"skip\", got " + action);
            }
            return new Nack(ackIds, NackAction.parse(action.stringValue()), duration(body.get("delay"), "delay"));
        }
    }

    /** The body of {@code POST …/parked/replay}: {@code {}}, or none at all. */
    static void parseReplay(JsonNode body) {
        if (body != null) {
            checkObject(body, Set.of(), "{}");
        }
    }

    private static List<String> parseAckIds(JsonNode body) {
        JsonNode ids = body.get("ackIds");
        if (ids == null || ids.isNull()) {
            throw ApiException.invalid("'ackIds' is missing: give the array of ackIds the fetch returned");
        }
        if (!ids.isArray()) {
            throw ApiException.invalid("'ackIds' must be an array of strings, got " + ids);
        }
        // Checked here rather than by the core: too many ids is a size limit (413, with the limit), as
        // more than 10,000 events in one append is.
        if (ids.size() > ConsumerGroup.MAX_ACK_IDS) {
            throw new ApiException(413, "too_large", "at most " + ConsumerGroup.MAX_ACK_IDS + " ackIds at a time, got " + ids.size(),
                    Map.of("limit", ConsumerGroup.MAX_ACK_IDS));
        }
        List<String> out = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            JsonNode id = ids.get(i);
            if (!id.isString()) {
                throw ApiException.invalid("ackIds[" + i + "] must be a string, got " + id);
            }
            out.add(id.stringValue());
        }
        return out;
    }

    /** An ISO-8601 duration such as {@code "PT5S"}; {@code PT0S} when absent. */
    private static Duration duration(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return Duration.ZERO;
        }
        return GroupSettingsJson.duration(node, "'" + field + "'");
    }

    private static void checkObject(JsonNode body, Set<String> fields, String example) {
        if (!body.isObject()) {
            throw ApiException.invalid("the body must be a JSON object " + example);
        }
        for (String name : body.propertyNames()) {
            if (!fields.contains(name)) {
                throw ApiException.invalid("unknown field '" + name + "' in the body"
                        + (fields.isEmpty() ? ", which takes none: send {}" : "; known: " + new TreeSet<>(fields)));
            }
        }
    }
}
