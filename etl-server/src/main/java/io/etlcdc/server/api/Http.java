package io.etlcdc.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etlcdc.core.config.Secrets;
import io.etlcdc.core.error.ConfigException;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.json.EtlJson;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Request parsing and error responses shared by every endpoint. */
public final class Http {
    private static final Logger LOG = LoggerFactory.getLogger(Http.class);
    private static final ObjectMapper JSON = EtlJson.mapper();

    /** The largest request body accepted, in bytes. */
    public static final int MAX_BODY_BYTES = 1 << 20;

    private Http() {}

    /** The body as a JSON tree; 400 naming the problem when it is not JSON, 413 when too large. */
    public static JsonNode json(Context ctx) {
        byte[] body = ctx.bodyAsBytes();
        if (body.length > MAX_BODY_BYTES) {
            throw new ApiException(413, "request too large", "the body has " + body.length + " bytes; at most " + MAX_BODY_BYTES + " are accepted");
        }
        if (body.length == 0) {
            throw ApiException.badRequest("missing body", "expected a JSON body");
        }
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw ApiException.badRequest("missing body", "expected a JSON body");
            }
            return node;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw ApiException.badRequest("malformed JSON", "the body is not valid JSON" + where + ": " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw ApiException.badRequest("malformed JSON", e.getMessage());
        }
    }

    /** The body as a JSON object; 400 when it is another kind of value. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(Context ctx) {
        JsonNode node = json(ctx);
        if (!node.isObject()) {
            throw ApiException.badRequest("invalid body", "expected a JSON object, got " + kind(node));
        }
        return JSON.convertValue(node, Map.class);
    }

    /** A required string field of an object. */
    public static String requiredString(Map<String, Object> body, String field) {
        Object v = body.get(field);
        if (v == null) {
            throw ApiException.badRequest("invalid body", "field '" + field + "' is required");
        }
        if (!(v instanceof String s) || s.isBlank()) {
            throw ApiException.badRequest("invalid body", "field '" + field + "' must be a non-empty string");
        }
        return s;
    }

    static String kind(JsonNode node) {
        if (node.isArray()) {
            return "an array";
        }
        if (node.isTextual()) {
            return "a string";
        }
        if (node.isNumber()) {
            return "a number";
        }
        if (node.isBoolean()) {
            return "a boolean";
        }
        if (node.isNull()) {
            return "null";
        }
        return "an object";
    }

    /** Writes an {@link ApiException} as its JSON body. */
    public static void error(Context ctx, ApiException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.getMessage());
        body.put("detail", e.detail() == null ? null : Secrets.maskText(e.detail()));
        body.putAll(e.extra());
        ctx.status(e.status()).json(body);
    }

    /** Turns a product exception into the right HTTP error. */
    public static ApiException fromEtl(EtlException e) {
        String message = Secrets.maskText(e.getMessage());
        return switch (e.code()) {
            case CONFIG_INVALID -> {
                Map<String, Object> extra = new LinkedHashMap<>();
                if (e instanceof ConfigException ce) {
                    List<Map<String, Object>> errors = ce.errors().stream().map(err -> {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("key", err.key());
                        m.put("message", err.message());
                        return m;
                    }).toList();
                    extra.put("errors", errors);
                }
                yield new ApiException(400, "invalid configuration", message, extra);
            }
            case UNKNOWN_PROVIDER, DUPLICATE_PROVIDER, TRANSFORM_FAILED -> new ApiException(400, "invalid request", message);
            case NOT_FOUND -> new ApiException(404, "not found", message);
            case CONFLICT -> new ApiException(409, "conflict", message);
            case SCHEMA_INCOMPATIBLE -> new ApiException(409, "incompatible schema", message);
            case CONNECTION_FAILED, STATE_CORRUPT -> new ApiException(503, "unavailable", message);
            case POSITION_LOST, SOURCE_FAILED, SINK_FAILED -> new ApiException(502, "upstream failure", message);
            default -> {
                LOG.error("request failed: {}", message, e);
                yield new ApiException(500, "internal error", message);
            }
        };
    }
}
