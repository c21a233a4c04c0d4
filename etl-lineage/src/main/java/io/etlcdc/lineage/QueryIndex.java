package io.etlcdc.lineage;

import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.lineage.AssetKind;
import io.etlcdc.core.lineage.ColumnMapping;
import io.etlcdc.core.lineage.LineageAsset;
import io.etlcdc.core.lineage.LineageEdge;
import io.etlcdc.lineage.IntIndex.IntList;
import io.etlcdc.lineage.IntIndex.LongIntMap;
import io.etlcdc.lineage.query.AffectedAsset;
import io.etlcdc.lineage.query.AssetView;
import io.etlcdc.lineage.query.ColumnRef;
import io.etlcdc.lineage.query.CriticalPath;
import io.etlcdc.lineage.query.DerivedColumn;
import io.etlcdc.lineage.query.Direction;
import io.etlcdc.lineage.query.FlowEdge;
import io.etlcdc.lineage.query.ImpactAnalysis;
import io.etlcdc.lineage.query.LineageTraversal;
import org.jgrapht.Graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

/**
 * An immutable, int-indexed copy of the lineage graph that queries read: assets numbered, adjacency
 * in CSR arrays (in JGraphT's edge order, so every query takes the hops in the same order as a walk of
 * the JGraphT graph would), origins and column names interned, column mappings as int arrays.
 * {@link LineageGraph} builds one lazily after the graph changed and answers every query from it
 * without locks. Queries keep their per-query state in int arrays (distance, parent, reused between queries) instead of maps
 * of objects.
 *
 * <p>A traversal state is an asset plus, at a rule or quality gate, the origin (path) it arrived on.
 * States without an origin are numbered like their asset ({@code 0..n-1}); states with one are
 * numbered from {@code n} on as a query meets them.
 */
final class QueryIndex {
    private static final String IDENTITY = "identity";

    final long version;
    private final int n;
    private final String[] ids;
    private final LineageAsset[] assets;
    private final Map<String, Integer> indexOf;
    private final boolean[] process;
    private final int[] rank;
    private final int[] byRank;
    private final AssetKind[] kindValues = AssetKind.values();
    private final int[] kindOrdinal;
    private final AssetKind[] kinds;
    private final String[] names;

    private final LineageEdge[] edges;
    private final int[] edgeFrom;
    private final int[] edgeTo;
    private final int[] edgeOrigin;
    private final int[] outStart;
    private final int[] outEdges;
    private final int[] inStart;
    private final int[] inEdges;
    private final int originCount;

    /** Column names sorted; a column's id is its position. */
    private final String[] columnNames;
    private final Map<String, Integer> columnIds;
    private final int[] assetColStart;
    private final int[] assetCols;
    /** Mappings of edge e: {@code mapStart[e]..mapEnd[e]} into the mapping arrays. */
    private final int[] mapStart;
    private final int[] mapEnd;
    private final int[] mapTarget;
    private final String[] mapTransformation;
    private final int[] mapSrcStart;
    private final int[] mapSrc;

