package io.etlcdc.lineage.dot;

import io.etlcdc.core.lineage.AssetKind;
import io.etlcdc.core.lineage.FlowObservation;
import io.etlcdc.lineage.LineageGraph;
import io.etlcdc.lineage.SampleGraphs;
import org.jgrapht.Graph;
import org.jgrapht.graph.DefaultEdge;
import org.jgrapht.graph.builder.GraphTypeBuilder;
import org.jgrapht.nio.dot.DOTImporter;
import org.jgrapht.util.SupplierUtil;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class LineageDotTest {

    private static String specDot() {
        LineageGraph g = SampleGraphs.specGraph();
        g.addFlows(List.of(new FlowObservation("pg_users", "rule:mask_email", 100, 3, Instant.parse("2026-01-01T00:00:00Z"))));
        return g.toDot();
    }

    @Test
    void everyKindHasItsOwnShape() {
        Set<String> shapes = Arrays.stream(AssetKind.values()).map(LineageDot::shape).collect(Collectors.toSet());
        assertThat(shapes).hasSize(AssetKind.values().length).doesNotContainNull();
    }

    @Test
    void theDotParsesBackToTheSameGraph() {
        String dot = specDot();
        Graph<String, DefaultEdge> parsed = GraphTypeBuilder.<String, DefaultEdge>directed().allowingMultipleEdges(true)
                .allowingSelfLoops(true).edgeSupplier(SupplierUtil.createDefaultEdgeSupplier()).buildGraph();
        Map<String, String> shapes = new HashMap<>();
        Map<DefaultEdge, String> edgeLabels = new HashMap<>();
        DOTImporter<String, DefaultEdge> importer = new DOTImporter<>();
        importer.setVertexFactory(id -> id);
        importer.addVertexAttributeConsumer((p, attribute) -> {
            if (p.getSecond().equals("shape")) {
                shapes.put(p.getFirst(), attribute.getValue());
            }
        });
        importer.addEdgeAttributeConsumer((p, attribute) -> {
            if (p.getSecond().equals("label")) {
                edgeLabels.put(p.getFirst(), attribute.getValue());
            }
        });
        importer.importGraph(parsed, new StringReader(dot));
        Set<String> labels = edgeLabels.entrySet().stream()
                .map(e -> parsed.getEdgeSource(e.getKey()) + "->" + parsed.getEdgeTarget(e.getKey()) + ":" + e.getValue())
                .collect(Collectors.toSet());

        assertThat(parsed.vertexSet()).containsExactlyInAnyOrder("pg_users", "pg_orders", "rule:mask_email", "rule:active_only",
                "wh_users", "archive_users", "wh_orders", "rule:daily_counts", "report_daily");
        // the two origins of mask_email -> active_only are drawn as one edge
        assertThat(parsed.edgeSet()).hasSize(9);
        assertThat(shapes).containsEntry("pg_users", LineageDot.shape(AssetKind.SOURCE_TABLE))
                .containsEntry("rule:mask_email", LineageDot.shape(AssetKind.RULE))
                .containsEntry("wh_users", LineageDot.shape(AssetKind.SINK_TABLE))
                .containsEntry("archive_users", LineageDot.shape(AssetKind.FILE))
                .containsEntry("report_daily", LineageDot.shape(AssetKind.TOPIC));
        assertThat(labels).contains("pg_users->rule:mask_email:mask_email", "rule:active_only->wh_users:sink:wh",
                "pg_users->wh_users:backfill");
        assertThat(dot).contains("events: 100, failures: 3");
    }

    @Test
    void graphvizAcceptsTheDot() throws Exception {
        Assumptions.assumeTrue(graphvizInstalled(), "Graphviz 'dot' is not installed (apt-get install graphviz); "
                + "the DOT was still checked by JGraphT's parser");
        Path in = Files.createTempFile("lineage", ".dot");
        Path out = Files.createTempFile("lineage", ".svg");
        try {
            Files.writeString(in, specDot(), StandardCharsets.UTF_8);
            Process p = new ProcessBuilder("dot", "-Tsvg", "-o", out.toString(), in.toString()).redirectErrorStream(true).start();
            String messages = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("dot said: %s", messages).isZero();
            assertThat(messages).as("dot warns about nothing").isBlank();
            String svg = Files.readString(out);
            assertThat(svg).contains("<svg").contains("rule:mask_email").contains("wh_users");
        } finally {
            Files.deleteIfExists(in);
            Files.deleteIfExists(out);
        }
    }

    @Test
    void quotesAndBackslashesInIdsAreEscaped() {
        assertThat(LineageDot.quote("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
        assertThat(EnumSet.allOf(AssetKind.class)).allSatisfy(k -> assertThat(LineageDot.shape(k)).isNotBlank());
    }

    private static boolean graphvizInstalled() {
        try {
            Process p = new ProcessBuilder("dot", "-V").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
