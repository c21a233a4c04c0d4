package io.etlcdc.lineage.query;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * Column-level lineage of one column: every column of a data asset that derives from it
 * (downstream) or that it derives from (upstream), following the column mappings through rules.
 *
 * @param columns nearest first, then by asset id and column
 */
public record ColumnLineage(
        @JsonProperty("asset_id") String assetId,
        @JsonProperty("column") String column,
        @JsonProperty("direction") Direction direction,
        @JsonProperty("columns") List<DerivedColumn> columns) {
    public ColumnLineage {
        columns = List.copyOf(columns);
    }
}
