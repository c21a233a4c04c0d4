package io.etlcdc.lineage;

import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.lineage.AssetKind;
import io.etlcdc.core.lineage.ColumnMapping;
import io.etlcdc.core.lineage.FlowObservation;
import io.etlcdc.core.lineage.LineageAsset;
import io.etlcdc.core.lineage.LineageEdge;
import io.etlcdc.lineage.query.Direction;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The int-indexed queries of {@link LineageGraph} answer exactly what the object-walking
 * implementation they replaced ({@link ReferenceLineageGraph}, kept as it was) answers, on random
 * graphs with cycles, self-loops, several edges between two assets, shared rules with origins,
 * assets only named by edges, column mappings of every kind, and updates between queries.
 */
class QueryIndexReferenceTest {
    private static final AssetKind[] KINDS = AssetKind.values();
    private static final List<String> COLUMN_POOL = List.of("a", "b", "c", "d", "e", "f");
    private static final String[] TRANSFORMATIONS = {"identity", "t1", "t2", null};

    @Test
    void randomGraphsAnswerLikeTheReference() {
        for (long seed = 1; seed <= 30; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            LineageGraph graph = new LineageGraph();
            ReferenceLineageGraph reference = new ReferenceLineageGraph();
            int size = 3 + random.nextInt(seed % 10 == 0 ? 60 : 25);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                ids.add((random.nextInt(4) == 0 ? "rule:r" : "t") + i);
            }
            for (int round = 0; round < 3; round++) {
                mutate(random, ids, graph, reference);
                compareAll(seed, round, ids, graph, reference);
            }
        }
    }

    @Test
    void queriesFromSeveralThreadsWhileTheGraphChangesStillAnswerLikeTheReference() throws Exception {
        SplittableRandom random = new SplittableRandom(99);
        LineageGraph graph = new LineageGraph();
        ReferenceLineageGraph reference = new ReferenceLineageGraph();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ids.add((i % 4 == 0 ? "rule:r" : "t") + i);
        }
        mutate(random, ids, graph, reference);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
            List<java.util.concurrent.Future<?>> readers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                readers.add(pool.submit(() -> {
                    while (writing.get()) {
                        for (String id : ids) {
                            try {
                                graph.impact(id, null);
                                graph.downstream(id, 3);
                                graph.upstream(id, 1000);
                            } catch (EtlException e) {
                                // removed by the writer meanwhile: fine; anything else fails the test
                                assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
                            }
                        }
                    }
                    return null;
                }));
            }
            for (int round = 0; round < 20; round++) {
                mutate(random, ids, graph, reference); // ids removed by one round come back in the next
            }
            writing.set(false);
            for (java.util.concurrent.Future<?> f : readers) {
                f.get(60, java.util.concurrent.TimeUnit.SECONDS); // a failed reader throws here
            }
        } finally {
            pool.shutdownNow();
        }
        compareAll(99, 20, ids, graph, reference);
    }

    private static void mutate(SplittableRandom random, List<String> ids, LineageGraph graph, ReferenceLineageGraph reference) {
        List<LineageAsset> assets = new ArrayList<>();
        for (String id : ids) {
            if (random.nextInt(5) == 0) {
                continue; // only named by edges: kind OTHER
            }
            AssetKind kind = id.startsWith("rule:") ? (random.nextInt(4) == 0 ? AssetKind.QUALITY_GATE : AssetKind.RULE)
                    : KINDS[random.nextInt(KINDS.length)];
            List<String> columns = kind == AssetKind.RULE || kind == AssetKind.QUALITY_GATE || random.nextInt(5) == 0
                    ? List.of() : subset(random, 1);
            assets.add(new LineageAsset(id, kind, id.toUpperCase(), columns, Map.of()));
        }
        graph.addAssets(assets);
        reference.addAssets(assets);
        List<String> origins = ids.subList(0, Math.min(3, ids.size()));
        int edgeCount = ids.size() + random.nextInt(ids.size() * 2 + 1);
        List<LineageEdge> edges = new ArrayList<>();
        for (int i = 0; i < edgeCount; i++) {
            String from = ids.get(random.nextInt(ids.size()));
            String to = random.nextInt(15) == 0 ? from : ids.get(random.nextInt(ids.size()));
            String via = "v" + random.nextInt(3); // few: replaced edges and several edges between two assets
            String origin = random.nextInt(3) == 0 ? origins.get(random.nextInt(origins.size())) : null;
            edges.add(new LineageEdge(from, to, via, mappings(random), origin));
        }
        graph.addEdges(edges);
        reference.addEdges(edges);
        List<FlowObservation> flows = new ArrayList<>();
        for (LineageEdge e : edges.subList(0, edges.size() / 2)) {
            flows.add(new FlowObservation(e.from(), e.to(), random.nextInt(50), random.nextInt(3),
                    Instant.ofEpochSecond(1_000 + random.nextInt(100))));
        }
        graph.addFlows(flows);
        reference.addFlows(flows);
        if (random.nextInt(3) == 0) {
            String gone = ids.get(random.nextInt(ids.size()));
            graph.removeAsset(gone);
            reference.removeAsset(gone);
        }
    }

    private static List<ColumnMapping> mappings(SplittableRandom random) {
        int count = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(4);
        List<ColumnMapping> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(new ColumnMapping(subset(random, 1), COLUMN_POOL.get(random.nextInt(COLUMN_POOL.size())),
                    TRANSFORMATIONS[random.nextInt(TRANSFORMATIONS.length)]));
        }
        return out;
    }

    private static List<String> subset(SplittableRandom random, int min) {
        List<String> out = new ArrayList<>();
        for (String c : COLUMN_POOL) {
            if (random.nextInt(3) == 0) {
                out.add(c);
            }
        }
        while (out.size() < min) {
            out.add(COLUMN_POOL.get(random.nextInt(COLUMN_POOL.size())));
            out = new ArrayList<>(new LinkedHashSet<>(out));
        }
        return out;
    }

    private static void compareAll(long seed, int round, List<String> ids, LineageGraph graph, ReferenceLineageGraph reference) {
        List<String> asked = new ArrayList<>(ids);
        asked.add("missing");
        List<String> columns = new ArrayList<>(COLUMN_POOL);
        columns.add("zz_unknown");
        columns.add("0_unknown");
        for (String id : asked) {
            String where = "seed " + seed + " round " + round + " asset " + id;
            for (int depth : new int[] {1, 3, 1000}) {
                same(where + " downstream " + depth, g -> g.downstream(id, depth), r -> r.downstream(id, depth), graph, reference);
                same(where + " upstream " + depth, g -> g.upstream(id, depth), r -> r.upstream(id, depth), graph, reference);
            }
            same(where + " impact", g -> g.impact(id, null), r -> r.impact(id, null), graph, reference);
            for (String column : columns) {
                if (!column.equals("a") && !column.equals("c") && column.length() == 1) {
                    continue; // downstream column lineage: two columns of the pool and the unknown ones
                }
                same(where + " impact " + column, g -> g.impact(id, column), r -> r.impact(id, column), graph, reference);
                same(where + " upstream column " + column, g -> g.columnLineage(id, column, Direction.UPSTREAM),
                        r -> r.columnLineage(id, column, Direction.UPSTREAM), graph, reference);
            }
        }
    }

    private static void same(String what, Function<LineageGraph, Object> query, Function<ReferenceLineageGraph, Object> expected,
                             LineageGraph graph, ReferenceLineageGraph reference) {
        Object want;
        try {
            want = expected.apply(reference);
        } catch (RuntimeException e) {
            RuntimeException got = null;
            try {
                query.apply(graph);
            } catch (RuntimeException thrown) {
                got = thrown;
            }
            assertThat(got).as(what).isNotNull();
            assertThat(got.getClass()).as(what).isEqualTo(e.getClass());
            assertThat(got.getMessage()).as(what).isEqualTo(e.getMessage());
            return;
        }
        assertThat(query.apply(graph)).as(what).isEqualTo(want);
    }
}
