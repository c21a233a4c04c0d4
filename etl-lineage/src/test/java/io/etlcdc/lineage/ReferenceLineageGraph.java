package io.etlcdc.lineage;

import io.etlcdc.core.error.ConfigException;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.lineage.AssetKind;
import io.etlcdc.core.lineage.ColumnMapping;
import io.etlcdc.core.lineage.FlowObservation;
import io.etlcdc.core.lineage.FlowStats;
import io.etlcdc.core.lineage.LineageAsset;
import io.etlcdc.core.lineage.LineageEdge;
import io.etlcdc.core.spi.LineageStore;
import io.etlcdc.lineage.dot.LineageDot;
import io.etlcdc.lineage.query.AffectedAsset;
import io.etlcdc.lineage.query.AssetView;
import io.etlcdc.lineage.query.ColumnLineage;
import io.etlcdc.lineage.query.ColumnRef;
import io.etlcdc.lineage.query.CriticalPath;
import io.etlcdc.lineage.query.DerivedColumn;
import io.etlcdc.lineage.query.Direction;
import io.etlcdc.lineage.query.FlowDiagram;
import io.etlcdc.lineage.query.FlowEdge;
import io.etlcdc.lineage.query.ImpactAnalysis;
import io.etlcdc.lineage.query.LineageTraversal;
import org.jgrapht.Graph;
import org.jgrapht.graph.builder.GraphTypeBuilder;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * THE REFERENCE for {@code QueryIndexReferenceTest}: {@link LineageGraph} as it was before its queries
 * moved to {@link QueryIndex}, kept unchanged (queries walk the JGraphT graph with maps of objects).
 *
 * <p>The lineage graph in memory, on a JGraphT directed pseudograph (asset ids as vertices, one JGraphT
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
 * <p>Thread-safe: queries share a read lock, updates take the write lock. Queries are answered from
 * memory; asking for an asset that is not in the graph throws {@link EtlException} with
 * {@link ErrorCode#NOT_FOUND}.
 */
final class ReferenceLineageGraph {
    /** Deepest {@code max_depth} a traversal accepts. */
    public static final int MAX_DEPTH_LIMIT = 1_000;

    /**
     * A JGraphT edge. Identity equality on purpose: the graph keeps a map from edge to endpoints, and
     * hashing a record with its column mappings on every step would cost more than the step.
     */
    static final class Link {
        final LineageEdge edge;

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

    /** A place a traversal can be: an asset, and the path (origin) it arrived on when it is a rule. */
    private record State(String asset, String origin) {}

    private static final class Step {
        final State state;
        final Step parent;
        final int distance;

        Step(State state, Step parent, int distance) {
            this.state = state;
            this.parent = parent;
            this.distance = distance;
        }
    }

    private record ColumnState(String asset, String column, String origin) {}

    private static final class ColumnStep {
        final ColumnState state;
        final ColumnStep parent;
        final int distance;
        final String transformation;

        ColumnStep(ColumnState state, ColumnStep parent, int distance, String transformation) {
            this.state = state;
            this.parent = parent;
            this.distance = distance;
            this.transformation = transformation;
        }
    }

    @FunctionalInterface
    private interface HopConsumer {
        void accept(Link link, String next, String nextOrigin);
    }

    private final Graph<String, Link> graph = GraphTypeBuilder.<String, Link>directed()
            .allowingMultipleEdges(true).allowingSelfLoops(true).weighted(false).buildGraph();
    private final Map<String, LineageAsset> assets = new HashMap<>();
    private final Map<EdgeKey, Link> links = new HashMap<>();
    private final Map<Hop, FlowStats> flows = new HashMap<>();
    private final ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
    private final Lock read = rw.readLock();
    private final Lock write = rw.writeLock();

    /** An empty graph. */
    ReferenceLineageGraph() {
    }

    /** A graph of everything {@code store} holds. */
    static ReferenceLineageGraph load(LineageStore store) {
        ReferenceLineageGraph g = new ReferenceLineageGraph();
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
                        ReferenceLineageGraph::sum);
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
        read.lock();
        try {
            requireAsset(assetId);
            Map<State, Step> seen = new HashMap<>();
            Map<String, Integer> distances = new HashMap<>();
            Set<Link> followed = new LinkedHashSet<>();
            ArrayDeque<Step> queue = new ArrayDeque<>();
            Step start = new Step(new State(assetId, null), null, 0);
            seen.put(start.state, start);
            distances.put(assetId, 0);
            queue.add(start);
            boolean[] truncated = {false};
            while (!queue.isEmpty()) {
                Step s = queue.poll();
                if (s.distance == maxDepth) {
                    if (!truncated[0]) {
                        forEachHop(s.state, direction, (link, next, origin) -> {
                            if (!distances.containsKey(next)) {
                                truncated[0] = true;
                            }
                        });
                    }
                    continue;
                }
                forEachHop(s.state, direction, (link, next, origin) -> {
                    followed.add(link);
                    State ns = new State(next, origin);
                    if (!seen.containsKey(ns)) {
                        Step n = new Step(ns, s, s.distance + 1);
                        seen.put(ns, n);
                        distances.putIfAbsent(next, n.distance);
                        queue.add(n);
                    }
                });
            }
            List<AssetView> reached = new ArrayList<>(distances.size());
            distances.forEach((id, d) -> {
                if (!id.equals(assetId)) {
                    reached.add(AssetView.of(assetOf(id), d));
                }
            });
            reached.sort(Comparator.comparingInt(AssetView::distance).thenComparing(AssetView::id));
            List<FlowEdge> edges = new ArrayList<>(followed.size());
            for (Link l : followed) {
                edges.add(flowEdge(l));
            }
            return new LineageTraversal(assetId, direction, maxDepth, AssetView.of(assetOf(assetId), 0), reached, edges, truncated[0]);
        } finally {
            read.unlock();
        }
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
        read.lock();
        try {
            requireAsset(assetId);
            Map<State, Step> seen = new HashMap<>();
            Map<String, Step> firstReach = new HashMap<>();
            ArrayDeque<Step> queue = new ArrayDeque<>();
            Step start = new Step(new State(assetId, null), null, 0);
            seen.put(start.state, start);
            firstReach.put(assetId, start);
            queue.add(start);
            while (!queue.isEmpty()) {
                Step s = queue.poll();
                forEachHop(s.state, Direction.DOWNSTREAM, (link, next, origin) -> {
                    Step n = new Step(new State(next, origin), s, s.distance + 1);
                    if (seen.putIfAbsent(n.state, n) == null) {
                        firstReach.putIfAbsent(next, n);
                        queue.add(n);
                    }
                });
            }
            List<AffectedAsset> affected = new ArrayList<>(firstReach.size());
            EnumMap<AssetKind, Integer> counts = new EnumMap<>(AssetKind.class);
            int maxDistance = 0;
            for (Map.Entry<String, Step> e : firstReach.entrySet()) {
                if (e.getKey().equals(assetId)) {
                    continue;
                }
                LineageAsset a = assetOf(e.getKey());
                Step step = e.getValue();
                affected.add(new AffectedAsset(a.id(), a.kind(), a.name(), step.distance, pathOf(step)));
                counts.merge(a.kind(), 1, Integer::sum);
                maxDistance = Math.max(maxDistance, step.distance);
            }
            affected.sort(Comparator.comparingInt(AffectedAsset::distance).thenComparing(AffectedAsset::id));
            List<DerivedColumn> columns = column == null ? null : columnLineageLocked(assetId, column, Direction.DOWNSTREAM);
            return new ImpactAnalysis(assetId, AssetView.of(assetOf(assetId), 0), affected.size(), maxDistance,
                    Collections.unmodifiableMap(counts), affected, criticalPath(start.state), column, columns);
        } finally {
            read.unlock();
        }
    }

    private static List<String> pathOf(Step step) {
        String[] path = new String[step.distance + 1];
        for (Step s = step; s != null; s = s.parent) {
            path[s.distance] = s.state.asset();
        }
        return List.of(path);
    }

    /** One frame of the iterative depth-first search for the longest chain. */
    private static final class Frame {
        final State state;
        final List<State> successors;
        int next;
        int bestLength;
        State best;

        Frame(State state, List<State> successors) {
            this.state = state;
            this.successors = successors;
        }

        void offer(State candidate, int length) {
            if (length > bestLength || (length == bestLength && best != null && candidate.asset().compareTo(best.asset()) < 0)) {
                bestLength = length;
                best = candidate;
            }
        }
    }

    /**
     * Longest chain by depth-first search with memoised lengths: exact where the reachable graph is
     * acyclic; a hop back to an asset on the current chain is skipped, which cuts every cycle.
     */
    private CriticalPath criticalPath(State start) {
        Map<State, Integer> longest = new HashMap<>();
        Map<State, State> bestNext = new HashMap<>();
        Set<String> onChain = new HashSet<>();
        ArrayDeque<Frame> stack = new ArrayDeque<>();
        stack.push(new Frame(start, successors(start)));
        onChain.add(start.asset());
        while (!stack.isEmpty()) {
            Frame f = stack.peek();
            if (f.next < f.successors.size()) {
                State w = f.successors.get(f.next++);
                if (onChain.contains(w.asset())) {
                    continue;
                }
                Integer known = longest.get(w);
                if (known != null) {
                    f.offer(w, known + 1);
                } else {
                    stack.push(new Frame(w, successors(w)));
                    onChain.add(w.asset());
                }
                continue;
            }
            stack.pop();
            onChain.remove(f.state.asset());
            longest.put(f.state, f.bestLength);
            if (f.best != null) {
                bestNext.put(f.state, f.best);
            }
            Frame parent = stack.peek();
            if (parent != null) {
                parent.offer(f.state, f.bestLength + 1);
            }
        }
        List<String> chain = new ArrayList<>();
        Set<String> inChain = new HashSet<>();
        for (State s = start; s != null && inChain.add(s.asset()); s = bestNext.get(s)) {
            chain.add(s.asset());
        }
        return new CriticalPath(chain.size() - 1, chain);
    }

    private List<State> successors(State s) {
        List<State> out = new ArrayList<>(4);
        forEachHop(s, Direction.DOWNSTREAM, (link, next, origin) -> {
            State n = new State(next, origin);
            // out-degrees are small: a scan beats a hash set per state
            if (!out.contains(n)) {
                out.add(n);
            }
        });
        return out;
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
        read.lock();
        try {
            requireAsset(assetId);
            return new ColumnLineage(assetId, column, direction, columnLineageLocked(assetId, column, direction));
        } finally {
            read.unlock();
        }
    }

    private List<DerivedColumn> columnLineageLocked(String assetId, String column, Direction direction) {
        LineageAsset start = assetOf(assetId);
        if (!start.columns().isEmpty() && !start.columns().contains(column)) {
            throw new EtlException(ErrorCode.NOT_FOUND, "lineage asset '" + assetId + "' has no column '" + column
                    + "'; its columns are " + String.join(", ", start.columns()));
        }
        Map<ColumnState, ColumnStep> seen = new HashMap<>();
        Map<ColumnRef, ColumnStep> reached = new HashMap<>();
        ArrayDeque<ColumnStep> queue = new ArrayDeque<>();
        ColumnStep first = new ColumnStep(new ColumnState(assetId, column, null), null, 0, null);
        seen.put(first.state, first);
        queue.add(first);
        while (!queue.isEmpty()) {
            ColumnStep s = queue.poll();
            State at = new State(s.state.asset(), s.state.origin());
            forEachHop(at, direction, (link, next, origin) -> {
                forEachColumn(link, s.state.asset(), s.state.column(), next, direction, (nextColumn, transformation) -> {
                    ColumnState ns = new ColumnState(next, nextColumn, origin);
                    if (seen.containsKey(ns)) {
                        return;
                    }
                    ColumnStep n = new ColumnStep(ns, s, s.distance + 1, transformation);
                    seen.put(ns, n);
                    queue.add(n);
                    if (!isProcess(next)) {
                        reached.putIfAbsent(new ColumnRef(next, nextColumn), n);
                    }
                });
            });
        }
        reached.remove(new ColumnRef(assetId, column));
        List<DerivedColumn> out = new ArrayList<>(reached.size());
        reached.forEach((ref, step) -> out.add(derived(step)));
        out.sort(Comparator.comparingInt(DerivedColumn::distance).thenComparing(DerivedColumn::assetId)
                .thenComparing(DerivedColumn::column));
        return out;
    }

    private DerivedColumn derived(ColumnStep step) {
        ColumnRef[] path = new ColumnRef[step.distance + 1];
        List<String> transformations = new ArrayList<>();
        for (ColumnStep s = step; s != null; s = s.parent) {
            path[s.distance] = new ColumnRef(s.state.asset(), s.state.column());
            if (s.transformation != null && !s.transformation.equals(IDENTITY)) {
                transformations.add(s.transformation);
            }
        }
        Collections.reverse(transformations);
        return new DerivedColumn(step.state.asset(), assetOf(step.state.asset()).kind(), step.state.column(), step.distance,
                transformations.stream().distinct().toList(), List.of(path));
    }

    private static final String IDENTITY = "identity";

    @FunctionalInterface
    private interface ColumnConsumer {
        void accept(String column, String transformation);
    }

    /** The columns that {@code column} at {@code here} becomes (or comes from) across one hop. */
    private void forEachColumn(Link link, String here, String column, String next, Direction direction, ColumnConsumer out) {
        List<ColumnMapping> mappings = link.edge.columns();
        String destination = direction == Direction.DOWNSTREAM ? next : here;
        if (mappings.isEmpty()) {
            LineageAsset target = assetOf(next);
            if (isProcess(next) || target.columns().isEmpty() || target.columns().contains(column)) {
                out.accept(column, null);
            }
            return;
        }
        boolean additive = isProcess(destination);
        if (direction == Direction.DOWNSTREAM) {
            if (additive) {
                out.accept(column, null);
            }
            for (ColumnMapping m : mappings) {
                if (m.sources().contains(column)) {
                    out.accept(m.target(), m.transformation());
                }
            }
            return;
        }
        boolean derivedHere = false;
        for (ColumnMapping m : mappings) {
            if (m.target().equals(column)) {
                derivedHere = true;
                for (String source : m.sources()) {
                    out.accept(source, m.transformation());
                }
            }
        }
        if (additive && !derivedHere) {
            out.accept(column, null);
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

    private void requireAsset(String assetId) {
        if (assetId == null || !graph.containsVertex(assetId)) {
            throw new EtlException(ErrorCode.NOT_FOUND, "no lineage asset '" + assetId + "'; asset ids look like "
                    + "'<source_id>_<table>' (e.g. postgres_main_users), 'rule:<rule_id>' or '<sink_id>_<table>'");
        }
    }

    private LineageAsset assetOf(String id) {
        LineageAsset a = assets.get(id);
        return a != null ? a : new LineageAsset(id, AssetKind.OTHER, id, List.of(), Map.of());
    }

    private boolean isProcess(String id) {
        LineageAsset a = assets.get(id);
        return a != null && (a.kind() == AssetKind.RULE || a.kind() == AssetKind.QUALITY_GATE);
    }

    private FlowEdge flowEdge(Link l) {
        return FlowEdge.of(l.edge, flows.get(new Hop(l.edge.from(), l.edge.to())));
    }

    /**
     * Every hop a traversal may take from {@code s}: at a rule only those of the path it arrived on
     * (or with no origin); elsewhere all. Tells the consumer the next asset and the path it is on
     * there (kept only at rules).
     */
    private void forEachHop(State s, Direction direction, HopConsumer out) {
        boolean down = direction == Direction.DOWNSTREAM;
        Set<Link> hops = down ? graph.outgoingEdgesOf(s.asset()) : graph.incomingEdgesOf(s.asset());
        for (Link l : hops) {
            String origin = l.edge.origin();
            if (s.origin() != null && origin != null && !origin.equals(s.origin())) {
                continue;
            }
            String next = down ? l.edge.to() : l.edge.from();
            String nextOrigin = isProcess(next) ? (origin != null ? origin : s.origin()) : null;
            out.accept(l, next, nextOrigin);
        }
    }
}
