package io.etlcdc.core.spi;

import io.etlcdc.core.lineage.FlowObservation;
import io.etlcdc.core.lineage.FlowStats;
import io.etlcdc.core.lineage.LineageAsset;
import io.etlcdc.core.lineage.LineageEdge;

import java.util.Collection;
import java.util.List;

/**
 * Keeps the lineage graph: assets (tables, rules, sinks), the edges data takes between them with
 * their column mappings, and running flow statistics per edge. The pipeline writes to it once per
 * batch (never per event); the lineage module loads it into a graph to answer queries.
 * Thread-safe; writes are durable on return for persistent stores.
 */
public interface LineageStore extends AutoCloseable {

    /** Adds assets or replaces them by id. */
    void upsertAssets(Collection<LineageAsset> assets);

    /** Adds edges or replaces them by (from, to, via, origin). */
    void upsertEdges(Collection<LineageEdge> edges);

    /** Adds counts to the flow statistics of edges (creating them when new). */
    void recordFlows(Collection<FlowObservation> observations);

    List<LineageAsset> assets();

    List<LineageEdge> edges();

    List<FlowStats> flows();

    /** Removes an asset and its edges; a no-op for an unknown id. */
    void removeAsset(String assetId);

    @Override
    default void close() throws Exception {
    }
}
