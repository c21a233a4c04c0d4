package io.etlcdc.core.lineage;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A node of the lineage graph.
 *
 * @param id         unique, e.g. {@code postgres_main_users}, {@code rule:mask_email}, {@code warehouse_users}
 * @param kind       what it is
 * @param name       readable name, e.g. {@code public.users}
 * @param columns    known columns, possibly empty
 * @param attributes free-form facts (source id, sink id, connector type), no secrets
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record LineageAsset(
        @JsonProperty("id") String id,
        @JsonProperty("kind") AssetKind kind,
        @JsonProperty("name") String name,
        @JsonProperty("columns") List<String> columns,
        @JsonProperty("attributes") Map<String, String> attributes) {
    public LineageAsset {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        name = name == null ? id : name;
        columns = columns == null ? List.of() : List.copyOf(columns);
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }
}
