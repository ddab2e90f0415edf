package io.strata.server;

import io.strata.core.EventData;
import io.strata.core.RecordedEvent;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * CloudEvents 1.0 in the JSON event format (spec/http-api.md, "Append" and "Read a stream"), both ways,
 * with Jackson rather than the CloudEvents SDK.
 *
 * <pre>
 *   CloudEvent            Strata event
 *   id (a UUID)       ──► id
 *   type              ──► type
 *   data / data_base64──► data            (data with a non-JSON datacontenttype must be a string: its UTF-8 bytes)
 *   datacontenttype   ──► contentType     (absent: application/json for data, application/octet-stream otherwise)
 *   time              ──► validTime
 *   source, subject, dataschema, extensions ──► metadata (a JSON object)
 * </pre>
 *
 * <p>Back the other way: {@code source} from the metadata or {@code /strata/streams/{stream}}, {@code time}
 * only when the event has a valid time, metadata entries that are valid CloudEvents attributes with
 * scalar values become extension attributes (the whole metadata object goes as the string extension
 * {@code stratametadata} when some entry cannot), and the extensions {@code stratastream},
 * {@code stratarevision} and {@code strataposition}.
 */
final class CloudEvents {
    static final String BATCH = "application/cloudevents-batch+json";
    static final String SINGLE = "application/cloudevents+json";
    static final String OCTET_STREAM = "application/octet-stream";

    /** Context attributes that are not copied to metadata as extensions. */
    private static final Set<String> CORE = Set.of("specversion", "id", "type", "source", "subject", "time",
            "datacontenttype", "dataschema", "data", "data_base64");
    /** Metadata keys that carry CloudEvents attributes of their own. */
    private static final Set<String> IN_METADATA = Set.of("source", "subject", "dataschema");
    private static final Set<String> OURS = Set.of("stratastream", "stratarevision", "strataposition", "stratametadata");
    /** CloudEvents 1.0: attribute names are lower-case ASCII letters and digits. */
    private static final Pattern ATTRIBUTE_NAME = Pattern.compile("[a-z0-9]{1,64}");
    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private CloudEvents() {
    }

    // ---- in

    /** The events of a {@code application/cloudevents-batch+json} body: a non-empty array of CloudEvents. */
    static List<EventData> parseBatch(JsonNode body) {
        if (!body.isArray()) {
            throw ApiException.invalid("a " + BATCH + " body must be a JSON array of CloudEvents");
        }
        if (body.isEmpty()) {
            throw ApiException.invalid("the CloudEvents batch is empty: an append needs at least one event");
        }
        List<EventData> events = new ArrayList<>(body.size());
        for (int i = 0; i < body.size(); i++) {
            events.add(parse("cloudevents[" + i + "]", body.get(i)));
        }
        return events;
    }

    /** The event of a {@code application/cloudevents+json} body: one CloudEvent. */
    static List<EventData> parseSingle(JsonNode body) {
        return List.of(parse("the CloudEvent", body));
    }

