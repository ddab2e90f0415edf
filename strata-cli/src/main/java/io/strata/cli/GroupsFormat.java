package io.strata.cli;

import io.strata.client.HttpGroupsClient;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** {@code strata groups} for people: a table of groups, one fact per line for one group, one line per parked message. */
final class GroupsFormat {
    private static final List<String> COLUMNS = List.of("NAME", "SOURCE", "CHECKPOINT", "LAG", "IN FLIGHT", "PARKED", "CONSUMERS");

    private GroupsFormat() {
    }

    /** The groups as a table with a header line, columns aligned. */
    static String table(List<JsonNode> groups) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(COLUMNS);
        for (JsonNode group : groups) {
            rows.add(List.of(group.path("name").asString(), source(group.path("source")), group.path("checkpoint").asString(),
                    number(group, "lag"), number(group, "inFlight"), number(group, "parked"), number(group, "consumers")));
        }
        int[] widths = new int[COLUMNS.size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        List<String> lines = new ArrayList<>(rows.size());
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(i == row.size() - 1 ? row.get(i) : pad(row.get(i), widths[i] + 2));
            }
            lines.add(line.toString().stripTrailing());
        }
        return String.join(System.lineSeparator(), lines);
    }

    /** One group, one fact per line, its settings included. */
    static String group(JsonNode group) {
        JsonNode settings = group.path("settings");
        return String.join(System.lineSeparator(),
                "name            " + group.path("name").asString(),
                "source          " + source(group.path("source")),
                "from            " + settings.path("from").asString(),
                "ordering        " + settings.path("ordering").asString(),
                "max deliveries  " + number(settings, "maxDeliveries"),
                "ack timeout     " + settings.path("ackTimeout").asString(),
                "checkpoint      " + group.path("checkpoint").asString(),
                "lag             " + number(group, "lag"),
                "in flight       " + number(group, "inFlight"),
                "parked          " + number(group, "parked"),
                "consumers       " + number(group, "consumers"));
    }

    static String created(GroupsBackend.Created creation) {
        String name = creation.group().path("name").asString();
        return (creation.created() ? "created group " : "group exists with these settings: ") + name
                + " over " + source(creation.group().path("source"));
    }

    /** A parked message: its event as {@code strata read} prints it, then how and when it was parked. */
    static String parked(JsonNode parked) {
        return HumanFormat.event(HttpGroupsClient.event(parked.path("event")))
                + "  deliveries=" + number(parked, "deliveryCount")
                + "  reason=" + parked.path("reason").asString()
                + "  parkedAt=" + parked.path("parkedAt").asString();
    }

    /** {@code stream 'order-42'}, {@code $all}, or {@code $all (type in [A, B], category 'order', streamPrefix 'order-')}. */
    static String source(JsonNode source) {
        if (source.has("stream")) {
            return "stream '" + source.get("stream").asString() + "'";
        }
        JsonNode filter = source.path("all");
        List<String> parts = new ArrayList<>();
        if (filter.has("type")) {
            List<String> types = new ArrayList<>();
            filter.get("type").forEach(type -> types.add(type.asString()));
            parts.add("type in " + types);
        }
        if (filter.has("category")) {
            parts.add("category '" + filter.get("category").asString() + "'");
        }
        if (filter.has("streamPrefix")) {
            parts.add("streamPrefix '" + filter.get("streamPrefix").asString() + "'");
        }
        return parts.isEmpty() ? "$all" : "$all (" + String.join(", ", parts) + ")";
    }

    private static String number(JsonNode json, String field) {
        return json.path(field).asString();
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }
}
