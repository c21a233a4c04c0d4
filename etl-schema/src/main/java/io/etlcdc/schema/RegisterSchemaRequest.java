package io.etlcdc.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * Body of {@code POST /api/v1/schema/register}:
 * {@code {"subject": "...", "schema": <Avro schema as a JSON object or string>, "schema_type": "AVRO"}}.
 *
 * @param subject    the subject, e.g. {@code postgres_main_users}
 * @param schema     the schema as JSON, or a JSON string holding its text
 * @param schemaType the format; {@link SchemaType#AVRO} when null
 */
public record RegisterSchemaRequest(
        @JsonProperty("subject") String subject,
        @JsonProperty("schema") JsonNode schema,
        @JsonProperty("schema_type") SchemaType schemaType) {

    public RegisterSchemaRequest {
        schemaType = schemaType == null ? SchemaType.AVRO : schemaType;
    }

    /** A request for a schema given as text (Avro JSON, or table-schema JSON for {@link SchemaType#TABLE}). */
    public static RegisterSchemaRequest of(String subject, String schemaText, SchemaType type) {
        return new RegisterSchemaRequest(subject, schemaText == null ? null : TextNode.valueOf(schemaText), type);
    }
}