    private static EventData parse(String where, JsonNode node) {
        if (!node.isObject()) {
            throw ApiException.invalid(where + " must be a JSON object");
        }
        String specversion = requiredString(where, node, "specversion");
        if (!specversion.equals("1.0")) {
            throw ApiException.invalid(where + ".specversion must be \"1.0\", got \"" + specversion + "\"");
        }
        String id = requiredString(where, node, "id");
        if (!UUID_TEXT.matcher(id).matches()) {
            throw ApiException.invalid(where + ".id must be a UUID such as 6f1c64e2-0b4e-4c8e-9a59-6c2f4f1d2a10, got \"" + id + "\"");
        }
        String type = requiredString(where, node, "type");
        String source = requiredString(where, node, "source");
        if (source.isEmpty()) {
            throw ApiException.invalid(where + ".source must not be empty");
        }
        EventData.Builder builder = EventData.builder(type).id(UUID.fromString(id));

        String contentType = optionalString(where, node, "datacontenttype");
        if (contentType != null && contentType.isBlank()) {
            throw ApiException.invalid(where + ".datacontenttype must not be empty");
        }
        JsonNode data = present(node.get("data"));
        JsonNode dataBase64 = present(node.get("data_base64"));
        if (data != null && dataBase64 != null) {
            throw ApiException.invalid(where + " has both 'data' and 'data_base64': give one");
        }
        if (dataBase64 != null) {
            if (!dataBase64.isString()) {
                throw ApiException.invalid(where + ".data_base64 must be a base64 string");
            }
            try {
                builder.data(Base64.getDecoder().decode(dataBase64.stringValue()));
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid(where + ".data_base64 is not valid base64: " + e.getMessage());
            }
            builder.contentType(contentType == null ? OCTET_STREAM : contentType);
        } else if (data != null) {
            if (contentType == null || isPlainJson(contentType)) {
                builder.data(WireJson.compact(data)).contentType(EventData.JSON);
            } else if (isJson(contentType)) {
                builder.data(WireJson.compact(data)).contentType(contentType);
            } else if (data.isString()) {
                builder.data(data.stringValue().getBytes(StandardCharsets.UTF_8)).contentType(contentType);
            } else {
                throw ApiException.invalid(where + ".data must be a string when datacontenttype is not JSON ('"
                        + contentType + "'); send binary data as data_base64");
            }
        } else {
            // No data: an empty payload.
            builder.contentType(contentType == null ? OCTET_STREAM : contentType);
        }

        String time = optionalString(where, node, "time");
        if (time != null) {
            builder.validTime(WireJson.parseTime(where + ".time", time));
        }

        ObjectNode metadata = WireJson.object();
        metadata.put("source", source);
        String subject = optionalString(where, node, "subject");
        if (subject != null) {
            metadata.put("subject", subject);
        }
        String dataschema = optionalString(where, node, "dataschema");
        if (dataschema != null) {
            metadata.put("dataschema", dataschema);
        }
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (CORE.contains(name) || value.isNull()) {
                continue;
            }
            if (!ATTRIBUTE_NAME.matcher(name).matches()) {
                throw ApiException.invalid(where + " has an attribute named '" + name
                        + "': CloudEvents attribute names are lower-case letters and digits");
            }
            if (value.isContainer()) {
                throw ApiException.invalid(where + "." + name + " must be a string, number or boolean (a CloudEvents extension attribute)");
            }
            metadata.set(name, value);
        }
        builder.metadata(WireJson.compact(metadata));
        return builder.build();
    }

    private static JsonNode present(JsonNode node) {
        return node == null || node.isNull() ? null : node;
    }

    private static String requiredString(String where, JsonNode node, String field) {
        String value = optionalString(where, node, field);
        if (value == null) {
            throw ApiException.invalid(where + "." + field + " is missing (a CloudEvent needs specversion, id, source and type)");
        }
        return value;
    }

    private static String optionalString(String where, JsonNode node, String field) {
        JsonNode value = present(node.get(field));
        if (value == null) {
            return null;
        }
        if (!value.isString()) {
            throw ApiException.invalid(where + "." + field + " must be a string");
        }
        return value.stringValue();
    }

    private static String mediaType(String contentType) {
        return contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    }

    private static boolean isPlainJson(String contentType) {
        return mediaType(contentType).equals(EventData.JSON);
    }

    /** JSON in the sense of the CloudEvents JSON format: application/json, text/json or {@code +json}. */
    static boolean isJson(String contentType) {
        String media = mediaType(contentType);
        return media.equals("application/json") || media.equals("text/json") || media.endsWith("+json");
    }

    private static boolean isText(String contentType) {
        String media = mediaType(contentType);
        return media.startsWith("text/") || media.endsWith("+xml") || media.equals("application/xml")
                || contentType.toLowerCase(Locale.ROOT).contains("charset=utf-8");
    }

    // ---- out

    static ArrayNode batch(List<RecordedEvent> events) {
        ArrayNode array = WireJson.MAPPER.createArrayNode();
        for (RecordedEvent event : events) {
            array.add(toCloudEvent(event));
        }
        return array;
    }

    static ObjectNode toCloudEvent(RecordedEvent event) {
        ObjectNode metadata = storedMetadata(event);
        ObjectNode json = WireJson.object();
        json.put("specversion", "1.0");
        json.put("id", event.id().toString());
        JsonNode source = metadata == null ? null : metadata.get("source");
        json.put("source", source != null && source.isString() && !source.stringValue().isEmpty()
                ? source.stringValue() : "/strata/streams/" + encodeSegment(event.stream()));
        json.put("type", event.type());
        if (metadata != null) {
            for (String name : List.of("subject", "dataschema")) {
                JsonNode value = metadata.get(name);
                if (value != null && value.isString()) {
                    json.put(name, value.stringValue());
                }
            }
        }
        event.validTime().ifPresent(time -> json.put("time", WireJson.plain(time)));
        putData(json, event);

        boolean unmapped = event.hasMetadata() && metadata == null;
        if (metadata != null) {
            for (Map.Entry<String, JsonNode> entry : metadata.properties()) {
                String name = entry.getKey();
                JsonNode value = entry.getValue();
                if (IN_METADATA.contains(name) && value.isString()) {
                    continue;
                }
                if (CORE.contains(name) || OURS.contains(name) || !ATTRIBUTE_NAME.matcher(name).matches()
                        || value.isContainer() || value.isNull()) {
                    unmapped = true;
                    continue;
                }
                json.set(name, value);
            }
        }
        if (unmapped) {
            json.put("stratametadata", new String(event.metadata(), StandardCharsets.UTF_8));
        }
        json.put("stratastream", event.stream());
        if (event.revision() <= Integer.MAX_VALUE) {
            json.put("stratarevision", (int) event.revision());
        } else {
            json.put("stratarevision", Long.toString(event.revision()));
        }
        json.put("strataposition", event.position().token());
        return json;
    }

    private static void putData(ObjectNode json, RecordedEvent event) {
        String contentType = event.contentType();
        byte[] data = event.data();
        json.put("datacontenttype", contentType);
        if (data.length == 0 && !isJson(contentType)) {
            return;
        }
        if (isJson(contentType)) {
            try {
                JsonNode node = WireJson.MAPPER.readTree(data);
                if (node != null && !node.isMissingNode()) {
                    json.set("data", node);
                    return;
                }
            } catch (JacksonException e) {
                // not JSON after all: base64 below
            }
        } else if (isText(contentType)) {
            try {
                json.put("data", StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(data)).toString());
                return;
            } catch (CharacterCodingException e) {
                // not UTF-8: base64 below
            }
        }
        json.put("data_base64", Base64.getEncoder().encodeToString(data));
    }

    private static ObjectNode storedMetadata(RecordedEvent event) {
        if (!event.hasMetadata()) {
            return null;
        }
        try {
            JsonNode node = WireJson.MAPPER.readTree(event.metadata());
            return node instanceof ObjectNode object ? object : null;
        } catch (JacksonException e) {
            return null;
        }
    }

    /** Percent-encodes a stream name as one URI path segment. */
    private static String encodeSegment(String name) {
        StringBuilder out = new StringBuilder(name.length());
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~' || c == '$') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }
}
