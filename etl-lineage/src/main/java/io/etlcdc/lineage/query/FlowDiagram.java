package io.etlcdc.lineage.query;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.etlcdc.core.lineage.AssetKind;

import java.util.List;
import java.util.Map;

/**
 * The answer of {@code GET /api/v1/lineage/flow}: the whole lineage graph as nodes and edges (the
 * dashboard draws it; {@code ?format=dot} gives the same graph as Graphviz DOT instead).
 *
 * @param nodes        every asset, by id
 * @param edges        every edge with its flow statistics
 * @param countsByKind assets per kind
 */
public record FlowDiagram(
        @JsonProperty("nodes") List<AssetView> nodes,
        @JsonProperty("edges") List<FlowEdge> edges,
        @JsonProperty("counts_by_kind") Map<AssetKind, Integer> countsByKind) {
    public FlowDiagram {
        nodes = List.copyOf(nodes);
        edges = List.copyOf(edges);
    }
}
