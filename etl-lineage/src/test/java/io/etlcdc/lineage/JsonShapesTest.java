package io.etlcdc.lineage;

import com.fasterxml.jackson.databind.JsonNode;
import io.etlcdc.core.json.EtlJson;
import io.etlcdc.core.lineage.FlowObservation;
import io.etlcdc.lineage.query.Direction;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The JSON the server returns for each lineage endpoint: snake_case names, fields that do not apply left out. */
class JsonShapesTest {

    private static JsonNode json(Object value) {
        return EtlJson.mapper().valueToTree(value);
    }

    private static List<String> names(JsonNode node) {
        List<String> out = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void downstream() {
        LineageGraph g = SampleGraphs.specGraph();
        g.addFlows(List.of(new FlowObservation("pg_users", "rule:mask_email", 7, 1, Instant.parse("2026-01-01T00:00:00Z"))));
        JsonNode t = json(g.downstream("pg_users", 3));
        assertThat(names(t)).containsExactly("asset_id", "direction", "max_depth", "asset", "assets", "edges", "truncated");
        assertThat(t.path("direction").asText()).isEqualTo("downstream");
        assertThat(t.path("max_depth").asInt()).isEqualTo(3);
        assertThat(names(t.path("assets").get(0))).containsExactly("id", "kind", "name", "columns", "attributes", "distance");
        assertThat(t.path("assets").get(0).path("kind").asText()).isEqualTo("RULE");
        JsonNode edge = t.path("edges").get(0);
        assertThat(names(edge)).containsExactly("from", "to", "via", "origin", "columns", "events", "failures", "first_seen", "last_seen");
        assertThat(edge.path("first_seen").asText()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(names(edge.path("columns").get(0))).containsExactly("sources", "target", "transformation");
        assertThat(json(g.upstream("wh_users", 1)).path("direction").asText()).isEqualTo("upstream");
    }

    @Test
    void impact() {
        JsonNode i = json(SampleGraphs.specGraph().impact("pg_users", "email"));
        assertThat(names(i)).containsExactly("asset_id", "asset", "total_affected", "max_distance", "counts_by_kind", "affected",
                "critical_path", "column", "columns");
        assertThat(i.path("counts_by_kind").path("RULE").asInt()).isEqualTo(3);
        assertThat(names(i.path("affected").get(0))).containsExactly("id", "kind", "name", "distance", "path");
        assertThat(names(i.path("critical_path"))).containsExactly("length", "assets");
        assertThat(names(i.path("columns").get(0))).containsExactly("asset_id", "kind", "column", "distance", "transformations", "path");
        assertThat(names(i.path("columns").get(0).path("path").get(0))).containsExactly("asset_id", "column");

        JsonNode withoutColumn = json(SampleGraphs.specGraph().impact("pg_users", null));
        assertThat(names(withoutColumn)).doesNotContain("column", "columns");
    }

    @Test
    void flowAndColumnLineage() {
        JsonNode f = json(SampleGraphs.specGraph().flow());
        assertThat(names(f)).containsExactly("nodes", "edges", "counts_by_kind");
        assertThat(names(f.path("nodes").get(0))).doesNotContain("distance");
        JsonNode c = json(SampleGraphs.specGraph().columnLineage("pg_users", "email", Direction.DOWNSTREAM));
        assertThat(names(c)).containsExactly("asset_id", "column", "direction", "columns");
    }
}
