package io.etlcdc.lineage.query;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * The answer of {@code GET /api/v1/lineage/asset/{asset_id}/downstream?max_depth=3} (or {@code /upstream}).
 *
 * @param assetId   the asset the query started at
 * @param direction downstream or upstream
 * @param maxDepth  the depth asked for
 * @param asset     the asset the query started at
 * @param assets    every asset reached within {@code max_depth}, nearest first (then by id), each with its distance
 * @param edges     the edges followed between them
 * @param truncated true when more assets lie beyond {@code max_depth}
 */
public record LineageTraversal(
        @JsonProperty("asset_id") String assetId,
        @JsonProperty("direction") Direction direction,
        @JsonProperty("max_depth") int maxDepth,
        @JsonProperty("asset") AssetView asset,
        @JsonProperty("assets") List<AssetView> assets,
        @JsonProperty("edges") List<FlowEdge> edges,
        @JsonProperty("truncated") boolean truncated) {
    public LineageTraversal {
        assets = List.copyOf(assets);
        edges = List.copyOf(edges);
    }
}