    /** Builds the index; the caller holds the graph's lock and sets {@link LineageGraph.Link#index}. */
    QueryIndex(long version, Graph<String, LineageGraph.Link> graph, Map<String, LineageAsset> assetMap) {
        this.version = version;
        n = graph.vertexSet().size();
        ids = new String[n];
        assets = new LineageAsset[n];
        indexOf = new HashMap<>(n * 2);
        process = new boolean[n];
        kindOrdinal = new int[n];
        kinds = new AssetKind[n];
        names = new String[n];
        int i = 0;
        for (String id : graph.vertexSet()) {
            ids[i] = id;
            LineageAsset a = assetMap.get(id);
            assets[i] = a != null ? a : new LineageAsset(id, AssetKind.OTHER, id, List.of(), Map.of());
            process[i] = a != null && (a.kind() == AssetKind.RULE || a.kind() == AssetKind.QUALITY_GATE);
            kindOrdinal[i] = assets[i].kind().ordinal();
            kinds[i] = assets[i].kind();
            names[i] = assets[i].name();
            indexOf.put(id, i);
            i++;
        }
        Integer[] order = new Integer[n];
        for (int k = 0; k < n; k++) {
            order[k] = k;
        }
        Arrays.sort(order, (x, y) -> ids[x].compareTo(ids[y]));
        rank = new int[n];
        byRank = new int[n];
        for (int k = 0; k < n; k++) {
            byRank[k] = order[k];
            rank[order[k]] = k;
        }

        int m = graph.edgeSet().size();
        edges = new LineageEdge[m];
        edgeFrom = new int[m];
        edgeTo = new int[m];
        edgeOrigin = new int[m];
        Map<String, Integer> origins = new HashMap<>();
        int e = 0;
        for (LineageGraph.Link l : graph.edgeSet()) {
            l.index = e;
            edges[e] = l.edge;
            edgeFrom[e] = indexOf.get(l.edge.from());
            edgeTo[e] = indexOf.get(l.edge.to());
            edgeOrigin[e] = l.edge.origin() == null ? -1 : origins.computeIfAbsent(l.edge.origin(), k -> origins.size());
            e++;
        }
        originCount = Math.max(1, origins.size());
        outStart = new int[n + 1];
        outEdges = new int[m];
        inStart = new int[n + 1];
        inEdges = new int[m];
        int o = 0;
        int in = 0;
        for (int v = 0; v < n; v++) {
            outStart[v] = o;
            for (LineageGraph.Link l : graph.outgoingEdgesOf(ids[v])) {
                outEdges[o++] = l.index;
            }
            inStart[v] = in;
            for (LineageGraph.Link l : graph.incomingEdgesOf(ids[v])) {
                inEdges[in++] = l.index;
            }
        }
        outStart[n] = o;
        inStart[n] = in;

        // columns: intern every name, sorted so that ids compare like names
        Set<String> names = new HashSet<>();
        for (LineageAsset a : assets) {
            names.addAll(a.columns());
        }
        IdentityHashMap<List<ColumnMapping>, Integer> blocks = new IdentityHashMap<>();
        int mappingCount = 0;
        int sourceCount = 0;
        for (LineageEdge edge : edges) {
            if (blocks.putIfAbsent(edge.columns(), blocks.size()) == null) {
                for (ColumnMapping cm : edge.columns()) {
                    names.add(cm.target());
                    names.addAll(cm.sources());
                    mappingCount++;
                    sourceCount += cm.sources().size();
                }
            }
        }
        columnNames = names.toArray(new String[0]);
        Arrays.sort(columnNames);
        columnIds = new HashMap<>(columnNames.length * 2);
        for (int c = 0; c < columnNames.length; c++) {
            columnIds.put(columnNames[c], c);
        }
        assetColStart = new int[n + 1];
        int totalCols = 0;
        for (LineageAsset a : assets) {
            totalCols += a.columns().size();
        }
        assetCols = new int[totalCols];
        int ac = 0;
        for (int v = 0; v < n; v++) {
            assetColStart[v] = ac;
            for (String c : assets[v].columns()) {
                assetCols[ac++] = columnIds.get(c);
            }
            Arrays.sort(assetCols, assetColStart[v], ac);
        }
        assetColStart[n] = ac;
        mapStart = new int[m];
        mapEnd = new int[m];
        mapTarget = new int[mappingCount];
        mapTransformation = new String[mappingCount];
        mapSrcStart = new int[mappingCount + 1];
        mapSrc = new int[sourceCount];
        int[] blockStart = new int[blocks.size()];
        int[] blockEnd = new int[blocks.size()];
        boolean[] blockDone = new boolean[blocks.size()];
        int mp = 0;
        int sp = 0;
        for (int k = 0; k < m; k++) {
            List<ColumnMapping> cols = edges[k].columns();
            int b = blocks.get(cols);
            if (!blockDone[b]) {
                blockDone[b] = true;
                blockStart[b] = mp;
                for (ColumnMapping cm : cols) {
                    mapTarget[mp] = columnIds.get(cm.target());
                    mapTransformation[mp] = cm.transformation();
                    mapSrcStart[mp] = sp;
                    for (String s : cm.sources()) {
                        mapSrc[sp++] = columnIds.get(s);
                    }
                    mp++;
                }
                blockEnd[b] = mp;
            }
            mapStart[k] = blockStart[b];
            mapEnd[k] = blockEnd[b];
        }
        mapSrcStart[mappingCount] = sp;
    }

