package io.etlcdc.cdc.postgres;

import io.etlcdc.cdc.postgres.nativ.PgType;
import io.etlcdc.cdc.postgres.nativ.PgValues;
import io.etlcdc.core.event.ColumnType;
import io.etlcdc.core.event.TableSchema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Catalog lookups of the native engine over one plain connection: types that are not built in
 * (enums, domains, arrays of those, extension types) and the columns of a table (key, nullability,
 * precision) for the product's {@link TableSchema}. Caches types by OID. Not thread-safe: used by the
 * engine's reader thread.
 */
final class NativePgCatalog {
    private final Connection c;
    private final Map<Integer, PgType> types = new HashMap<>();

    NativePgCatalog(Connection c) {
        this.c = c;
    }

    /** One column as the catalog describes it. */
    record ColumnInfo(String name, int typeOid, String typeName, int typmod, boolean notNull, String defaultValue, int keyPosition) {}

    /** The type with this OID: built-in, or resolved from {@code pg_type}; an unknown kind is text named by its type. */
    PgType type(int oid) {
        PgType t = PgValues.builtIn(oid);
        if (t != null) {
            return t;
        }
        t = types.get(oid);
        if (t != null) {
            return t;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT typname, typtype, typelem, typbasetype, typcategory FROM pg_type WHERE oid = ?")) {
            ps.setInt(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    t = PgType.unknown(oid, null);
                } else {
                    String name = rs.getString(1);
                    String kind = rs.getString(2);
                    int elem = rs.getInt(3);
                    int base = rs.getInt(4);
                    String category = rs.getString(5);
                    if ("e".equals(kind)) {
                        t = PgType.enumType(oid, name);
                    } else if ("d".equals(kind) && base != 0) {
                        PgType b = type(base);
                        t = new PgType(oid, name, b.type(), b.parser());
                    } else if ("A".equals(category) && elem != 0) {
                        t = PgType.arrayOf(oid, name, type(elem));
                    } else {
                        t = PgType.unknown(oid, name);
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot look up PostgreSQL type " + oid + ": " + e.getMessage(), e);
        }
        types.put(oid, t);
        return t;
    }

    /** The columns of a table (by OID) in table order, with their primary-key positions (0 when not in the key). */
    List<ColumnInfo> columns(int relOid) throws SQLException {
        String sql = "SELECT a.attname, a.atttypid, t.typname, a.atttypmod, a.attnotnull, pg_get_expr(d.adbin, d.adrelid), "
                + "COALESCE((SELECT k.n FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(att, n) WHERE k.att = a.attnum), 0)::int "
                + "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
                + "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                + "LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary "
                + "WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";
        List<ColumnInfo> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, relOid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new ColumnInfo(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getInt(4), rs.getBoolean(5),
                            rs.getString(6), rs.getInt(7)));
                }
            }
        }
        return out;
    }

    /** The OID of {@code schema.table}, or 0. */
    int relationOid(String qualified) throws SQLException {
        int dot = qualified.indexOf('.');
        try (PreparedStatement ps = c.prepareStatement("SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE n.nspname = ? AND c.relname = ?")) {
            ps.setString(1, qualified.substring(0, dot));
            ps.setString(2, qualified.substring(dot + 1));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        }
    }

    /** The product's schema of a table from its catalog columns. */
    static TableSchema tableSchema(String collection, List<ColumnInfo> columns, List<PgType> types) {
        List<TableSchema.Column> cols = new ArrayList<>(columns.size());
        List<ColumnInfo> keyCols = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            ColumnInfo ci = columns.get(i);
            PgType t = types.get(i);
            Integer precision = null;
            Integer scale = null;
            if (t.type() == ColumnType.DECIMAL && ci.typmod() >= 4) {
                precision = ((ci.typmod() - 4) >> 16) & 0xffff;
                scale = (ci.typmod() - 4) & 0xffff;
            } else if (ci.typmod() >= 4 && (ci.typeOid() == PgValues.VARCHAR || ci.typeOid() == PgValues.BPCHAR)) {
                precision = ci.typmod() - 4;
            }
            cols.add(new TableSchema.Column(ci.name(), t.type(), ci.typeName().toLowerCase(Locale.ROOT), !ci.notNull(),
                    ci.defaultValue(), precision, scale));
            if (ci.keyPosition() > 0) {
                keyCols.add(ci);
            }
        }
        keyCols.sort(java.util.Comparator.comparingInt(ColumnInfo::keyPosition));
        return new TableSchema(collection, cols, keyCols.stream().map(ColumnInfo::name).toList());
    }
}
