package io.etlcdc.lineage.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.etlcdc.core.lineage.AssetKind;
import io.etlcdc.core.lineage.LineageAsset;

import java.util.List;
import java.util.Map;

/**
 * An asset as queries return it.
 *
 * @param distance hops from the asset the query started at; null where distance means nothing (flow diagram)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AssetView(
        @JsonProperty("id") String id,
        @JsonProperty("kind") AssetKind kind,
        @JsonProperty("name") String name,
        @JsonProperty("columns") List<String> columns,
        @JsonProperty("attributes") Map<String, String> attributes,
        @JsonProperty("distance") Integer distance) {

    public static AssetView of(LineageAsset asset, Integer distance) {
        return new AssetView(asset.id(), asset.kind(), asset.name(), asset.columns(), asset.attributes(), distance);
    }
}
