package io.strata.client;

import io.strata.core.EventData;
import io.strata.core.Position;
import io.strata.core.RecordedEvent;
import io.strata.core.StoreUnavailableException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * "Events on the wire" of spec/http-api.md, both ways: an {@link EventData} as the JSON of an append,
 * and the JSON of a read, an SSE message or a group's message back as the engine's {@link RecordedEvent},
 * its data bytes as stored. Also the other small pieces of the wire: times and percent-encoding.
 */
final class HttpEventJson {
    private HttpEventJson() {
    }

    /** One event of an append's {@code events} array. */
    static ObjectNode toJson(EventData event) {
        ObjectNode json = Json.object();
        event.id().ifPresent(id -> json.put("id", id.toString()));
        json.put("type", event.type());
        if (EventData.JSON.equals(event.contentType())) {
            json.set("data", Json.parse("the data", event.data()));
        } else {
            json.put("dataBase64", Base64.getEncoder().encodeToString(event.data()));
            json.put("contentType", event.contentType());
        }
        if (event.hasMetadata()) {
            json.set("metadata", Json.parse("the metadata", event.metadata()));
        }
        event.validTime().ifPresent(time -> json.put("validTime", DateTimeFormatter.ISO_INSTANT.format(time)));
        return json;
    }

    /** The events of a JSON array (none when it is missing). */
    static List<RecordedEvent> events(JsonNode array) {
        List<RecordedEvent> events = new ArrayList<>(array == null ? 0 : array.size());
        if (array != null) {
            for (JsonNode node : array) {
                events.add(event(node));
            }
        }
        return events;
    }

    /** An event of "Events on the wire" back as the engine's record, its data bytes as stored. */
    static RecordedEvent event(JsonNode json) {
        byte[] data;
        String contentType;
        if (json.has("dataBase64")) {
            data = Base64.getDecoder().decode(json.get("dataBase64").asString());
            contentType = json.path("contentType").asString("application/octet-stream");
        } else {
            JsonNode node = json.get("data");
            data = node == null ? new byte[0] : Json.compact(node);
            contentType = EventData.JSON;
        }
        byte[] metadata;
        if (json.has("metadataBase64")) {
            metadata = Base64.getDecoder().decode(json.get("metadataBase64").asString());
        } else {
            JsonNode node = json.get("metadata");
            metadata = node == null || node.isNull() ? new byte[0] : Json.compact(node);
        }
        JsonNode validTime = json.get("validTime");
        return new RecordedEvent(UUID.fromString(text(json, "id")), text(json, "stream"), text(json, "type"),
                json.get("revision").asLong(), Position.parse(text(json, "position")), time(text(json, "recordedTime")),
                validTime == null || validTime.isNull() ? Optional.empty() : Optional.of(time(validTime.asString())),
                contentType, data, metadata);
    }

    /** A field the server always sends, as text. */
    static String text(JsonNode json, String field) {
        JsonNode node = json.get(field);
        if (node == null || node.isNull()) {
            throw new StoreUnavailableException("the server's answer lacks '" + field + "'");
        }
        return node.asString();
    }

    /** Percent-encoding for a path segment or a query value: spaces as %20, never '+'. */
    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * An RFC 3339 time from the server. Its own form, UTC with 0 to 9 fraction digits
     * ({@code 2026-11-27T22:31:47.123456Z}), is read by hand: {@code OffsetDateTime.parse} was a fifth
     * of this client's CPU per SSE event in W6 over HTTP (1,065 of 5,393 CPU-time samples of the
     * subscription threads). Any other form goes to that general parser, which also rejects what is invalid.
     */
    static Instant time(String text) {
        Instant utc = utcTime(text);
        return utc != null ? utc : OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    }

    /** {@code yyyy-MM-ddTHH:mm:ss[.f…]Z} (1 to 9 fraction digits) as an instant; null when the text is anything else. */
    static Instant utcTime(String text) {
        int length = text.length();
        if (length < 20 || length == 21 || length > 30 || text.charAt(length - 1) != 'Z' || text.charAt(4) != '-'
                || text.charAt(7) != '-' || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':'
                || (length > 20 && text.charAt(19) != '.')) {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        int fractionDigits = length > 20 ? length - 21 : 0;
        int fraction = fractionDigits == 0 ? 0 : digits(text, 20, fractionDigits);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0
                || minute > 59 || second < 0 || second > 59 || fraction < 0
                || day > YearMonth.of(year, month).lengthOfMonth()) {
            return null;
        }
        long nanos = fraction;
        for (int i = fractionDigits; i < 9; i++) {
            nanos *= 10;
        }
        long epochDay = LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
    }

    /** The decimal number in {@code text[from, from + count)}, or -1 when a character is not a digit. */
    private static int digits(String text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