    // ---- basics ------------------------------------------------------------------------------------

    int require(String assetId) {
        Integer i = assetId == null ? null : indexOf.get(assetId);
        if (i == null) {
            throw new EtlException(ErrorCode.NOT_FOUND, "no lineage asset '" + assetId + "'; asset ids look like "
                    + "'<source_id>_<table>' (e.g. postgres_main_users), 'rule:<rule_id>' or '<sink_id>_<table>'");
        }
        return i;
    }

    /** Traversal states met by one query. */
    /**
     * Whether a hop of origin {@code hopOrigin} may be followed from a state that arrived on path {@code pathOrigin}
     * (-1: none): at a rule or quality gate a query leaves only along hops of the path it arrived on, or hops
     * with no origin (see {@link LineageGraph}).
     */
    private static boolean onPath(int pathOrigin, int hopOrigin) {
        return pathOrigin < 0 || hopOrigin < 0 || hopOrigin == pathOrigin;
    }

    private final class States {
        int count = n;
        int[] extraAsset = new int[0];
        int[] extraOrigin = new int[0];
        LongIntMap map;

        /** The state reached at {@code next} over an edge of origin {@code eo} from a state of origin {@code o}. */
        int next(int next, int o, int eo) {
            return process[next] ? of(next, eo >= 0 ? eo : o) : next;
        }

        int of(int asset, int origin) {
            if (origin < 0) {
                return asset;
            }
            if (map == null) {
                map = new LongIntMap(16);
            }
            int s = map.putIfAbsent((long) asset * originCount + origin, count);
            if (s == count) {
                int k = count - n;
                extraAsset = IntIndex.grow(extraAsset, k + 1, 0);
                extraOrigin = IntIndex.grow(extraOrigin, k + 1, 0);
                extraAsset[k] = asset;
                extraOrigin[k] = origin;
                count++;
            }
            return s;
        }

        int asset(int s) {
            return s < n ? s : extraAsset[s - n];
        }

        int origin(int s) {
            return s < n ? -1 : extraOrigin[s - n];
        }
    }

    /**
     * Per-query arrays, reused by later queries so that a query does not allocate and clear arrays
     * the size of the graph: a query takes one, resets the entries it touched and hands it back.
     */
    private final class Scratch {
        int[] dist = filled(n, -1);          // per state
        int[] longest = filled(n, -1);       // per state
        int[] bestNext = filled(n, -1);      // per state
        int[] colHead = filled(n, -1);       // per state: the first of its column states (column lineage)
        int[] firstState = filled(n, -1);    // per asset
        int[] assetDist = filled(n, -1);     // per asset
        boolean[] onChain = new boolean[n];  // per asset
        boolean[] followed = new boolean[edges.length];

        void ensureStates(int count) {
            if (count > dist.length) {
                int c = Math.max(count, dist.length * 2);
                dist = IntIndex.grow(dist, c, -1);
                longest = IntIndex.grow(longest, c, -1);
                bestNext = IntIndex.grow(bestNext, c, -1);
                colHead = IntIndex.grow(colHead, c, -1);
            }
        }
    }

    private final AtomicReferenceArray<Scratch> spare = new AtomicReferenceArray<>(4);

    private Scratch takeScratch() {
        for (int i = 0; i < spare.length(); i++) {
            Scratch sc = spare.getAndSet(i, null);
            if (sc != null) {
                return sc;
            }
        }
        return new Scratch();
    }

    private void giveBack(Scratch sc) {
        for (int i = 0; i < spare.length(); i++) {
            if (spare.compareAndSet(i, null, sc)) {
                return;
            }
        }
    }

    private static int[] filled(int size, int fill) {
        int[] a = new int[size];
        if (fill != 0) {
            Arrays.fill(a, fill);
        }
        return a;
    }

