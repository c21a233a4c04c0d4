package io.etlcdc.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.etlcdc.core.error.ConfigException;

import java.util.Locale;

/**
 * The formats a schema can be registered in ({@code schema_type} in requests; AVRO when absent).
 * Whatever the format, compatibility is decided on the schema's Avro form.
 */
public enum SchemaType {
    /** An Apache Avro schema, as a JSON object (or its text). */
    AVRO,
    /**
     * The product's table-schema JSON ({@link io.etlcdc.core.event.TableSchema}: {@code collection},
     * {@code columns} with {@code name}, {@code type}, {@code nullable}, {@code default}, ...,
     * {@code primary_key}); converted to Avro by {@link TableSchemaAvro}.
     */
    TABLE;

    /** Parses a name case-insensitively; null means {@link #AVRO}. {@code TABLE_SCHEMA} is accepted for {@link #TABLE}. */
    @JsonCreator
    public static SchemaType parse(String text) {
        if (text == null || text.isBlank()) {
            return AVRO;
        }
        String t = text.trim().toUpperCase(Locale.ROOT);
        if (t.equals("TABLE_SCHEMA")) {
            return TABLE;
        }
        for (SchemaType type : values()) {
            if (type.name().equals(t)) {
                return type;
            }
        }
        throw new ConfigException("schema_type", text, "expected one of AVRO, TABLE");
    }

    @JsonValue
    public String jsonName() {
        return name();
    }
}
