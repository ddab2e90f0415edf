package io.strata.client;

import io.strata.core.InvalidRequestException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One strict JSON mapper, shared by {@link HttpEventStore} and the command line, and parsing of JSON a
 * user gives that says what was wrong and where.
 *
 * <p>Parsing keeps numbers exactly as written (big decimals, trailing zeros kept) because the parsed
 * tree is what gets stored: an event's data must come back as the user wrote it, only without the
 * insignificant whitespace.
 */
public final class Json {
    public static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonNodeFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private Json() {
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /**
     * Parses one JSON value, or throws {@link InvalidRequestException} saying what {@code what} is
     * and where the text went wrong.
     */
    public static JsonNode parse(String what, byte[] text) {
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JacksonException e) {
            throw new InvalidRequestException(what + " is not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ")"));
        }
        if (node == null || node.isMissingNode()) {
            throw new InvalidRequestException(what + " is empty: give a JSON value such as {}");
        }
        return node;
    }

    /** The stored bytes of a JSON value: compact UTF-8. */
    public static byte[] compact(JsonNode node) {
        return MAPPER.writeValueAsBytes(node);
    }

    public static String line(JsonNode node) {
        return MAPPER.writeValueAsString(node);
    }
}
