package io.etlcdc.lineage.query;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.etlcdc.core.lineage.AssetKind;

import java.util.List;

/**
 * An asset that a change to the analysed asset reaches.
 *
 * @param distance fewest hops from the analysed asset
 * @param path     asset ids of one shortest path, from the analysed asset to this one (both included)
 */
public record AffectedAsset(
        @JsonProperty("id") String id,
        @JsonProperty("kind") AssetKind kind,
        @JsonProperty("name") String name,
        @JsonProperty("distance") int distance,
        @JsonProperty("path") List<String> path) {
    public AffectedAsset {
        path = List.copyOf(path);
    }
}