    /** Sorts asset indexes by (distance, id) given their distances. */
    private int[] sortByDistanceThenId(IntList assetsReached, int[] distanceOf) {
        long[] keys = new long[assetsReached.size];
        for (int k = 0; k < keys.length; k++) {
            int a = assetsReached.items[k];
            keys[k] = ((long) distanceOf[a] << 32) | rank[a];
        }
        Arrays.sort(keys);
        int[] out = new int[keys.length];
        for (int k = 0; k < keys.length; k++) {
            out[k] = byRank[(int) keys[k]];
        }
        return out;
    }

    // ---- downstream / upstream -------------------------------------------------------------------

    LineageTraversal traverse(String assetId, int maxDepth, Direction direction, Function<LineageEdge, FlowEdge> flowEdge) {
        int start = require(assetId);
        boolean down = direction == Direction.DOWNSTREAM;
        int[] adjStart = down ? outStart : inStart;
        int[] adj = down ? outEdges : inEdges;
        int[] endpoint = down ? edgeTo : edgeFrom;
        States states = new States();
        Scratch sc = takeScratch();
        int[] dist = sc.dist;
        int[] assetDist = sc.assetDist;
        boolean[] followedMark = sc.followed;
        IntList followed = new IntList(64);
        IntList reachedAssets = new IntList(64);
        IntList queue = new IntList(64);
        dist[start] = 0;
        assetDist[start] = 0;
        queue.add(start);
        boolean truncated = false;
        for (int head = 0; head < queue.size; head++) {
            int s = queue.items[head];
            int a = states.asset(s);
            int o = states.origin(s);
            int d = dist[s];
            if (d == maxDepth) {
                if (!truncated) {
                    for (int i = adjStart[a]; i < adjStart[a + 1]; i++) {
                        int e = adj[i];
                        int eo = edgeOrigin[e];
                        if (!onPath(o, eo)) {
                            continue;
                        }
                        if (assetDist[endpoint[e]] < 0) {
                            truncated = true;
                            break;
                        }
                    }
                }
                continue;
            }
            for (int i = adjStart[a]; i < adjStart[a + 1]; i++) {
                int e = adj[i];
                int eo = edgeOrigin[e];
                if (!onPath(o, eo)) {
                    continue;
                }
                if (!followedMark[e]) {
                    followedMark[e] = true;
                    followed.add(e);
                }
                int next = endpoint[e];
                int ns = states.next(next, o, eo);
                if (ns >= dist.length) {
                    sc.ensureStates(ns + 1);
                    dist = sc.dist;
                }
                if (dist[ns] < 0) {
                    dist[ns] = d + 1;
                    if (assetDist[next] < 0) {
                        assetDist[next] = d + 1;
                        reachedAssets.add(next);
                    }
                    queue.add(ns);
                }
            }
        }
        int[] sorted = sortByDistanceThenId(reachedAssets, assetDist);
        List<AssetView> reached = new ArrayList<>(sorted.length);
        for (int a : sorted) {
            reached.add(AssetView.of(assets[a], assetDist[a]));
        }
        List<FlowEdge> flowEdges = new ArrayList<>(followed.size);
        for (int k = 0; k < followed.size; k++) {
            flowEdges.add(flowEdge.apply(edges[followed.items[k]]));
        }
        for (int k = 0; k < queue.size; k++) {
            dist[queue.items[k]] = -1;
        }
        for (int k = 0; k < reachedAssets.size; k++) {
            assetDist[reachedAssets.items[k]] = -1;
        }
        assetDist[start] = -1;
        for (int k = 0; k < followed.size; k++) {
            followedMark[followed.items[k]] = false;
        }
        giveBack(sc);
        return new LineageTraversal(assetId, direction, maxDepth, AssetView.of(assets[start], 0), reached, flowEdges, truncated);
    }

    // ---- impact ------------------------------------------------------------------------------------

