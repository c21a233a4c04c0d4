package io.etlcdc.lineage.query;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * The longest dependency chain from the analysed asset: the change that has the most hops to travel.
 *
 * @param length number of hops (edges) in the chain; 0 when nothing is downstream
 * @param assets asset ids of the chain, starting with the analysed asset
 */
public record CriticalPath(
        @JsonProperty("length") int length,
        @JsonProperty("assets") List<String> assets) {
    public CriticalPath {
        assets = List.copyOf(assets);
    }
}
