package io.etlcdc.benchmarks.lineage;

import io.etlcdc.core.lineage.AssetKind;
import io.etlcdc.core.lineage.ColumnMapping;
import io.etlcdc.core.lineage.LineageAsset;
import io.etlcdc.core.lineage.LineageEdge;
import io.etlcdc.lineage.LineageGraph;
import io.etlcdc.lineage.query.ImpactAnalysis;
import io.etlcdc.lineage.query.LineageTraversal;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Lineage queries on a synthetic graph of 100,000 assets and 300,000 edges, shaped like the lineage
 * of a large installation: 10 layers of 10,000 assets (source tables, then rules and sink tables in
 * turn, topics last); every asset of layers 0-8 has 3 edges into the next layer and every third one
 * an extra edge two layers down, each to an asset close by (within 8 positions), so that lineage fans
 * out and joins again the way tables, rules and sinks do. Tables have 5 columns; hops into tables map
 * them all, hops into rules add one derived column. Edges carry no origin, so no path is pruned.
 * Queries start from a different source table each time.
 *
 * <p>{@code shape=local} is the graph above. {@code shape=random} sends every edge to any asset of
 * the next layer instead of one close by: then nearly every source reaches most of the graph, the
 * worst case for impact analysis (its answer lists tens of thousands of assets with their paths).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar Lineage -f 1 -wi 2 -i 3 -bm sample}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g", "-XX:+UseParallelGC"})
public class LineageQueryBenchmark {
    static final int LAYERS = 10;
    static final int PER_LAYER = 10_000;
    static final int EDGES = 300_000;
    static final int WINDOW = 8;
    static final List<String> COLUMNS = List.of("c0", "c1", "c2", "c3", "c4");

    @Param({"local", "random"})
    public String shape;

    private LineageGraph graph;
    private String[] starts;
    private int next;

    static String id(int layer, int index) {
        return kind(layer) == AssetKind.RULE ? "rule:l" + layer + "_" + index : "l" + layer + "_" + index;
    }

    static AssetKind kind(int layer) {
        if (layer == 0) {
            return AssetKind.SOURCE_TABLE;
        }
        if (layer == LAYERS - 1) {
            return AssetKind.TOPIC;
        }
        return layer % 2 == 1 ? AssetKind.RULE : AssetKind.SINK_TABLE;
    }

    /** The synthetic graph; deterministic for a seed. */
    static LineageGraph build(long seed, boolean local) {
        SplittableRandom random = new SplittableRandom(seed);
        LineageGraph g = new LineageGraph();
        List<LineageAsset> assets = new ArrayList<>(LAYERS * PER_LAYER);
        for (int layer = 0; layer < LAYERS; layer++) {
            AssetKind kind = kind(layer);
            List<String> columns = kind == AssetKind.RULE ? List.of() : COLUMNS;
            for (int i = 0; i < PER_LAYER; i++) {
                assets.add(new LineageAsset(id(layer, i), kind, null, columns, Map.of()));
            }
        }
        g.addAssets(assets);
        List<ColumnMapping> intoTable = COLUMNS.stream().map(c -> new ColumnMapping(List.of(c), c, "identity")).toList();
        List<LineageEdge> edges = new ArrayList<>(EDGES);
        for (int layer = 0; layer < LAYERS - 1 && edges.size() < EDGES; layer++) {
            for (int i = 0; i < PER_LAYER && edges.size() < EDGES; i++) {
                for (int k = 0; k < 3; k++) {
                    edges.add(edge(layer, i, layer + 1, random, intoTable, edges.size(), local));
                }
                if (i % 3 == 0 && layer + 2 < LAYERS) {
                    edges.add(edge(layer, i, layer + 2, random, intoTable, edges.size(), local));
                }
            }
        }
        // top up to exactly EDGES with more near-by hops one layer down
        while (edges.size() < EDGES) {
            int layer = random.nextInt(LAYERS - 1);
            edges.add(edge(layer, random.nextInt(PER_LAYER), layer + 1, random, intoTable, edges.size(), local));
        }
        g.addEdges(edges.subList(0, EDGES));
        return g;
    }

    private static LineageEdge edge(int fromLayer, int index, int toLayer, SplittableRandom random, List<ColumnMapping> intoTable,
                                    int number, boolean local) {
        int target = local ? Math.floorMod(index + random.nextInt(-WINDOW, WINDOW + 1), PER_LAYER) : random.nextInt(PER_LAYER);
        String from = id(fromLayer, index);
        String to = id(toLayer, target);
        List<ColumnMapping> columns = kind(toLayer) == AssetKind.RULE
                ? List.of(new ColumnMapping(List.of(COLUMNS.get(random.nextInt(COLUMNS.size()))), "d" + toLayer, "r" + toLayer))
                : intoTable;
        // a distinct via keeps two hops between the same assets from replacing each other
        return new LineageEdge(from, to, "hop" + number, columns);
    }

    @Setup(Level.Trial)
    public void setUp() {
        long before = usedHeap();
        long t0 = System.nanoTime();
        graph = build(42, shape.equals("local"));
        long millis = (System.nanoTime() - t0) / 1_000_000;
        SplittableRandom random = new SplittableRandom(7);
        starts = new String[1024];
        for (int i = 0; i < starts.length; i++) {
            starts[i] = id(0, random.nextInt(PER_LAYER));
        }
        long graphHeap = usedHeap() - before;
        long t1 = System.nanoTime();
        graph.downstream(starts[0], 1); // the first query builds the query index
        long indexMillis = (System.nanoTime() - t1) / 1_000_000;
        long indexHeap = usedHeap() - before - graphHeap;
        long affected = 0;
        long reached = 0;
        int sampled = 64;
        for (int i = 0; i < sampled; i++) {
            affected += graph.impact(starts[i], null).totalAffected();
            reached += graph.downstream(starts[i], 5).assets().size();
        }
        System.out.printf("%nlineage graph: %,d assets, %,d edges, built in %,d ms, %,d MB of heap; query index built in %,d ms, "
                        + "%,d MB more; per query on average %,d assets within depth 5, %,d affected%n", graph.assetCount(),
                graph.edgeCount(), millis, graphHeap / (1024 * 1024), indexMillis, indexHeap / (1024 * 1024), reached / sampled,
                affected / sampled);
    }

    private static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    private String nextStart() {
        String s = starts[next];
        next = (next + 1) & (starts.length - 1);
        return s;
    }

    @Benchmark
    public LineageTraversal downstreamDepth5() {
        return graph.downstream(nextStart(), 5);
    }

    @Benchmark
    public ImpactAnalysis impact() {
        return graph.impact(nextStart(), null);
    }

    @Benchmark
    public ImpactAnalysis impactWithColumn() {
        return graph.impact(nextStart(), "c0");
    }
}
