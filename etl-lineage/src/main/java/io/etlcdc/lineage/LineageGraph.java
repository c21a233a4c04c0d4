package io.etlcdc.lineage;

import io.etlcdc.core.error.ConfigException;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.lineage.AssetKind;
import io.etlcdc.core.lineage.FlowObservation;
import io.etlcdc.core.lineage.FlowStats;
import io.etlcdc.core.lineage.LineageAsset;
import io.etlcdc.core.lineage.LineageEdge;
import io.etlcdc.core.spi.LineageStore;
import io.etlcdc.lineage.dot.LineageDot;
import io.etlcdc.lineage.query.AssetView;
import io.etlcdc.lineage.query.ColumnLineage;
import io.etlcdc.lineage.query.Direction;
import io.etlcdc.lineage.query.FlowDiagram;
import io.etlcdc.lineage.query.FlowEdge;
import io.etlcdc.lineage.query.ImpactAnalysis;
import io.etlcdc.lineage.query.LineageTraversal;
import org.jgrapht.Graph;
import org.jgrapht.graph.builder.GraphTypeBuilder;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The lineage graph in memory, on a JGraphT directed pseudograph (asset ids as vertices, one JGraphT
 * edge per {@link LineageEdge}; several edges between two assets and self-loops are allowed), with
 * the queries the API answers: downstream and upstream to a depth, impact analysis with the critical
 * path, column-level lineage, and the flow diagram as JSON or DOT.
 *
 * <p><b>Paths through shared rules.</b> Rules are assets shared by every table they apply to, so the
 * hops {@code users → rule:mask_email} and {@code rule:mask_email → warehouse_orders} meet at the rule
 * even though no row of {@code users} reaches {@code warehouse_orders}. Hops recorded by the pipeline
 * carry the table whose path they belong to ({@link LineageEdge#origin()}); at a rule or quality gate,
 * a query only leaves along hops of the path it arrived on (or hops with no origin). At any other
 * asset the query follows every hop.
 *
 * <p><b>Cycles.</b> A sink table that is also a source makes cycles. Every query visits each state
 * once, so none loops; the critical path cuts each cycle at the hop that would close it.
 *
 * <p><b>Column lineage.</b> A hop into a rule lists only what the rule adds ({@code [email] →
 * masked_email}); every other column passes through. A hop into a table, topic or file lists its
 * columns completely when it lists any. A hop without mappings passes every column through.
 *
 * <p><b>How queries run.</b> JGraphT stays the source of truth for updates, the flow diagram and DOT.
 * Downstream, upstream, impact and column lineage are answered from a {@link QueryIndex}: an
 * immutable int-numbered copy of the graph (adjacency as arrays, in JGraphT's edge order, so answers
 * are those of a walk of the JGraphT graph), built on the first query after a change of assets or
 * edges (flow statistics do not count as a change: they are read live).
 *
 * <p>Thread-safe: updates take the write lock (and bump a version); queries on an unchanged graph take
 * no lock, only read the current index. Queries are answered from memory; asking for an asset that is
 * not in the graph throws {@link EtlException} with {@link ErrorCode#NOT_FOUND}.
 */
public final class LineageGraph {
    /** Deepest {@code max_depth} a traversal accepts. */
    public static final int MAX_DEPTH_LIMIT = 1_000;

    /**
     * A JGraphT edge. Identity equality on purpose: the graph keeps a map from edge to endpoints, and
     * hashing a record with its column mappings on every step would cost more than the step.
     */
    static final class Link {
        final LineageEdge edge;
        /** Its number in the current {@link QueryIndex}; set while one is built. */
        int index;

        Link(LineageEdge edge) {
            this.edge = edge;
        }
    }

    private record EdgeKey(String from, String to, String via, String origin) {
        static EdgeKey of(LineageEdge e) {
            return new EdgeKey(e.from(), e.to(), e.via(), e.origin());
        }
    }

    private record Hop(String from, String to) {}

    private final Graph<String, Link> graph = GraphTypeBuilder.<String, Link>directed()
            .allowingMultipleEdges(true).allowingSelfLoops(true).weighted(false).buildGraph();
    private final Map<String, LineageAsset> assets = new HashMap<>();
    private final Map<EdgeKey, Link> links = new HashMap<>();
    private final Map<Hop, FlowStats> flows = new ConcurrentHashMap<>();
    private final ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
    private final Lock read = rw.readLock();
    private final Lock write = rw.writeLock();
    /** Bumped (under the write lock) by every change of assets or edges; flow statistics are read live. */
    private volatile long version;
    private volatile QueryIndex index;
    private final Object indexBuild = new Object();

    /** An empty graph. */
    public LineageGraph() {
    }

    /** A graph of everything {@code store} holds. */
    public static LineageGraph load(LineageStore store) {
        LineageGraph g = new LineageGraph();
        g.addAssets(store.assets());
        g.addEdges(store.edges());
        g.putFlows(store.flows());
        return g;
    }

    // ---- updates ---------------------------------------------------------------------------------

    /** Adds assets or replaces them by id. */
    public void addAssets(Collection<LineageAsset> batch) {
        write.lock();
        try {
            for (LineageAsset a : batch) {
                assets.put(a.id(), a);
                graph.addVertex(a.id());
            }
            version++;
        } finally {
            write.unlock();
        }
    }

    /** Adds edges or replaces them by (from, to, via, origin); unknown endpoints become assets of kind OTHER. */
    public void addEdges(Collection<LineageEdge> batch) {
        write.lock();
        try {
            for (LineageEdge e : batch) {
                Link old = links.remove(EdgeKey.of(e));
                if (old != null) {
                    graph.removeEdge(old);
                }
                graph.addVertex(e.from());
                graph.addVertex(e.to());
                Link link = new Link(e);
                graph.addEdge(e.from(), e.to(), link);
                links.put(EdgeKey.of(e), link);
            }
            version++;
        } finally {
            write.unlock();
        }
    }

    /** Adds a batch's counts to the flow statistics of its hops. */
    public void addFlows(Collection<FlowObservation> observations) {
        write.lock();
        try {
            for (FlowObservation o : observations) {
                flows.merge(new Hop(o.from(), o.to()), new FlowStats(o.from(), o.to(), o.at(), o.at(), o.events(), o.failures()),
                        LineageGraph::sum);
            }
        } finally {
            write.unlock();
        }
    }

    /** Sets the flow statistics of hops (as read from a store), replacing what was there. */
    public void putFlows(Collection<FlowStats> stats) {
        write.lock();
        try {
            for (FlowStats f : stats) {
                flows.put(new Hop(f.from(), f.to()), f);
            }
        } finally {
            write.unlock();
        }
    }

    private static FlowStats sum(FlowStats a, FlowStats b) {
        return new FlowStats(a.from(), a.to(),
                a.firstSeen() == null || (b.firstSeen() != null && b.firstSeen().isBefore(a.firstSeen())) ? b.firstSeen() : a.firstSeen(),
                a.lastSeen() == null || (b.lastSeen() != null && b.lastSeen().isAfter(a.lastSeen())) ? b.lastSeen() : a.lastSeen(),
                a.events() + b.events(), a.failures() + b.failures());
    }

    /** Removes an asset with its edges and their statistics; a no-op for an unknown id. */
    public void removeAsset(String assetId) {
        write.lock();
        try {
            assets.remove(assetId);
            if (graph.containsVertex(assetId)) {
                for (Link l : List.copyOf(graph.edgesOf(assetId))) {
                    links.remove(EdgeKey.of(l.edge));
                }
                graph.removeVertex(assetId);
            }
            flows.keySet().removeIf(h -> h.from().equals(assetId) || h.to().equals(assetId));
            version++;
        } finally {
            write.unlock();
        }
    }

    // ---- plain reads -----------------------------------------------------------------------------

    public int assetCount() {
        read.lock();
        try {
            return graph.vertexSet().size();
        } finally {
            read.unlock();
        }
    }

    public int edgeCount() {
        read.lock();
        try {
            return graph.edgeSet().size();
        } finally {
            read.unlock();
        }
    }

    public boolean contains(String assetId) {
        read.lock();
        try {
            return graph.containsVertex(assetId);
        } finally {
            read.unlock();
        }
    }

    /** The asset; one only named by edges shows as kind {@link AssetKind#OTHER}. */
    public Optional<LineageAsset> asset(String assetId) {
        read.lock();
        try {
            return graph.containsVertex(assetId) ? Optional.of(assetOf(assetId)) : Optional.empty();
        } finally {
            read.unlock();
        }
    }

    /** Every asset, including those only named by edges (kind OTHER), by id. */
    public List<LineageAsset> assets() {
        read.lock();
        try {
            List<LineageAsset> out = new ArrayList<>(graph.vertexSet().size());
            for (String id : graph.vertexSet()) {
                out.add(assetOf(id));
            }
            out.sort(Comparator.comparing(LineageAsset::id));
            return out;
        } finally {
            read.unlock();
        }
    }

    public List<LineageEdge> edges() {
        read.lock();
        try {
            List<LineageEdge> out = new ArrayList<>(links.size());
            for (Link l : graph.edgeSet()) {
                out.add(l.edge);
            }
            return out;
        } finally {
            read.unlock();
        }
    }

    public List<FlowStats> flows() {
        read.lock();
        try {
            return List.copyOf(flows.values());
        } finally {
            read.unlock();
        }
    }

    // ---- downstream / upstream -------------------------------------------------------------------

    /** Assets reached from {@code assetId} within {@code maxDepth} hops with the data, with their distance. */
    public LineageTraversal downstream(String assetId, int maxDepth) {
        return traverse(assetId, maxDepth, Direction.DOWNSTREAM);
    }

    /** Assets that reach {@code assetId} within {@code maxDepth} hops, with their distance. */
    public LineageTraversal upstream(String assetId, int maxDepth) {
        return traverse(assetId, maxDepth, Direction.UPSTREAM);
    }

    /**
     * @throws ConfigException naming {@code max_depth} when it is not within 1..{@value #MAX_DEPTH_LIMIT}
     * @throws EtlException    NOT_FOUND for an unknown asset
     */
    public LineageTraversal traverse(String assetId, int maxDepth, Direction direction) {
        if (maxDepth < 1 || maxDepth > MAX_DEPTH_LIMIT) {
            throw new ConfigException("max_depth", maxDepth, "expected a number between 1 and " + MAX_DEPTH_LIMIT);
        }
        return index().traverse(assetId, maxDepth, direction, this::flowEdge);
    }

    // ---- impact ------------------------------------------------------------------------------------

    /**
     * What a change to {@code assetId} reaches: every downstream asset with its distance and a
     * shortest path, counts per kind, the critical path, and, when {@code column} is not null, the
     * downstream columns derived from that column.
     *
     * @throws EtlException NOT_FOUND for an unknown asset, or a column the asset is known not to have
     */
    public ImpactAnalysis impact(String assetId, String column) {
        return index().impact(assetId, column);
    }

    // ---- column lineage ------------------------------------------------------------------------

    /**
     * The columns of tables, topics and files that derive from {@code assetId.column} (downstream),
     * or that it derives from (upstream), following column mappings through rules.
     *
     * @throws EtlException NOT_FOUND for an unknown asset, or a column the asset is known not to have
     */
    public ColumnLineage columnLineage(String assetId, String column, Direction direction) {
        Objects.requireNonNull(column, "column");
        QueryIndex index = index();
        return new ColumnLineage(assetId, column, direction, index.columnLineage(assetId, column, direction));
    }

    // ---- the query index -------------------------------------------------------------------------

    /**
     * The index queries read, rebuilt here when the graph changed since the last one was built. A
     * query on an unchanged graph only reads two volatile fields.
     */
    QueryIndex index() {
        QueryIndex current = index;
        if (current != null && current.version == version) {
            return current;
        }
        synchronized (indexBuild) {
            current = index;
            if (current != null && current.version == version) {
                return current;
            }
            read.lock();
            try {
                current = new QueryIndex(version, graph, assets);
            } finally {
                read.unlock();
            }
            index = current;
            return current;
        }
    }

    // ---- flow diagram --------------------------------------------------------------------------

    /** The whole graph: every asset and every edge with its statistics. */
    public FlowDiagram flow() {
        read.lock();
        try {
            List<AssetView> nodes = new ArrayList<>(graph.vertexSet().size());
            EnumMap<AssetKind, Integer> counts = new EnumMap<>(AssetKind.class);
            for (String id : graph.vertexSet()) {
                LineageAsset a = assetOf(id);
                nodes.add(AssetView.of(a, null));
                counts.merge(a.kind(), 1, Integer::sum);
            }
            nodes.sort(Comparator.comparing(AssetView::id));
            List<FlowEdge> edges = new ArrayList<>(graph.edgeSet().size());
            for (Link l : graph.edgeSet()) {
                edges.add(flowEdge(l));
            }
            edges.sort(Comparator.comparing(FlowEdge::from).thenComparing(FlowEdge::to).thenComparing(FlowEdge::via)
                    .thenComparing(e -> e.origin() == null ? "" : e.origin()));
            return new FlowDiagram(nodes, edges, Collections.unmodifiableMap(counts));
        } finally {
            read.unlock();
        }
    }

    /** The whole graph as Graphviz DOT; see {@link LineageDot}. */
    public String toDot() {
        return LineageDot.render(flow());
    }

    // ---- internals -------------------------------------------------------------------------------

    private LineageAsset assetOf(String id) {
        LineageAsset a = assets.get(id);
        return a != null ? a : new LineageAsset(id, AssetKind.OTHER, id, List.of(), Map.of());
    }

    private FlowEdge flowEdge(Link l) {
        return flowEdge(l.edge);
    }

    private FlowEdge flowEdge(LineageEdge e) {
        return FlowEdge.of(e, flows.get(new Hop(e.from(), e.to())));
    }
}
