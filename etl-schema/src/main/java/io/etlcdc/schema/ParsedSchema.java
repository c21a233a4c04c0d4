package io.etlcdc.schema;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.etlcdc.core.error.ConfigException;
import io.etlcdc.core.error.ConfigException.ConfigError;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.event.ColumnType;
import io.etlcdc.core.event.TableSchema;
import io.etlcdc.core.json.EtlJson;
import org.apache.avro.Schema;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A schema in one of the {@link SchemaType formats}, parsed and checked, with its Avro form (what
 * compatibility is decided on) and its canonical text (what "identical" means: two schemas are identical
 * when their type and canonical text are equal). Immutable and thread-safe; serializes to JSON as the
 * schema itself.
 */
public final class ParsedSchema {
    private final SchemaType type;
    private final String canonical;
    private final Schema avro;
    private final TableSchema table;
    private final String fingerprint;

    private ParsedSchema(SchemaType type, String canonical, Schema avro, TableSchema table) {
        this.type = type;
        this.canonical = canonical;
        this.avro = avro;
        this.table = table;
        this.fingerprint = sha256(type.name() + "\n" + canonical);
    }

    /**
     * Parses a schema as sent in a request: a JSON object (or array, for an Avro union), or a JSON string
     * holding the schema's text (for Avro also a bare primitive name such as {@code string}).
     *
     * @param subject used as the table's {@code collection} when a table schema has none
     * @throws ConfigException naming the {@code schema} key and what is wrong
     */
    public static ParsedSchema parse(SchemaType type, JsonNode schema, String subject) {
        Objects.requireNonNull(type, "type");
        if (schema == null || schema.isNull() || schema.isMissingNode()) {
            throw new ConfigException("schema", null, "is required");
        }
        return switch (type) {
            case AVRO -> avro(schema.isTextual() ? schema.asText() : schema.toString());
            case TABLE -> {
                JsonNode node = schema;
                if (schema.isTextual()) {
                    try {
                        node = EtlJson.mapper().readTree(schema.asText());
                    } catch (JsonProcessingException e) {
                        throw new ConfigException("schema", null, "is not valid table-schema JSON: " + e.getOriginalMessage());
                    }
                }
                yield table(tableSchema(node, subject));
            }
        };
    }

    /** Parses Avro schema text (a JSON document, or a bare primitive type name). */
    public static ParsedSchema avro(String text) {
        if (text == null || text.isBlank()) {
            throw new ConfigException("schema", null, "is required");
        }
        String t = text.trim();
        if (!(t.startsWith("{") || t.startsWith("[") || t.startsWith("\""))) {
            t = "\"" + t + "\"";
        }
        Schema parsed;
        try {
            parsed = new Schema.Parser().parse(t);
        } catch (RuntimeException e) {
            throw new ConfigException("schema", null, "is not a valid Avro schema: " + e.getMessage());
        }
        return avro(parsed);
    }

    /** Wraps an Avro schema. */
    public static ParsedSchema avro(Schema schema) {
        return new ParsedSchema(SchemaType.AVRO, schema.toString(), schema, null);
    }

    /** Wraps a table schema; its Avro form is {@link TableSchemaAvro#toAvro}. */
    public static ParsedSchema table(TableSchema table) {
        try {
            return new ParsedSchema(SchemaType.TABLE, EtlJson.mapper().writeValueAsString(table), TableSchemaAvro.toAvro(table), table);
        } catch (JsonProcessingException e) {
            throw new EtlException(ErrorCode.INTERNAL, "table schema of " + table.collection() + " cannot be written as JSON", e);
        }
    }

    /** Re-reads a schema from its stored canonical text. */
    public static ParsedSchema fromCanonical(SchemaType type, String canonical) {
        if (type == SchemaType.AVRO) {
            return avro(canonical);
        }
        try {
            return table(EtlJson.mapper().readValue(canonical, TableSchema.class));
        } catch (JsonProcessingException e) {
            throw new EtlException(ErrorCode.STATE_CORRUPT, "stored table schema cannot be read: " + e.getOriginalMessage(), e);
        }
    }

    public SchemaType type() {
        return type;
    }

    /** The canonical text: Avro's normalized JSON, or the table schema's JSON. */
    public String canonical() {
        return canonical;
    }

    /** The Avro form, on which compatibility and migration are decided. */
    public Schema avro() {
        return avro;
    }

