package io.etlcdc.cdc.postgres;

import io.etlcdc.core.config.ConnectionString;
import io.etlcdc.core.error.ConfigException;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.error.RetriableEtlException;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;

/**
 * Where and how to reach one PostgreSQL database, from the spec's connection string
 * ({@code postgresql://user:pass@host:5432/db?sslmode=require}). Immutable; {@link #toString()}
 * shows no password.
 */
record PgConnector(String host, int port, String database, String user, String password, Map<String, String> params) {

    static PgConnector of(ConnectionString cs) {
        if (!cs.scheme().equals("postgresql") && !cs.scheme().equals("postgres")) {
            throw new ConfigException("connection_string", cs.masked(),
                    "expected a postgresql:// URL, e.g. postgresql://user:pass@localhost:5432/db");
        }
        if (cs.database().isEmpty()) {
            throw new ConfigException("connection_string", cs.masked(), "names no database, e.g. postgresql://user:pass@localhost:5432/db");
        }
        if (cs.user().isEmpty()) {
            throw new ConfigException("connection_string", cs.masked(), "names no user, e.g. postgresql://user:pass@localhost:5432/db");
        }
        return new PgConnector(cs.host(), cs.port(5432), cs.database().get(), cs.user().get(), cs.password().orElse(""), cs.params());
    }

    String jdbcUrl() {
        return "jdbc:postgresql://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/" + database;
    }

    /**
     * A plain JDBC connection (auto-commit on).
     *
     * @throws EtlException CONNECTION_FAILED that says what to fix; retriable when the server may come back
     */
    Connection open() {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("connectTimeout", "10");
        p.setProperty("ApplicationName", "etl-cdc");
        params.forEach(p::setProperty);
        try {
            return DriverManager.getConnection(jdbcUrl(), p);
        } catch (SQLException e) {
            throw connectionError(e);
        }
    }

    EtlException connectionError(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String where = user + "@" + host + ":" + port + "/" + database;
        return switch (state) {
            case "28P01", "28000" -> new EtlException(ErrorCode.CONNECTION_FAILED, "PostgreSQL refused the credentials of "
                    + where + " (" + e.getMessage() + "): check the user and password in connection_string and pg_hba.conf");
            case "3D000" -> new EtlException(ErrorCode.CONNECTION_FAILED, "database '" + database + "' does not exist on "
                    + host + ":" + port + ": fix the database name in connection_string");
            default -> state.startsWith("08") || state.startsWith("57P") || state.startsWith("53") || state.isEmpty()
                    ? new RetriableEtlException(ErrorCode.CONNECTION_FAILED, "cannot reach PostgreSQL at " + host + ":" + port
                            + " (" + e.getMessage() + "): check host and port in connection_string and that the server is running", e)
                    : new EtlException(ErrorCode.CONNECTION_FAILED, "cannot connect to PostgreSQL as " + where + ": " + e.getMessage(), e);
        };
    }

    @Override
    public String toString() {
        return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
    }
}
