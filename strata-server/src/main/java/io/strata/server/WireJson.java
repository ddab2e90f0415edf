package io.strata.server;

import io.strata.core.AppendResult;
import io.strata.core.RecordedEvent;
import io.strata.core.StoreInfo;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The server's JSON: one mapper, strict parsing of request bodies, and the wire shapes of
 * spec/http-api.md (events, append results, info) and its times (RFC 3339, UTC).
 *
 * <p>Public because the command line prints the same shapes for {@code --json}: one definition of
 * the wire format for both.
 */
public final class WireJson {
    /** Numbers are kept exactly as written: the parsed tree of an event's data is what gets stored. */
    static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonNodeFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private static final DateTimeFormatter MICROS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private WireJson() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Parses a request body; {@code invalid_request} when it is not one JSON value. */
    static JsonNode parse(byte[] body) {
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JacksonException e) {
            throw ApiException.invalid("the body is not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ")"));
        }
        if (node == null || node.isMissingNode()) {
            throw ApiException.invalid("the body is empty: send a JSON object");
        }
        return node;
    }

    static byte[] compact(JsonNode node) {
        return MAPPER.writeValueAsBytes(node);
    }

    static byte[] bytes(JsonNode node) {
        return MAPPER.writeValueAsBytes(node);
    }

    static String line(JsonNode node) {
        return MAPPER.writeValueAsString(node);
    }

    /** A time the store recorded: UTC, always six fraction digits. */
    static String recorded(Instant time) {
        return MICROS.format(time);
    }

    /** A time a writer gave (valid time): UTC, only the fraction digits it has. */
    static String plain(Instant time) {
        return DateTimeFormatter.ISO_INSTANT.format(time);
    }

    /** Parses an RFC 3339 time with an offset; {@code invalid_request} naming {@code what} otherwise. */
    static Instant parseTime(String what, String text) {
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.invalid(what + " must be an RFC 3339 time such as 2026-11-01T00:00:00Z, got '" + text + "'");
        }
    }

    /** An event as in "Events on the wire". */
    public static ObjectNode event(RecordedEvent event) {
        ObjectNode json = object();
        json.put("id", event.id().toString());
        json.put("stream", event.stream());
        json.put("type", event.type());
        json.put("revision", event.revision());
        json.put("position", event.position().token());
        json.put("recordedTime", recorded(event.recordedTime()));
        event.validTime().ifPresent(time -> json.put("validTime", plain(time)));
        JsonNode data = event.isJson() ? parseStored(event.data()) : null;
        if (data != null) {
            json.set("data", data);
        } else {
            // Not JSON, or bytes that claim to be JSON but do not parse (written through the Java API).
            json.put("dataBase64", Base64.getEncoder().encodeToString(event.data()));
            json.put("contentType", event.contentType());
        }
        if (event.hasMetadata()) {
            JsonNode metadata = parseStored(event.metadata());
            if (metadata != null) {
                json.set("metadata", metadata);
            } else {
                json.put("metadataBase64", Base64.getEncoder().encodeToString(event.metadata()));
            }
        }
        return json;
    }

    /** The answer to an append. */
    public static ObjectNode appendResult(AppendResult result) {
        ObjectNode json = object();
        json.put("stream", result.stream());
        json.put("firstRevision", result.firstRevision());
        json.put("lastRevision", result.lastRevision());
        json.put("firstPosition", result.firstPosition().token());
        json.put("lastPosition", result.lastPosition().token());
        json.put("recordedTime", recorded(result.recordedTime()));
        return json;
    }

    /** The answer of {@code GET /v1/info}. */
    public static ObjectNode info(StoreInfo info) {
        ObjectNode json = object();
        json.put("version", info.version());
        json.put("engine", info.engine());
        json.put("durability", info.durability().wireName());
        if (info.headPosition().isPresent()) {
            json.put("headPosition", info.headPosition().get().token());
        } else {
            json.putNull("headPosition");
        }
        json.put("streams", info.streams());
        json.put("events", info.events());
        json.put("startedAt", recorded(info.startedAt()));
        ObjectNode dedup = json.putObject("dedupWindow");
        dedup.put("duration", info.dedupWindow().toString());
        dedup.put("events", info.dedupWindowEvents());
        return json;
    }

    private static JsonNode parseStored(byte[] bytes) {
        if (bytes.length == 0) {
            return null;
        }
        try {
            JsonNode node = MAPPER.readTree(bytes);
            return node == null || node.isMissingNode() ? null : node;
        } catch (JacksonException e) {
            return null;
        }
    }
}
