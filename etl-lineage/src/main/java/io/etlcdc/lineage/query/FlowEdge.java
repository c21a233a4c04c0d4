package io.etlcdc.lineage.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.etlcdc.core.lineage.ColumnMapping;
import io.etlcdc.core.lineage.FlowStats;
import io.etlcdc.core.lineage.LineageEdge;

import java.time.Instant;
import java.util.List;

/**
 * An edge as queries return it: the hop, its column mappings, and the operation history of the hop
 * (events moved, failures, first and last seen; zero and null before any batch was recorded).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FlowEdge(
        @JsonProperty("from") String from,
        @JsonProperty("to") String to,
        @JsonProperty("via") String via,
        @JsonProperty("origin") String origin,
        @JsonProperty("columns") List<ColumnMapping> columns,
        @JsonProperty("events") long events,
        @JsonProperty("failures") long failures,
        @JsonProperty("first_seen") Instant firstSeen,
        @JsonProperty("last_seen") Instant lastSeen) {

    public static FlowEdge of(LineageEdge edge, FlowStats stats) {
        return stats == null
                ? new FlowEdge(edge.from(), edge.to(), edge.via(), edge.origin(), edge.columns(), 0, 0, null, null)
                : new FlowEdge(edge.from(), edge.to(), edge.via(), edge.origin(), edge.columns(), stats.events(), stats.failures(),
                stats.firstSeen(), stats.lastSeen());
    }
}