    /** The table schema, for {@link SchemaType#TABLE}. */
    public Optional<TableSchema> tableSchema() {
        return Optional.ofNullable(table);
    }

    /** SHA-256 (hex) of type and canonical text: equal fingerprints mean identical schemas. */
    public String fingerprint() {
        return fingerprint;
    }

    /** The schema as JSON, as the API returns it. */
    @JsonValue
    public JsonNode json() {
        if (table != null) {
            return EtlJson.mapper().valueToTree(table);
        }
        try {
            return EtlJson.mapper().readTree(canonical);
        } catch (JsonProcessingException e) {
            throw new EtlException(ErrorCode.INTERNAL, "Avro wrote JSON it cannot read back", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParsedSchema other && type == other.type && canonical.equals(other.canonical);
    }

    @Override
    public int hashCode() {
        return fingerprint.hashCode();
    }

    @Override
    public String toString() {
        return type + " " + canonical;
    }

    // ---- table-schema JSON ------------------------------------------------------------------------

    private static TableSchema tableSchema(JsonNode node, String subject) {
        List<ConfigError> errors = new ArrayList<>();
        if (!node.isObject()) {
            throw new ConfigException("schema", null, "a table schema must be a JSON object with 'columns'");
        }
        String collection = node.path("collection").isTextual() ? node.path("collection").asText() : subject;
        if (collection == null || collection.isBlank()) {
            errors.add(new ConfigError("schema.collection", null, "is required"));
        }
        JsonNode cols = node.path("columns");
        List<TableSchema.Column> columns = new ArrayList<>();
        Set<String> names = new HashSet<>();
        if (!cols.isArray() || cols.isEmpty()) {
            errors.add(new ConfigError("schema.columns", null, "must be a non-empty array of columns"));
        } else {
            for (int i = 0; i < cols.size(); i++) {
                JsonNode c = cols.get(i);
                String key = "schema.columns[" + i + "]";
                String name = c.path("name").isTextual() ? c.path("name").asText() : null;
                if (name == null || name.isBlank()) {
                    errors.add(new ConfigError(key + ".name", null, "is required"));
                    continue;
                }
                if (!names.add(name)) {
                    errors.add(new ConfigError(key + ".name", name, "duplicate column name"));
                }
                ColumnType type = null;
                String typeText = c.path("type").asText(null);
                if (typeText == null) {
                    errors.add(new ConfigError(key + ".type", null, "is required"));
                } else {
                    try {
                        type = ColumnType.valueOf(typeText.trim().toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        errors.add(new ConfigError(key + ".type", typeText, "expected one of " + List.of(ColumnType.values())));
                    }
                }
                Integer precision = optionalInt(c, "precision", key, errors);
                Integer scale = optionalInt(c, "scale", key, errors);
                boolean nullable = !c.has("nullable") || c.path("nullable").asBoolean(true);
                JsonNode def = c.path("default");
                String defaultText = def.isMissingNode() || def.isNull() ? null : def.isTextual() ? def.asText() : def.toString();
                String sourceType = c.path("source_type").isTextual() ? c.path("source_type").asText() : null;
                if (type != null) {
                    columns.add(new TableSchema.Column(name, type, sourceType, nullable, defaultText, precision, scale));
                }
            }
        }
        List<String> primaryKey = new ArrayList<>();
        JsonNode pk = node.path("primary_key");
        if (pk.isArray()) {
            for (JsonNode k : pk) {
                if (!names.contains(k.asText())) {
                    errors.add(new ConfigError("schema.primary_key", k.asText(), "is not one of the columns " + names));
                }
                primaryKey.add(k.asText());
            }
        } else if (!pk.isMissingNode() && !pk.isNull()) {
            errors.add(new ConfigError("schema.primary_key", pk.toString(), "must be an array of column names"));
        }
        if (!errors.isEmpty()) {
            throw new ConfigException("invalid table schema", errors);
        }
        return new TableSchema(collection, columns, primaryKey);
    }

    private static Integer optionalInt(JsonNode c, String field, String key, List<ConfigError> errors) {
        JsonNode v = c.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return null;
        }
        if (!v.canConvertToInt()) {
            errors.add(new ConfigError(key + "." + field, v.toString(), "expected a whole number"));
            return null;
        }
        return v.asInt();
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
