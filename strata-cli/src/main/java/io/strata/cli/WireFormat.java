package io.strata.cli;

import io.strata.core.AppendResult;
import io.strata.core.RecordedEvent;
import io.strata.core.StoreInfo;
import java.util.Base64;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The objects of the HTTP API (spec/http-api.md), built for {@code --json} output so that a script
 * reads the same shapes from the command line as from the server.
 */
final class WireFormat {
    private WireFormat() {
    }

    /** An event as in "Events on the wire". */
    static ObjectNode event(RecordedEvent event) {
        ObjectNode json = Json.object();
        json.put("id", event.id().toString());
        json.put("stream", event.stream());
        json.put("type", event.type());
        json.put("revision", event.revision());
        json.put("position", event.position().token());
        json.put("recordedTime", Times.recorded(event.recordedTime()));
        event.validTime().ifPresent(time -> json.put("validTime", Times.plain(time)));
        JsonNode data = event.isJson() ? parseStoredJson(event.data()) : null;
        if (data != null) {
            json.set("data", data);
        } else {
            // Not JSON, or bytes that claim to be JSON but do not parse (written through the Java
            // API): hand them over untouched rather than guess.
            json.put("dataBase64", Base64.getEncoder().encodeToString(event.data()));
            json.put("contentType", event.contentType());
        }
        if (event.hasMetadata()) {
            JsonNode metadata = parseStoredJson(event.metadata());
            if (metadata != null) {
                json.set("metadata", metadata);
            } else {
                json.put("metadataBase64", Base64.getEncoder().encodeToString(event.metadata()));
            }
        }
        return json;
    }

    /** The answer to an append. */
    static ObjectNode appendResult(AppendResult result) {
        ObjectNode json = Json.object();
        json.put("stream", result.stream());
        json.put("firstRevision", result.firstRevision());
        json.put("lastRevision", result.lastRevision());
        json.put("firstPosition", result.firstPosition().token());
        json.put("lastPosition", result.lastPosition().token());
        json.put("recordedTime", Times.recorded(result.recordedTime()));
        return json;
    }

    /** The answer of {@code GET /v1/info}. */
    static ObjectNode info(StoreInfo info) {
        ObjectNode json = Json.object();
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
        json.put("startedAt", Times.recorded(info.startedAt()));
        ObjectNode dedup = json.putObject("dedupWindow");
        dedup.put("duration", info.dedupWindow().toString());
        dedup.put("events", info.dedupWindowEvents());
        return json;
    }

    private static JsonNode parseStoredJson(byte[] bytes) {
        if (bytes.length == 0) {
            return null;
        }
        try {
            JsonNode node = Json.MAPPER.readTree(bytes);
            return node == null || node.isMissingNode() ? null : node;
        } catch (JacksonException e) {
            return null;
        }
    }
}
