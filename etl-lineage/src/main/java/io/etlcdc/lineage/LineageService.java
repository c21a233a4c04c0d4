package io.etlcdc.lineage;

import io.etlcdc.core.lineage.FlowObservation;
import io.etlcdc.core.lineage.FlowStats;
import io.etlcdc.core.lineage.LineageAsset;
import io.etlcdc.core.lineage.LineageEdge;
import io.etlcdc.core.spi.LineageStore;
import io.etlcdc.lineage.query.ColumnLineage;
import io.etlcdc.lineage.query.Direction;
import io.etlcdc.lineage.query.FlowDiagram;
import io.etlcdc.lineage.query.ImpactAnalysis;
import io.etlcdc.lineage.query.LineageTraversal;

import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Lineage for the server and embedding applications: a {@link LineageStore} that writes through to
 * a durable store and keeps a {@link LineageGraph} of it up to date in memory, so queries never touch
 * the database. Hand it to the pipeline ({@code Pipeline.builder().lineageStore(service)}) and every
 * batch the pipeline records shows in the next query.
 *
 * <p>The graph is loaded from the store once when the service is created. Writes go to the store
 * first (so a failed write leaves the graph as the store is) and then into the graph. Where other
 * processes write the same store (server replicas sharing PostgreSQL), call {@link #refresh()} now
 * and then to pick up their writes.
 *
 * <p>Thread-safe. {@link #close()} closes the store.
 */
public final class LineageService implements LineageStore {
    private final LineageStore store;
    private final Object writes = new Object();
    private volatile LineageGraph graph;

    private LineageService(LineageStore store) {
        this.store = Objects.requireNonNull(store, "store");
        this.graph = LineageGraph.load(store);
    }

    /** A service over {@code store}, with everything it holds loaded. */
    public static LineageService over(LineageStore store) {
        return new LineageService(store);
    }

    /** The store written through to. */
    public LineageStore store() {
        return store;
    }

    /** The current graph (replaced by {@link #refresh()}). */
    public LineageGraph graph() {
        return graph;
    }

    /** Reloads the graph from the store, for writes made by other processes. */
    public void refresh() {
        synchronized (writes) {
            graph = LineageGraph.load(store);
        }
    }

    // ---- LineageStore: write through -------------------------------------------------------------

    @Override
    public void upsertAssets(Collection<LineageAsset> assets) {
        synchronized (writes) {
            store.upsertAssets(assets);
            graph.addAssets(assets);
        }
    }

    @Override
    public void upsertEdges(Collection<LineageEdge> edges) {
        synchronized (writes) {
            store.upsertEdges(edges);
            graph.addEdges(edges);
        }
    }

    @Override
    public void recordFlows(Collection<FlowObservation> observations) {
        synchronized (writes) {
            store.recordFlows(observations);
            graph.addFlows(observations);
        }
    }

    @Override
    public void removeAsset(String assetId) {
        synchronized (writes) {
            store.removeAsset(assetId);
            graph.removeAsset(assetId);
        }
    }

    @Override
    public List<LineageAsset> assets() {
        return graph.assets();
    }

    @Override
    public List<LineageEdge> edges() {
        return graph.edges();
    }

    @Override
    public List<FlowStats> flows() {
        return graph.flows();
    }

    // ---- queries ---------------------------------------------------------------------------------

    /** See {@link LineageGraph#downstream(String, int)}. */
    public LineageTraversal downstream(String assetId, int maxDepth) {
        return graph.downstream(assetId, maxDepth);
    }

    /** See {@link LineageGraph#upstream(String, int)}. */
    public LineageTraversal upstream(String assetId, int maxDepth) {
        return graph.upstream(assetId, maxDepth);
    }

    /** See {@link LineageGraph#impact(String, String)}; {@code column} may be null. */
    public ImpactAnalysis impact(String assetId, String column) {
        return graph.impact(assetId, column);
    }

    /** See {@link LineageGraph#columnLineage(String, String, Direction)}. */
    public ColumnLineage columnLineage(String assetId, String column, Direction direction) {
        return graph.columnLineage(assetId, column, direction);
    }

    /** See {@link LineageGraph#flow()}. */
    public FlowDiagram flow() {
        return graph.flow();
    }

    /** See {@link LineageGraph#toDot()}. */
    public String flowDot() {
        return graph.toDot();
    }

    @Override
    public void close() throws Exception {
        store.close();
    }
}
