package io.etlcdc.cdc.mysql;

import io.etlcdc.core.config.ConnectionString;
import io.etlcdc.core.error.ConfigException;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.error.RetriableEtlException;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;

/**
 * Where and how to reach one MySQL or MariaDB database, from the spec's connection string
 * ({@code mysql://user:pass@host:3306/db?sslMode=REQUIRED}; {@code mariadb://} is accepted too). Query
 * parameters are JDBC driver properties. Immutable; {@link #toString()} shows no password.
 */
record MySqlEndpoint(String host, int port, String database, String user, String password, Map<String, String> params) {

    static final int DEFAULT_PORT = 3306;

    static MySqlEndpoint of(ConnectionString cs) {
        if (!cs.scheme().equals("mysql") && !cs.scheme().equals("mariadb")) {
            throw new ConfigException("connection_string", cs.masked(),
                    "expected a mysql:// (or mariadb://) URL, e.g. mysql://user:pass@localhost:3306/db");
        }
        if (cs.database().isEmpty()) {
            throw new ConfigException("connection_string", cs.masked(), "names no database, e.g. mysql://user:pass@localhost:3306/db");
        }
        if (cs.user().isEmpty()) {
            throw new ConfigException("connection_string", cs.masked(), "names no user, e.g. mysql://user:pass@localhost:3306/db");
        }
        if (cs.hosts().size() > 1) {
            throw new ConfigException("connection_string", cs.masked(), "names several hosts; binlog capture reads from one server");
        }
        return new MySqlEndpoint(cs.host(), cs.port(DEFAULT_PORT), cs.database().get(), cs.user().get(), cs.password().orElse(""),
                cs.params());
    }

    String jdbcUrl() {
        return "jdbc:mysql://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/" + database;
    }

    /**
     * A plain JDBC connection (auto-commit on) through the MySQL driver, which speaks to MariaDB too.
     *
     * @throws EtlException CONNECTION_FAILED that says what to fix; retriable when the server may come back
     */
    Connection open() {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("connectTimeout", "10000");
        p.setProperty("socketTimeout", "60000");
        p.setProperty("allowPublicKeyRetrieval", "true");
        p.setProperty("zeroDateTimeBehavior", "CONVERT_TO_NULL");
        params.forEach(p::setProperty);
        try {
            return new com.mysql.cj.jdbc.Driver().connect(jdbcUrl(), p);
        } catch (SQLException e) {
            throw connectionError(e);
        }
    }

    /** A connection failure as the product reports it: what is wrong and what to fix, no password. */
    EtlException connectionError(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        int code = e.getErrorCode();
        String where = user + "@" + host + ":" + port + "/" + database;
        if (code == 1045 || state.equals("28000")) {
            return new EtlException(ErrorCode.CONNECTION_FAILED, "MySQL refused the credentials of " + where + " (" + e.getMessage()
                    + "): check the user and password in connection_string and that the user may connect from this host", e);
        }
        if (code == 1049) {
            return new EtlException(ErrorCode.CONNECTION_FAILED, "database '" + database + "' does not exist on " + host + ":" + port
                    + ": fix the database name in connection_string", e);
        }
        if (code == 1044) {
            return new EtlException(ErrorCode.CONNECTION_FAILED, "user '" + user + "' may not use database '" + database
                    + "': GRANT SELECT ON " + database + ".* TO the user", e);
        }
        if (state.startsWith("08") || state.isEmpty() || code == 1040 || code == 1053) {
            return new RetriableEtlException(ErrorCode.CONNECTION_FAILED, "cannot reach MySQL at " + host + ":" + port + " ("
                    + firstLine(e.getMessage()) + "): check host and port in connection_string and that the server is running", e);
        }
        return new EtlException(ErrorCode.CONNECTION_FAILED, "cannot connect to MySQL as " + where + ": " + e.getMessage(), e);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    @Override
    public String toString() {
        return "mysql://" + user + "@" + host + ":" + port + "/" + database;
    }
}
