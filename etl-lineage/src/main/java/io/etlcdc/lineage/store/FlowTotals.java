package io.etlcdc.lineage.store;

import io.etlcdc.core.lineage.FlowObservation;
import io.etlcdc.core.lineage.FlowStats;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** Adding observations to flow statistics, the same way in every store. Stateless. */
final class FlowTotals {
    private FlowTotals() {}

    /** Identifies the statistics of one hop. */
    record FlowKey(String from, String to) {}

    /** {@code stats} with {@code o} added; {@code stats} may be null for a new edge. */
    static FlowStats add(FlowStats stats, FlowObservation o) {
        if (stats == null) {
            return new FlowStats(o.from(), o.to(), o.at(), o.at(), o.events(), o.failures());
        }
        return new FlowStats(stats.from(), stats.to(), earliest(stats.firstSeen(), o.at()), latest(stats.lastSeen(), o.at()),
                stats.events() + o.events(), stats.failures() + o.failures());
    }

    /** Folds a batch of observations into one per hop, so a store writes each hop once per batch. */
    static Map<FlowKey, FlowStats> combine(Collection<FlowObservation> observations) {
        Map<FlowKey, FlowStats> out = new LinkedHashMap<>();
        for (FlowObservation o : observations) {
            out.compute(new FlowKey(o.from(), o.to()), (k, v) -> add(v, o));
        }
        return out;
    }

    private static Instant earliest(Instant a, Instant b) {
        return a == null ? b : b == null || a.isBefore(b) ? a : b;
    }

    private static Instant latest(Instant a, Instant b) {
        return a == null ? b : b == null || a.isAfter(b) ? a : b;
    }
}
