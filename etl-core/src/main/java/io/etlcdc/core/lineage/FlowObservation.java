package io.etlcdc.core.lineage;

import java.time.Instant;
import java.util.Objects;

/** Counts to add to an edge's flow statistics, observed for one batch. */
public record FlowObservation(String from, String to, long events, long failures, Instant at) {
    public FlowObservation {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(at, "at");
    }
}
