package io.etlcdc.lineage.store;

import com.fasterxml.jackson.core.type.TypeReference;
import io.etlcdc.core.jdbc.JdbcDialect;
import io.etlcdc.core.lineage.AssetKind;
import io.etlcdc.core.lineage.ColumnMapping;
import io.etlcdc.core.lineage.FlowObservation;
import io.etlcdc.core.lineage.FlowStats;
import io.etlcdc.core.lineage.LineageAsset;
import io.etlcdc.core.lineage.LineageEdge;
import io.etlcdc.core.spi.LineageStore;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link LineageStore} in a SQL database reached through a {@link DataSource}, with plain JDBC:
 * the embedded H2 file database under the data directory (the default, so lineage survives a
 * restart with no setup) or PostgreSQL (so several server replicas share one lineage). The dialect
 * is detected from the connection (etl-core's {@link JdbcDialect}).
 *
 * <p>Creates its tables when missing: {@code <prefix>lineage_assets}, {@code <prefix>lineage_edges}
 * and {@code <prefix>lineage_flows} (prefix {@code etl_} by default). Each write is one transaction,
 * durable on return. Flow counts are added in SQL ({@code events = events + ?}), so replicas writing
 * the same hop at once never lose counts. Thread-safe; the data source is the caller's and is not
 * closed by {@link #close()}.
 */
public final class JdbcLineageStore implements LineageStore {
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
    private static final TypeReference<Map<String, String>> ATTRIBUTES = new TypeReference<>() {};
    private static final TypeReference<List<ColumnMapping>> MAPPINGS = new TypeReference<>() {};

    private final DataSource dataSource;
    private final String assetsTable;
    private final String edgesTable;
    private final String flowsTable;
    private final String upsertAsset;
    private final String upsertEdge;
    private final String addFlow;

    /** A store with tables prefixed {@code etl_}. */
    public JdbcLineageStore(DataSource dataSource) {
        this(dataSource, Jdbc.DEFAULT_PREFIX);
    }

    /**
     * @param tablePrefix prefix of the table names, matching {@code [a-z][a-z0-9_]{0,30}}
     * @throws io.etlcdc.core.error.EtlException when the database cannot be reached or is neither H2 nor PostgreSQL
     */
    public JdbcLineageStore(DataSource dataSource, String tablePrefix) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        String prefix = Jdbc.checkPrefix(tablePrefix);
        this.assetsTable = prefix + "lineage_assets";
        this.edgesTable = prefix + "lineage_edges";
        this.flowsTable = prefix + "lineage_flows";
        JdbcDialect dialect = Jdbc.inTransaction(dataSource, "opening the lineage store", SqlDialect::of);
        Jdbc.createSchema(dataSource, "creating the lineage tables", List.of(
                "CREATE TABLE IF NOT EXISTS " + assetsTable + " (asset_id VARCHAR(512) PRIMARY KEY, kind VARCHAR(32) NOT NULL, "
                        + "name VARCHAR(1024) NOT NULL, columns_json VARCHAR NOT NULL, attributes_json VARCHAR NOT NULL)",
                "CREATE TABLE IF NOT EXISTS " + edgesTable + " (from_asset VARCHAR(512) NOT NULL, to_asset VARCHAR(512) NOT NULL, "
                        + "via VARCHAR(512) NOT NULL, origin VARCHAR(512) NOT NULL, columns_json VARCHAR NOT NULL, "
                        + "PRIMARY KEY (from_asset, to_asset, via, origin))",
                "CREATE INDEX IF NOT EXISTS " + edgesTable + "_to ON " + edgesTable + " (to_asset)",
                "CREATE TABLE IF NOT EXISTS " + flowsTable + " (from_asset VARCHAR(512) NOT NULL, to_asset VARCHAR(512) NOT NULL, "
                        + "first_seen TIMESTAMP WITH TIME ZONE NOT NULL, last_seen TIMESTAMP WITH TIME ZONE NOT NULL, "
                        + "events BIGINT NOT NULL, failures BIGINT NOT NULL, PRIMARY KEY (from_asset, to_asset))"));
        this.upsertAsset = dialect.upsert(assetsTable, List.of("asset_id"),
                List.of("asset_id", "kind", "name", "columns_json", "attributes_json"));
        this.upsertEdge = dialect.upsert(edgesTable, List.of("from_asset", "to_asset", "via", "origin"),
                List.of("from_asset", "to_asset", "via", "origin", "columns_json"));
        this.addFlow = SqlDialect.addFlow(dialect, flowsTable);
    }

    @Override
    public void upsertAssets(Collection<LineageAsset> assets) {
        if (assets.isEmpty()) {
            return;
        }
        Jdbc.inTransaction(dataSource, "writing lineage assets", c -> {
            try (PreparedStatement ps = c.prepareStatement(upsertAsset)) {
                for (LineageAsset a : assets) {
                    ps.setString(1, a.id());
                    ps.setString(2, a.kind().name());
                    ps.setString(3, a.name());
                    ps.setString(4, Jdbc.toJson(a.columns()));
                    ps.setString(5, Jdbc.toJson(a.attributes()));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    @Override
    public void upsertEdges(Collection<LineageEdge> edges) {
        if (edges.isEmpty()) {
            return;
        }
        Jdbc.inTransaction(dataSource, "writing lineage edges", c -> {
            try (PreparedStatement ps = c.prepareStatement(upsertEdge)) {
                for (LineageEdge e : edges) {
                    ps.setString(1, e.from());
                    ps.setString(2, e.to());
                    ps.setString(3, e.via());
                    ps.setString(4, e.origin() == null ? "" : e.origin());
                    ps.setString(5, Jdbc.toJson(e.columns()));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    @Override
    public void recordFlows(Collection<FlowObservation> observations) {
        if (observations.isEmpty()) {
            return;
        }
        Collection<FlowStats> perHop = FlowTotals.combine(observations).values();
        Jdbc.inTransaction(dataSource, "recording lineage flows", c -> {
            try (PreparedStatement ps = c.prepareStatement(addFlow)) {
                for (FlowStats f : perHop) {
                    ps.setString(1, f.from());
                    ps.setString(2, f.to());
                    ps.setObject(3, Jdbc.toDb(f.firstSeen()));
                    ps.setObject(4, Jdbc.toDb(f.lastSeen()));
                    ps.setLong(5, f.events());
                    ps.setLong(6, f.failures());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    @Override
    public List<LineageAsset> assets() {
        return Jdbc.inTransaction(dataSource, "reading lineage assets", c -> {
            List<LineageAsset> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT asset_id, kind, name, columns_json, attributes_json FROM " + assetsTable + " ORDER BY asset_id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    out.add(new LineageAsset(id, kind(rs.getString(2)), rs.getString(3),
                            Jdbc.fromJson(rs.getString(4), STRINGS, "lineage asset '" + id + "'"),
                            Jdbc.fromJson(rs.getString(5), ATTRIBUTES, "lineage asset '" + id + "'")));
                }
            }
            return out;
        });
    }

    private static AssetKind kind(String name) {
        try {
            return AssetKind.valueOf(name);
        } catch (IllegalArgumentException e) {
            // written by a newer version: still show the asset
            return AssetKind.OTHER;
        }
    }

    @Override
    public List<LineageEdge> edges() {
        return Jdbc.inTransaction(dataSource, "reading lineage edges", c -> {
            List<LineageEdge> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT from_asset, to_asset, via, origin, columns_json FROM "
                    + edgesTable + " ORDER BY from_asset, to_asset, via, origin");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new LineageEdge(rs.getString(1), rs.getString(2), rs.getString(3),
                            Jdbc.fromJson(rs.getString(5), MAPPINGS, "lineage edge " + rs.getString(1) + " -> " + rs.getString(2)),
                            rs.getString(4)));
                }
            }
            return out;
        });
    }

    @Override
    public List<FlowStats> flows() {
        return Jdbc.inTransaction(dataSource, "reading lineage flows", c -> {
            List<FlowStats> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT from_asset, to_asset, first_seen, last_seen, events, failures FROM "
                    + flowsTable + " ORDER BY from_asset, to_asset");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new FlowStats(rs.getString(1), rs.getString(2), Jdbc.fromDb(rs.getObject(3, OffsetDateTime.class)),
                            Jdbc.fromDb(rs.getObject(4, OffsetDateTime.class)), rs.getLong(5), rs.getLong(6)));
                }
            }
            return out;
        });
    }

    @Override
    public void removeAsset(String assetId) {
        Jdbc.inTransaction(dataSource, "removing lineage asset '" + assetId + "'", c -> {
            delete(c, "DELETE FROM " + edgesTable + " WHERE from_asset = ? OR to_asset = ?", assetId, 2);
            delete(c, "DELETE FROM " + flowsTable + " WHERE from_asset = ? OR to_asset = ?", assetId, 2);
            delete(c, "DELETE FROM " + assetsTable + " WHERE asset_id = ?", assetId, 1);
            return null;
        });
    }

    private static void delete(Connection c, String sql, String id, int parameters) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 1; i <= parameters; i++) {
                ps.setString(i, id);
            }
            ps.executeUpdate();
        }
    }
}
