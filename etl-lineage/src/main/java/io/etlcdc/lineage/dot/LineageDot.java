package io.etlcdc.lineage.dot;

import io.etlcdc.core.lineage.AssetKind;
import io.etlcdc.lineage.query.AssetView;
import io.etlcdc.lineage.query.FlowDiagram;
import io.etlcdc.lineage.query.FlowEdge;
import org.jgrapht.Graph;
import org.jgrapht.graph.builder.GraphTypeBuilder;
import org.jgrapht.nio.Attribute;
import org.jgrapht.nio.DefaultAttribute;
import org.jgrapht.nio.dot.DOTExporter;

import java.io.StringWriter;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Renders a {@link FlowDiagram} as Graphviz DOT with JGraphT's {@link DOTExporter}, for
 * {@code GET /api/v1/lineage/flow?format=dot}. Each asset kind has its own shape (see
 * {@link #shape(AssetKind)}); vertex ids are the asset ids, quoted; edges are labelled with the rule
 * or stage that moves the data, and hops that differ only by origin table are drawn once, with the
 * events summed. Stateless and thread-safe.
 */
public final class LineageDot {
    private static final Map<AssetKind, String> SHAPES = new EnumMap<>(Map.of(
            AssetKind.SOURCE_TABLE, "cylinder",
            AssetKind.RULE, "box",
            AssetKind.QUALITY_GATE, "diamond",
            AssetKind.SINK_TABLE, "box3d",
            AssetKind.TOPIC, "cds",
            AssetKind.FILE, "note",
            AssetKind.DEAD_LETTER, "octagon",
            AssetKind.OTHER, "ellipse"));

    private LineageDot() {}

    /** The Graphviz shape that asset kind is drawn with; every kind has a different one. */
    public static String shape(AssetKind kind) {
        return SHAPES.get(kind);
    }

    /** A drawn edge: the hops from one asset to another by one rule or stage, all origins together. */
    private static final class Drawn {
        final String via;
        long events;
        long failures;

        Drawn(String via) {
            this.via = via;
        }
    }

    private record DrawnKey(String from, String to, String via) {}

    public static String render(FlowDiagram diagram) {
        Graph<String, Drawn> g = GraphTypeBuilder.<String, Drawn>directed().allowingMultipleEdges(true)
                .allowingSelfLoops(true).weighted(false).buildGraph();
        Map<String, AssetView> nodes = new HashMap<>();
        for (AssetView n : diagram.nodes()) {
            g.addVertex(n.id());
            nodes.put(n.id(), n);
        }
        Map<DrawnKey, Drawn> drawn = new LinkedHashMap<>();
        for (FlowEdge e : diagram.edges()) {
            Drawn d = drawn.computeIfAbsent(new DrawnKey(e.from(), e.to(), e.via()), k -> {
                Drawn fresh = new Drawn(k.via());
                g.addVertex(k.from());
                g.addVertex(k.to());
                g.addEdge(k.from(), k.to(), fresh);
                return fresh;
            });
            // stats are per hop (from, to), so hops of several origins carry the same counts: count them once
            d.events = Math.max(d.events, e.events());
            d.failures = Math.max(d.failures, e.failures());
        }
        DOTExporter<String, Drawn> exporter = new DOTExporter<>(LineageDot::quote);
        exporter.setGraphIdProvider(() -> "lineage");
        exporter.setGraphAttributeProvider(() -> {
            Map<String, Attribute> a = new LinkedHashMap<>();
            a.put("rankdir", DefaultAttribute.createAttribute("LR"));
            return a;
        });
        exporter.setVertexAttributeProvider(id -> {
            AssetView n = nodes.get(id);
            AssetKind kind = n == null ? AssetKind.OTHER : n.kind();
            Map<String, Attribute> a = new LinkedHashMap<>();
            a.put("label", DefaultAttribute.createAttribute(n == null || n.name().equals(id) ? id : n.name() + "\\n" + id));
            a.put("shape", DefaultAttribute.createAttribute(shape(kind)));
            a.put("tooltip", DefaultAttribute.createAttribute(kind.name()));
            return a;
        });
        exporter.setEdgeAttributeProvider(d -> {
            Map<String, Attribute> a = new LinkedHashMap<>();
            a.put("label", DefaultAttribute.createAttribute(d.via));
            a.put("tooltip", DefaultAttribute.createAttribute("events: " + d.events + ", failures: " + d.failures));
            if (d.failures > 0) {
                a.put("color", DefaultAttribute.createAttribute("red"));
            }
            return a;
        });
        StringWriter out = new StringWriter();
        exporter.exportGraph(g, out);
        return out.toString();
    }

    /** A DOT double-quoted id: any asset id is allowed (colons, dots), with quotes and backslashes escaped. */
    static String quote(String id) {
        return '"' + id.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
