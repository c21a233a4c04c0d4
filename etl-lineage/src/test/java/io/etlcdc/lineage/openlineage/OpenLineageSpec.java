package io.etlcdc.lineage.openlineage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Validates events against the OpenLineage spec's JSON schemas bundled under test resources
 * ({@code https://openlineage.io/spec/} is mapped to {@code classpath:openlineage/}): the event
 * against the core model, and every facet against the schema its {@code _schemaURL} names, with
 * formats (uuid, date-time, uri) asserted.
 */
final class OpenLineageSpec {
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            b -> b.schemaMappers(m -> m.mapPrefix("https://openlineage.io/spec/", "classpath:openlineage/")));
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();

    private OpenLineageSpec() {}

    /** Every violation found; empty when the event is valid. */
    static List<String> violations(JsonNode event) {
        List<String> out = new ArrayList<>();
        check(schema("https://openlineage.io/spec/2-0-2/OpenLineage.json"), event, "event", out);
        checkFacets(event.path("run").path("facets"), "run", out);
        checkFacets(event.path("job").path("facets"), "job", out);
        for (String side : List.of("inputs", "outputs")) {
            for (JsonNode dataset : event.path(side)) {
                checkFacets(dataset.path("facets"), side + "/" + dataset.path("name").asText(), out);
            }
        }
        return out;
    }

    private static void checkFacets(JsonNode facets, String where, List<String> out) {
        for (Iterator<Map.Entry<String, JsonNode>> it = facets.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> facet = it.next();
            String url = facet.getValue().path("_schemaURL").asText();
            if (url.isEmpty()) {
                out.add(where + " facet " + facet.getKey() + " has no _schemaURL");
                continue;
            }
            ObjectNode holder = JsonNodeFactory.instance.objectNode();
            holder.set(facet.getKey(), facet.getValue());
            check(schema(url.contains("#") ? url.substring(0, url.indexOf('#')) : url), holder, where + " facet " + facet.getKey(), out);
        }
    }

    private static JsonSchema schema(String url) {
        return FACTORY.getSchema(SchemaLocation.of(url), CONFIG);
    }

    private static void check(JsonSchema schema, JsonNode node, String what, List<String> out) {
        for (ValidationMessage m : schema.validate(node)) {
            out.add(what + ": " + m.getMessage());
        }
    }
}
