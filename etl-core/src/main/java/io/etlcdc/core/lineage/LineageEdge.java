package io.etlcdc.core.lineage;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Objects;

/**
 * A hop data takes from one asset to another.
 *
 * @param from    origin asset id
 * @param to      destination asset id
 * @param via     the stage or rule that moves the data (e.g. {@code capture}, {@code mask_email}, {@code sink})
 * @param columns column-level mappings, possibly empty
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record LineageEdge(
        @JsonProperty("from") String from,
        @JsonProperty("to") String to,
        @JsonProperty("via") String via,
        @JsonProperty("columns") List<ColumnMapping> columns) {
    public LineageEdge {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        via = via == null ? "" : via;
        columns = columns == null ? List.of() : List.copyOf(columns);
    }
}
