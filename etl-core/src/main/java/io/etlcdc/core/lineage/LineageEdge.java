package io.etlcdc.core.lineage;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Objects;

/**
 * A hop data takes from one asset to another. Stores key edges by {@code (from, to, via, origin)}.
 *
 * @param from    origin asset id
 * @param to      destination asset id
 * @param via     the stage or rule that moves the data (e.g. {@code capture}, {@code mask_email}, {@code sink})
 * @param columns column-level mappings, possibly empty
 * @param origin  the source asset whose rows take this hop, when the hop belongs to one table's path
 *                through shared rules (so that queries do not mix the paths of two tables that pass
 *                the same rule); null when the hop is not specific to one table
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record LineageEdge(
        @JsonProperty("from") String from,
        @JsonProperty("to") String to,
        @JsonProperty("via") String via,
        @JsonProperty("columns") List<ColumnMapping> columns,
        @JsonProperty("origin") String origin) {
    public LineageEdge {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        via = via == null ? "" : via;
        columns = columns == null ? List.of() : List.copyOf(columns);
        origin = origin == null || origin.isEmpty() ? null : origin;
    }

    /** An edge that is not specific to one table's path. */
    public LineageEdge(String from, String to, String via, List<ColumnMapping> columns) {
        this(from, to, via, columns, null);
    }
}
