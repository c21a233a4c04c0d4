package io.etlcdc.core.lineage;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Objects;

/**
 * Column-level lineage along an edge: {@code target} is derived from {@code sources}.
 *
 * @param sources        columns read at the edge's origin
 * @param target         column written at the edge's destination
 * @param transformation how (e.g. the rule id or {@code identity} for pass-through), may be null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ColumnMapping(
        @JsonProperty("sources") List<String> sources,
        @JsonProperty("target") String target,
        @JsonProperty("transformation") String transformation) {
    public ColumnMapping {
        sources = List.copyOf(Objects.requireNonNull(sources, "sources"));
        Objects.requireNonNull(target, "target");
    }
}
