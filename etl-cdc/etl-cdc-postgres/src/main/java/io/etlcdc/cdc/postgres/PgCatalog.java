package io.etlcdc.cdc.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Catalog queries the PostgreSQL source needs; each takes an open connection. Stateless. */
final class PgCatalog {
    private PgCatalog() {}

    /** What the source needs to know about one table. */
    record TableInfo(String qualified, boolean exists, boolean hasPrimaryKey, char replicaIdentity, boolean canSelect, boolean isOwner) {
        boolean fullIdentity() {
            return replicaIdentity == 'f';
        }
    }

    /** A replication slot as {@code pg_replication_slots} shows it. */
    record SlotInfo(String name, String plugin, String database, Long confirmedFlushLsn, boolean active, String walStatus) {}

    static String single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** True when the current user may stream changes (REPLICATION attribute or superuser). */
    static boolean canReplicate(Connection c) throws SQLException {
        String v = single(c, "SELECT (rolreplication OR rolsuper)::text FROM pg_roles WHERE rolname = current_user");
        return "true".equals(v);
    }

    static boolean isSuperuser(Connection c) throws SQLException {
        return "true".equals(single(c, "SELECT rolsuper::text FROM pg_roles WHERE rolname = current_user"));
    }

    static TableInfo table(Connection c, String qualified) throws SQLException {
        int dot = qualified.indexOf('.');
        String schema = qualified.substring(0, dot);
        String name = qualified.substring(dot + 1);
        String sql = "SELECT c.relreplident, "
                + "EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary), "
                + "has_table_privilege(c.oid, 'SELECT'), pg_has_role(c.relowner, 'USAGE') "
                + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p')";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, schema);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new TableInfo(qualified, false, false, 'd', false, false);
                }
                String ident = rs.getString(1);
                return new TableInfo(qualified, true, rs.getBoolean(2), ident == null || ident.isEmpty() ? 'd' : ident.charAt(0),
                        rs.getBoolean(3), rs.getBoolean(4));
            }
        }
    }

    /** Tables of a schema, for "did you mean" hints. */
    static List<String> tablesIn(Connection c, String schema) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE n.nspname = ? AND c.relkind IN ('r', 'p') ORDER BY 1 LIMIT 20")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    static Optional<SlotInfo> slot(Connection c, String slotName) throws SQLException {
        String sql = "SELECT slot_name, plugin, database, (confirmed_flush_lsn - '0/0'::pg_lsn)::bigint, active, wal_status "
                + "FROM pg_replication_slots WHERE slot_name = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, slotName);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                long lsn = rs.getLong(4);
                return Optional.of(new SlotInfo(rs.getString(1), rs.getString(2), rs.getString(3), rs.wasNull() ? null : lsn,
                        rs.getBoolean(5), rs.getString(6)));
            }
        }
    }

    /** Bytes of WAL the slot keeps on disk, and bytes not yet confirmed, or empty when the slot does not exist. */
    static Optional<long[]> slotBacklog(Connection c, String slotName) throws SQLException {
        String sql = "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint, "
                + "pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint FROM pg_replication_slots WHERE slot_name = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, slotName);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new long[] {rs.getLong(1), rs.getLong(2)}) : Optional.empty();
            }
        }
    }
}
