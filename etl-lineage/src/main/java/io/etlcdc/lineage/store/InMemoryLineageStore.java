package io.etlcdc.lineage.store;

import io.etlcdc.core.lineage.FlowObservation;
import io.etlcdc.core.lineage.FlowStats;
import io.etlcdc.core.lineage.LineageAsset;
import io.etlcdc.core.lineage.LineageEdge;
import io.etlcdc.core.spi.LineageStore;
import io.etlcdc.lineage.store.FlowTotals.FlowKey;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link LineageStore} in memory: for tests, demos and embedded use where lineage need not survive
 * a restart. Thread-safe (one monitor; writes come once per batch, so contention is negligible).
 */
public final class InMemoryLineageStore implements LineageStore {
    private record EdgeKey(String from, String to, String via, String origin) {
        static EdgeKey of(LineageEdge e) {
            return new EdgeKey(e.from(), e.to(), e.via(), e.origin());
        }
    }

    private final Map<String, LineageAsset> assets = new LinkedHashMap<>();
    private final Map<EdgeKey, LineageEdge> edges = new LinkedHashMap<>();
    private final Map<FlowKey, FlowStats> flows = new LinkedHashMap<>();

    @Override
    public synchronized void upsertAssets(Collection<LineageAsset> batch) {
        for (LineageAsset a : batch) {
            assets.put(Objects.requireNonNull(a, "asset").id(), a);
        }
    }

    @Override
    public synchronized void upsertEdges(Collection<LineageEdge> batch) {
        for (LineageEdge e : batch) {
            edges.put(EdgeKey.of(Objects.requireNonNull(e, "edge")), e);
        }
    }

    @Override
    public synchronized void recordFlows(Collection<FlowObservation> observations) {
        for (FlowObservation o : observations) {
            flows.compute(new FlowKey(o.from(), o.to()), (k, v) -> FlowTotals.add(v, o));
        }
    }

    @Override
    public synchronized List<LineageAsset> assets() {
        return List.copyOf(assets.values());
    }

    @Override
    public synchronized List<LineageEdge> edges() {
        return List.copyOf(edges.values());
    }

    @Override
    public synchronized List<FlowStats> flows() {
        return List.copyOf(flows.values());
    }

    @Override
    public synchronized void removeAsset(String assetId) {
        assets.remove(assetId);
        edges.keySet().removeIf(k -> k.from().equals(assetId) || k.to().equals(assetId));
        flows.keySet().removeIf(k -> k.from().equals(assetId) || k.to().equals(assetId));
    }
}
