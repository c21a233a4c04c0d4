package io.etlcdc.lineage.query;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.etlcdc.core.lineage.AssetKind;

import java.util.List;

/**
 * A column of a data asset (table, topic, file) linked to the column a query started at: derived from
 * it (downstream) or one it derives from (upstream).
 *
 * @param distance        hops between the two assets
 * @param transformations the rules that computed it on the way, in order (pass-through hops left out);
 *                        empty when the value is copied unchanged
 * @param path            the column at every hop, from the column the query started at to this one
 */
public record DerivedColumn(
        @JsonProperty("asset_id") String assetId,
        @JsonProperty("kind") AssetKind kind,
        @JsonProperty("column") String column,
        @JsonProperty("distance") int distance,
        @JsonProperty("transformations") List<String> transformations,
        @JsonProperty("path") List<ColumnRef> path) {
    public DerivedColumn {
        transformations = List.copyOf(transformations);
        path = List.copyOf(path);
    }
}