    ImpactAnalysis impact(String assetId, String column) {
        int start = require(assetId);
        States states = new States();
        Scratch sc = takeScratch();
        int[] dist = sc.dist;
        int[] firstState = sc.firstState;
        IntList reachedAssets = new IntList(256);
        IntList queue = new IntList(256);
        // firstState: the queue position of the first state reached at an asset; parentAt: of each
        // queue position, the position of the state it was reached from
        IntList parentAt = new IntList(256);
        dist[start] = 0;
        firstState[start] = 0;
        queue.add(start);
        parentAt.add(-1);
        for (int head = 0; head < queue.size; head++) {
            int s = queue.items[head];
            int a = states.asset(s);
            int o = states.origin(s);
            int d = dist[s] + 1;
            for (int i = outStart[a]; i < outStart[a + 1]; i++) {
                int e = outEdges[i];
                int eo = edgeOrigin[e];
                if (!onPath(o, eo)) {
                    continue;
                }
                int next = edgeTo[e];
                int ns = states.next(next, o, eo);
                if (ns >= dist.length) {
                    sc.ensureStates(ns + 1);
                    dist = sc.dist;
                }
                if (dist[ns] < 0) {
                    dist[ns] = d;
                    if (firstState[next] < 0) {
                        firstState[next] = queue.size;
                        reachedAssets.add(next);
                    }
                    queue.add(ns);
                    parentAt.add(head);
                }
            }
        }
        // paths in queue order, each its parent's plus one asset: reads stay sequential
        @SuppressWarnings("unchecked")
        List<String>[] pathAt = new List[queue.size];
        pathAt[0] = List.of(ids[start]);
        for (int k = 1; k < queue.size; k++) {
            List<String> before = pathAt[parentAt.items[k]];
            int len = before.size();
            String[] path = before.toArray(new String[len + 1]);
            path[len] = ids[states.asset(queue.items[k])];
            pathAt[k] = List.of(path);
        }
        int[] assetDist = sc.assetDist;
        int[] counts = new int[kindValues.length];
        int maxDistance = 0;
        for (int k = 0; k < reachedAssets.size; k++) {
            int a = reachedAssets.items[k];
            int d = dist[queue.items[firstState[a]]];
            assetDist[a] = d;
            counts[kindOrdinal[a]]++;
            maxDistance = Math.max(maxDistance, d);
        }
        int[] sorted = sortByDistanceThenId(reachedAssets, assetDist);
        List<AffectedAsset> affected = new ArrayList<>(sorted.length);
        for (int a : sorted) {
            affected.add(new AffectedAsset(ids[a], kinds[a], names[a], assetDist[a], pathAt[firstState[a]]));
        }
        EnumMap<AssetKind, Integer> byKind = new EnumMap<>(AssetKind.class);
        for (int k = 0; k < counts.length; k++) {
            if (counts[k] > 0) {
                byKind.put(kindValues[k], counts[k]);
            }
        }
        CriticalPath critical = criticalPath(start, states, sc);
        for (int k = 0; k < queue.size; k++) {
            int st = queue.items[k];
            sc.dist[st] = -1;
            sc.longest[st] = -1;
            sc.bestNext[st] = -1;
        }
        for (int k = 0; k < reachedAssets.size; k++) {
            int a = reachedAssets.items[k];
            firstState[a] = -1;
            assetDist[a] = -1;
        }
        firstState[start] = -1;
        giveBack(sc);
        List<DerivedColumn> columns = column == null ? null : columnLineage(start, column, Direction.DOWNSTREAM, queue.size);
        return new ImpactAnalysis(assetId, AssetView.of(assets[start], 0), affected.size(), maxDistance,
                Collections.unmodifiableMap(byKind), affected, critical, column, columns);
    }

