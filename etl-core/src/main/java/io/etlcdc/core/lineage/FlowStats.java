package io.etlcdc.core.lineage;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.Objects;

/** The operation history of an edge: first and last seen, events moved, failures. */
public record FlowStats(
        @JsonProperty("from") String from,
        @JsonProperty("to") String to,
        @JsonProperty("first_seen") Instant firstSeen,
        @JsonProperty("last_seen") Instant lastSeen,
        @JsonProperty("events") long events,
        @JsonProperty("failures") long failures) {
    public FlowStats {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
    }
}
