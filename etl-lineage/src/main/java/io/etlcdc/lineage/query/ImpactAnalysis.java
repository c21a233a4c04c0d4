package io.etlcdc.lineage.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.etlcdc.core.lineage.AssetKind;

import java.util.List;
import java.util.Map;

/**
 * The answer of {@code GET /api/v1/lineage/impact/{asset_id}} (and {@code ?column=email}): what a
 * change to an asset reaches downstream.
 *
 * @param asset         the analysed asset
 * @param totalAffected number of affected assets
 * @param maxDistance   the largest distance among them (0 when none)
 * @param countsByKind  affected assets per kind (kinds with none left out)
 * @param affected      every affected asset with its distance and a shortest path to it, nearest first
 * @param criticalPath  the longest dependency chain
 * @param column        the analysed column, when one was asked for
 * @param columns       the downstream columns derived from {@code column}; absent when no column was asked for
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ImpactAnalysis(
        @JsonProperty("asset_id") String assetId,
        @JsonProperty("asset") AssetView asset,
        @JsonProperty("total_affected") int totalAffected,
        @JsonProperty("max_distance") int maxDistance,
        @JsonProperty("counts_by_kind") Map<AssetKind, Integer> countsByKind,
        @JsonProperty("affected") List<AffectedAsset> affected,
        @JsonProperty("critical_path") CriticalPath criticalPath,
        @JsonProperty("column") String column,
        @JsonProperty("columns") List<DerivedColumn> columns) {
    public ImpactAnalysis {
        affected = List.copyOf(affected);
        columns = columns == null ? null : List.copyOf(columns);
    }
}
