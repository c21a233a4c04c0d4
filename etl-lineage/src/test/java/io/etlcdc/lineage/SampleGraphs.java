package io.etlcdc.lineage;

import io.etlcdc.core.lineage.AssetKind;
import io.etlcdc.core.lineage.ColumnMapping;
import io.etlcdc.core.lineage.LineageAsset;
import io.etlcdc.core.lineage.LineageEdge;

import java.util.List;
import java.util.Map;

/**
 * Hand-built graphs for tests. The main one is the spec's example grown a little:
 *
 * <pre>
 * pg_users  --mask_email-->  rule:mask_email --> rule:active_only --> wh_users --> rule:daily_counts --> report_daily (topic)
 *    |                          ^        (paths of pg_users and pg_orders)  \--> archive_users (file)
 *    |                          |                                            \--> wh_orders        (pg_orders only)
 * pg_orders --------------------+
 * pg_users --backfill--> wh_users   (a direct hop: wh_users is 1 hop away, but the longest chain goes through the rules)
 * </pre>
 */
public final class SampleGraphs {
    private SampleGraphs() {}

    public static LineageAsset asset(String id, AssetKind kind, String... columns) {
        return new LineageAsset(id, kind, id, List.of(columns), Map.of());
    }

    public static ColumnMapping identity(String column) {
        return new ColumnMapping(List.of(column), column, "identity");
    }

    public static LineageGraph specGraph() {
        LineageGraph g = new LineageGraph();
        g.addAssets(List.of(
                asset("pg_users", AssetKind.SOURCE_TABLE, "id", "email", "name"),
                asset("pg_orders", AssetKind.SOURCE_TABLE, "id", "user_id", "amount"),
                asset("rule:mask_email", AssetKind.RULE),
                asset("rule:active_only", AssetKind.RULE),
                asset("wh_users", AssetKind.SINK_TABLE, "id", "email", "name", "masked_email"),
                asset("archive_users", AssetKind.FILE, "id", "email", "name", "masked_email"),
                asset("wh_orders", AssetKind.SINK_TABLE, "id", "user_id", "amount"),
                asset("rule:daily_counts", AssetKind.RULE),
                asset("report_daily", AssetKind.TOPIC, "user_count")));
        ColumnMapping mask = new ColumnMapping(List.of("email"), "masked_email", "mask_email");
        List<ColumnMapping> userColumns = List.of(identity("id"), identity("email"), identity("name"), mask);
        g.addEdges(List.of(
                new LineageEdge("pg_users", "rule:mask_email", "mask_email", List.of(mask), "pg_users"),
                new LineageEdge("rule:mask_email", "rule:active_only", "active_only", List.of(), "pg_users"),
                new LineageEdge("rule:active_only", "wh_users", "sink:wh", userColumns, "pg_users"),
                new LineageEdge("rule:active_only", "archive_users", "sink:archive", userColumns, "pg_users"),
                new LineageEdge("pg_orders", "rule:mask_email", "mask_email", List.of(mask), "pg_orders"),
                new LineageEdge("rule:mask_email", "rule:active_only", "active_only", List.of(), "pg_orders"),
                new LineageEdge("rule:active_only", "wh_orders", "sink:wh",
                        List.of(identity("id"), identity("user_id"), identity("amount")), "pg_orders"),
                new LineageEdge("wh_users", "rule:daily_counts", "daily_counts",
                        List.of(new ColumnMapping(List.of("id"), "user_count", "daily_counts"))),
                new LineageEdge("rule:daily_counts", "report_daily", "sink:reports",
                        List.of(new ColumnMapping(List.of("id"), "user_count", "daily_counts"))),
                new LineageEdge("pg_users", "wh_users", "backfill", List.of())));
        return g;
    }

    /** a → rule:r → b → rule:s → a: a sink table that is also the source. */
    public static LineageGraph cycle() {
        LineageGraph g = new LineageGraph();
        g.addAssets(List.of(asset("a", AssetKind.SOURCE_TABLE, "x"), asset("rule:r", AssetKind.RULE), asset("b", AssetKind.SINK_TABLE, "x"),
                asset("rule:s", AssetKind.RULE)));
        g.addEdges(List.of(new LineageEdge("a", "rule:r", "r", List.of()), new LineageEdge("rule:r", "b", "sink:b", List.of(identity("x"))),
                new LineageEdge("b", "rule:s", "s", List.of()), new LineageEdge("rule:s", "a", "sink:a", List.of(identity("x")))));
        return g;
    }
}
