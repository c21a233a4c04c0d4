package io.etlcdc.lineage.query;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A column of an asset; for a rule asset, a column of the rows as that rule passes them on. */
public record ColumnRef(
        @JsonProperty("asset_id") String assetId,
        @JsonProperty("column") String column) {
}