    /**
     * The longest chain by an iterative depth-first search with memoised lengths, the successors of a
     * state taken in hop order: exact where the reachable graph is acyclic; a hop back
     * to an asset on the current chain is skipped, which cuts every cycle. Ties go to the smaller asset
     * id, then to the first successor.
     */
    private CriticalPath criticalPath(int start, States states, Scratch sc) {
        // A frame walks its state's hops directly (no list of successors): a second hop to the same
        // state offers what the first one did, which changes nothing, so repeats need no filtering.
        sc.ensureStates(states.count);
        int[] longest = sc.longest;
        int[] bestNext = sc.bestNext;
        boolean[] onChain = sc.onChain;
        int[] fState = new int[64];
        int[] fNext = new int[64];
        int[] fBestLen = new int[64];
        int[] fBest = new int[64];
        int sp = 0;
        int pushState = start;
        while (true) {
            if (pushState >= 0) {
                if (sp == fState.length) {
                    int c = sp * 2;
                    fState = Arrays.copyOf(fState, c);
                    fNext = Arrays.copyOf(fNext, c);
                    fBestLen = Arrays.copyOf(fBestLen, c);
                    fBest = Arrays.copyOf(fBest, c);
                }
                int a = states.asset(pushState);
                fState[sp] = pushState;
                fNext[sp] = outStart[a];
                fBestLen[sp] = 0;
                fBest[sp] = -1;
                onChain[a] = true;
                sp++;
                pushState = -1;
                continue;
            }
            if (sp == 0) {
                break;
            }
            int f = sp - 1;
            int st = fState[f];
            int a = states.asset(st);
            if (fNext[f] < outStart[a + 1]) {
                int e = outEdges[fNext[f]++];
                int o = states.origin(st);
                int eo = edgeOrigin[e];
                if (!onPath(o, eo)) {
                    continue;
                }
                int next = edgeTo[e];
                if (onChain[next]) {
                    continue;
                }
                int w = states.next(next, o, eo);
                if (w >= longest.length) {
                    sc.ensureStates(Math.max(w + 1, states.count));
                    longest = sc.longest;
                    bestNext = sc.bestNext;
                }
                if (longest[w] >= 0) {
                    offer(f, w, longest[w] + 1, fBestLen, fBest, states);
                } else {
                    pushState = w;
                }
                continue;
            }
            sp--;
            onChain[a] = false;
            longest[st] = fBestLen[f];
            if (fBest[f] >= 0) {
                bestNext[st] = fBest[f];
            }
            if (sp > 0) {
                offer(sp - 1, st, fBestLen[f] + 1, fBestLen, fBest, states);
            }
        }
        // onChain is all false again: reuse it to stop at an asset met twice
        List<String> chain = new ArrayList<>();
        IntList marked = new IntList(16);
        for (int s = start; s >= 0 && !onChain[states.asset(s)]; s = bestNext[s]) {
            onChain[states.asset(s)] = true;
            marked.add(states.asset(s));
            chain.add(ids[states.asset(s)]);
        }
        for (int k = 0; k < marked.size; k++) {
            onChain[marked.items[k]] = false;
        }
        return new CriticalPath(chain.size() - 1, chain);
    }

    private void offer(int f, int candidate, int length, int[] fBestLen, int[] fBest, States states) {
        if (length > fBestLen[f] || (length == fBestLen[f] && fBest[f] >= 0
                && rank[states.asset(candidate)] < rank[states.asset(fBest[f])])) {
            fBestLen[f] = length;
            fBest[f] = candidate;
        }
    }

    // ---- column lineage ------------------------------------------------------------------------

    List<DerivedColumn> columnLineage(String assetId, String column, Direction direction) {
        return columnLineage(require(assetId), column, direction, 64);
    }

    private boolean hasColumn(int asset, int column) {
        return Arrays.binarySearch(assetCols, assetColStart[asset], assetColStart[asset + 1], column) >= 0;
    }

