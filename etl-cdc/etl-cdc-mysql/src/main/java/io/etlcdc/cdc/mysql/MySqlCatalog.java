package io.etlcdc.cdc.mysql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Catalog and server-status queries the MySQL source needs (plain JDBC, MySQL and MariaDB). Stateless. */
final class MySqlCatalog {
    private MySqlCatalog() {}

    /** What one configured table looks like in the catalog. */
    record TableInfo(String qualified, boolean exists, boolean canSelect, boolean hasPrimaryKey) {}

    static String version(Connection c) throws SQLException {
        return single(c, "SELECT VERSION()");
    }

    /** A global variable's value, or null when the server has no such variable. */
    static String variable(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SHOW GLOBAL VARIABLES LIKE ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(2) : null;
            }
        }
    }

    static String single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** The global privileges of the connected user (upper case, e.g. {@code REPLICATION SLAVE}). */
    static Set<String> globalPrivileges(Connection c) throws SQLException {
        String current = single(c, "SELECT CURRENT_USER()");
        int at = current == null ? -1 : current.lastIndexOf('@');
        Set<String> out = new HashSet<>();
        if (at < 0) {
            return out;
        }
        String grantee = "'" + current.substring(0, at) + "'@'" + current.substring(at + 1) + "'";
        try (PreparedStatement ps = c.prepareStatement("SELECT PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = ?")) {
            ps.setString(1, grantee);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1).toUpperCase(Locale.ROOT));
                }
            }
        }
        return out;
    }

    static TableInfo table(Connection c, String qualified) throws SQLException {
        int dot = qualified.indexOf('.');
        String db = qualified.substring(0, dot);
        String name = qualified.substring(dot + 1);
        try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            ps.setString(1, db);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !"BASE TABLE".equalsIgnoreCase(rs.getString(1))) {
                    return new TableInfo(qualified, false, false, false);
                }
            }
        }
        boolean canSelect = true;
        try (Statement s = c.createStatement()) {
            s.executeQuery("SELECT 1 FROM " + quoteQualified(qualified) + " LIMIT 0").close();
        } catch (SQLException e) {
            if (e.getErrorCode() == 1142 || e.getErrorCode() == 1143) {
                canSelect = false;
            } else {
                throw e;
            }
        }
        boolean pk;
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM information_schema.TABLE_CONSTRAINTS "
                + "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND CONSTRAINT_TYPE = 'PRIMARY KEY'")) {
            ps.setString(1, db);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                pk = rs.next() && rs.getInt(1) > 0;
            }
        }
        return new TableInfo(qualified, true, canSelect, pk);
    }

    /** The base tables of a database, for messages about unknown tables. */
    static List<String> tablesIn(Connection c, String database) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? "
                + "AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME LIMIT 50")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** The server's binlog files with their sizes, oldest first ({@code SHOW BINARY LOGS}). */
    static Map<String, Long> binaryLogs(Connection c) throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
        }
        return out;
    }

    /** The binlog file and position the server writes next ({@code SHOW MASTER STATUS}), or null. */
    static Object[] currentBinlog(Connection c, boolean mariaDb) throws SQLException {
        String sql = mariaDb ? "SHOW MASTER STATUS" : "SHOW BINARY LOG STATUS";
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? new Object[]{rs.getString(1), rs.getLong(2)} : null;
        } catch (SQLException e) {
            if (!mariaDb && e.getErrorCode() == 1064) {
                return currentBinlog(c, true);
            }
            throw e;
        }
    }

    static String quoteQualified(String qualified) {
        int dot = qualified.indexOf('.');
        return quoteIdent(qualified.substring(0, dot)) + "." + quoteIdent(qualified.substring(dot + 1));
    }

    static String quoteIdent(String s) {
        return "`" + s.replace("`", "``") + "`";
    }
}
