package io.etlcdc.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * Body of {@code POST /api/v1/schema/check-compatibility}: {@code {"subject", "schema", "schema_type"}},
 * the same fields as {@link RegisterSchemaRequest}. Nothing is registered.
 *
 * @param subject    the subject to check against
 * @param schema     the candidate schema as JSON, or a JSON string holding its text
 * @param schemaType the format; {@link SchemaType#AVRO} when null
 */
public record CheckCompatibilityRequest(
        @JsonProperty("subject") String subject,
        @JsonProperty("schema") JsonNode schema,
        @JsonProperty("schema_type") SchemaType schemaType) {

    public CheckCompatibilityRequest {
        schemaType = schemaType == null ? SchemaType.AVRO : schemaType;
    }

    public static CheckCompatibilityRequest of(String subject, String schemaText, SchemaType type) {
        return new CheckCompatibilityRequest(subject, schemaText == null ? null : TextNode.valueOf(schemaText), type);
    }
}