    private List<DerivedColumn> columnLineage(int start, String column, Direction direction, int expectedStates) {
        LineageAsset startAsset = assets[start];
        if (!startAsset.columns().isEmpty() && !startAsset.columns().contains(column)) {
            throw new EtlException(ErrorCode.NOT_FOUND, "lineage asset '" + startAsset.id() + "' has no column '" + column
                    + "'; its columns are " + String.join(", ", startAsset.columns()));
        }
        int cc = columnNames.length;
        Integer known = columnIds.get(column);
        int startColumn = known != null ? known : cc; // a column no asset or mapping names gets the extra id
        boolean down = direction == Direction.DOWNSTREAM;
        int[] adjStart = down ? outStart : inStart;
        int[] adj = down ? outEdges : inEdges;
        int[] endpoint = down ? edgeTo : edgeFrom;
        States states = new States();
        // the column states of a state: a list through cNext from colHead[state]
        Scratch sc = takeScratch();
        int[] colHead = sc.colHead;
        int cap = Math.max(256, expectedStates);
        int[] cNext = new int[cap];
        IntList reachedList = new IntList(256);
        int[] cState = new int[cap];
        int[] cColumn = new int[cap];
        int[] cParent = new int[cap];
        int[] cDist = new int[cap];
        @SuppressWarnings("unchecked")
        List<String>[] cTransformations = new List[cap]; // the distinct transformations on the way, shared along paths
        int count = 0;
        cState[0] = start;
        cColumn[0] = startColumn;
        cParent[0] = -1;
        cDist[0] = 0;
        cTransformations[0] = List.of();
        cNext[0] = -1;
        colHead[start] = 0;
        count = 1;
        IntList out = new IntList(8);
        String[][] outTransformation = {new String[8]};
        for (int head = 0; head < count; head++) {
            int s = cState[head];
            int col = cColumn[head];
            int a = states.asset(s);
            int o = states.origin(s);
            for (int i = adjStart[a]; i < adjStart[a + 1]; i++) {
                int e = adj[i];
                int eo = edgeOrigin[e];
                if (!onPath(o, eo)) {
                    continue;
                }
                int next = endpoint[e];
                out.size = 0;
                columnsAcross(e, a, col, next, down, out, outTransformation);
                if (out.size == 0) {
                    continue;
                }
                int ns = states.next(next, o, eo);
                if (ns >= colHead.length) {
                    sc.ensureStates(ns + 1);
                    colHead = sc.colHead;
                }
                for (int k = 0; k < out.size; k++) {
                    int nextColumn = out.items[k];
                    int met = colHead[ns];
                    while (met >= 0 && cColumn[met] != nextColumn) {
                        met = cNext[met];
                    }
                    if (met >= 0) {
                        continue;
                    }
                    if (count == cState.length) {
                        int c = count * 2;
                        cNext = Arrays.copyOf(cNext, c);
                        cState = Arrays.copyOf(cState, c);
                        cColumn = Arrays.copyOf(cColumn, c);
                        cParent = Arrays.copyOf(cParent, c);
                        cDist = Arrays.copyOf(cDist, c);
                        cTransformations = Arrays.copyOf(cTransformations, c);
                    }
                    cState[count] = ns;
                    cColumn[count] = nextColumn;
                    cNext[count] = colHead[ns];
                    colHead[ns] = count;
                    cParent[count] = head;
                    cDist[count] = cDist[head] + 1;
                    cTransformations[count] = withTransformation(cTransformations[head], outTransformation[0][k]);
                    // a data asset's state is the asset itself: a new (state, column) is a new (asset, column)
                    if (!process[next] && !(next == start && nextColumn == startColumn)) {
                        reachedList.add(count);
                    }
                    count++;
                }
            }
        }
        for (int k = 0; k < count; k++) {
            colHead[cState[k]] = -1;
        }
        giveBack(sc);
        // paths in BFS order, each its parent's plus one column (reads stay sequential), only for the
        // reached columns and the states on their paths
        boolean[] needed = new boolean[count];
        needed[0] = true;
        for (int k = 0; k < reachedList.size; k++) {
            for (int p = reachedList.items[k]; !needed[p]; p = cParent[p]) {
                needed[p] = true;
            }
        }
        @SuppressWarnings("unchecked")
        List<ColumnRef>[] pathAt = new List[count];
        for (int k = 0; k < count; k++) {
            if (!needed[k]) {
                continue;
            }
            int col = cColumn[k];
            ColumnRef ref = new ColumnRef(ids[states.asset(cState[k])], col == cc ? column : columnNames[col]);
            if (k == 0) {
                pathAt[k] = List.of(ref);
            } else {
                List<ColumnRef> before = pathAt[cParent[k]];
                int len = before.size();
                ColumnRef[] path = before.toArray(new ColumnRef[len + 1]);
                path[len] = ref;
                pathAt[k] = List.of(path);
            }
        }
        // sort by distance, asset id, column name; the extra column sorts where its name belongs
        int insertion = known != null ? -1 : -Arrays.binarySearch(columnNames, column) - 1;
        long[] packed = new long[reachedList.size];
        int assetBits = 64 - Long.numberOfLeadingZeros(Math.max(1, n));
        int columnBits = 64 - Long.numberOfLeadingZeros(2L * cc + 2);
        int indexBits = 64 - Long.numberOfLeadingZeros(Math.max(1, count));
        int maxDist = 0;
        for (int k = 0; k < reachedList.size; k++) {
            maxDist = Math.max(maxDist, cDist[reachedList.items[k]]);
        }
        int distBits = 64 - Long.numberOfLeadingZeros(Math.max(1, maxDist));
        List<DerivedColumn> result = new ArrayList<>(reachedList.size);
        if (assetBits + columnBits + indexBits + distBits <= 63) {
            for (int k = 0; k < packed.length; k++) {
                int c = reachedList.items[k];
                long key = cDist[c];
                key = (key << assetBits) | rank[states.asset(cState[c])];
                key = (key << columnBits) | columnRank(cColumn[c], cc, insertion);
                key = (key << indexBits) | c;
                packed[k] = key;
            }
            Arrays.sort(packed);
            long indexMask = (1L << indexBits) - 1;
            for (long key : packed) {
                result.add(derived((int) (key & indexMask), cState, cDist, cTransformations, pathAt, states));
            }
        } else {
            Integer[] order = new Integer[reachedList.size];
            for (int k = 0; k < order.length; k++) {
                order[k] = reachedList.items[k];
            }
            final int[] fs = cState;
            final int[] fc = cColumn;
            final int[] fd = cDist;
            Arrays.sort(order, (x, y) -> {
                int r = Integer.compare(fd[x], fd[y]);
                if (r == 0) {
                    r = Integer.compare(rank[states.asset(fs[x])], rank[states.asset(fs[y])]);
                }
                return r != 0 ? r : Long.compare(columnRank(fc[x], cc, insertion), columnRank(fc[y], cc, insertion));
            });
            for (int c : order) {
                result.add(derived(c, cState, cDist, cTransformations, pathAt, states));
            }
        }
        return result;
    }

    private static long columnRank(int column, int cc, int insertion) {
        return column == cc ? 2L * insertion : 2L * column + 1;
    }

    private DerivedColumn derived(int c, int[] cState, int[] cDist, List<String>[] cTransformations, List<ColumnRef>[] pathAt,
                                  States states) {
        int a = states.asset(cState[c]);
        List<ColumnRef> path = pathAt[c];
        return new DerivedColumn(ids[a], kinds[a], path.get(path.size() - 1).column(), cDist[c], cTransformations[c], path);
    }

    /** {@code before} and then {@code t} when it is a transformation not yet in it (null and identity are not). */
    private static List<String> withTransformation(List<String> before, String t) {
        if (t == null || t.equals(IDENTITY) || before.contains(t)) {
            return before;
        }
        String[] out = before.toArray(new String[before.size() + 1]);
        out[before.size()] = t;
        return List.of(out);
    }

    /** The columns that {@code column} at {@code here} becomes (or comes from) across edge {@code e}. */
    private void columnsAcross(int e, int here, int column, int next, boolean down, IntList out, String[][] transformation) {
        int ms = mapStart[e];
        int me = mapEnd[e];
        if (ms == me) {
            if (process[next] || assetColStart[next] == assetColStart[next + 1] || hasColumn(next, column)) {
                emit(out, transformation, column, null);
            }
            return;
        }
        boolean additive = process[down ? next : here];
        if (down) {
            if (additive) {
                emit(out, transformation, column, null);
            }
            for (int k = ms; k < me; k++) {
                for (int s = mapSrcStart[k]; s < mapSrcStart[k + 1]; s++) {
                    if (mapSrc[s] == column) {
                        emit(out, transformation, mapTarget[k], mapTransformation[k]);
                        break;
                    }
                }
            }
            return;
        }
        boolean derivedHere = false;
        for (int k = ms; k < me; k++) {
            if (mapTarget[k] == column) {
                derivedHere = true;
                for (int s = mapSrcStart[k]; s < mapSrcStart[k + 1]; s++) {
                    emit(out, transformation, mapSrc[s], mapTransformation[k]);
                }
            }
        }
        if (additive && !derivedHere) {
            emit(out, transformation, column, null);
        }
    }

    private static void emit(IntList out, String[][] transformation, int column, String t) {
        if (out.size == transformation[0].length) {
            transformation[0] = Arrays.copyOf(transformation[0], out.size * 2);
        }
        transformation[0][out.size] = t;
        out.add(column);
    }
}
