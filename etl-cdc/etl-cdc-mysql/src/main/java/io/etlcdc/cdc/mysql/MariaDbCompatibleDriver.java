package io.etlcdc.cdc.mysql;

import io.etlcdc.core.annotation.Internal;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverPropertyInfo;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * The MySQL JDBC driver with the one statement MariaDB spells differently translated, handed to
 * Debezium's MySQL connector as {@code database.jdbc.driver} when the server is MariaDB.
 *
 * <p>Why: Debezium 3.6's MySQL connector asks for {@code SHOW BINARY LOG STATUS} (MySQL 8.4+) and, when
 * that fails on a server whose version is 8.4 or higher, refuses to start. MariaDB (10.x, 11.x) reports
 * such versions but knows the statement as {@code SHOW MASTER STATUS} / {@code SHOW BINLOG STATUS}, so the
 * connector would refuse every MariaDB. Everything else (binlog protocol, row events, DDL) the connector
 * reads from MariaDB as it is. Debezium's dedicated MariaDB connector is not available in 3.6.1.
 *
 * <p>Not registered with {@link java.sql.DriverManager}: Debezium instantiates the class by name.
 * Stateless and thread-safe.
 */
@Internal
public final class MariaDbCompatibleDriver implements Driver {
    private static final String MYSQL_ONLY = "SHOW BINARY LOG STATUS";
    private static final String MARIADB = "SHOW MASTER STATUS";

    private final Driver delegate = newMySqlDriver();

    private static Driver newMySqlDriver() {
        try {
            return new com.mysql.cj.jdbc.Driver();
        } catch (SQLException e) {
            throw new IllegalStateException("MySQL JDBC driver unavailable", e);
        }
    }

    /** The statement as MariaDB understands it (only {@code SHOW BINARY LOG STATUS} changes). */
    static String translate(String sql) {
        if (sql != null && sql.length() < 64 && sql.trim().toUpperCase(Locale.ROOT).replaceAll("\\s+", " ").equals(MYSQL_ONLY)) {
            return MARIADB;
        }
        return sql;
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        Connection c = delegate.connect(url, info);
        return c == null ? null : wrap(c);
    }

    static Connection wrap(Connection c) {
        return (Connection) Proxy.newProxyInstance(MariaDbCompatibleDriver.class.getClassLoader(), new Class<?>[]{Connection.class},
                new Translating(c, null));
    }

    /** Rewrites SQL arguments of statement-creating and executing methods; wraps statements it returns. */
    private static final class Translating implements InvocationHandler {
        private final Object target;
        private final Connection proxyConnection;

        Translating(Object target, Connection proxyConnection) {
            this.target = target;
            this.proxyConnection = proxyConnection;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (args != null && args.length > 0 && args[0] instanceof String sql) {
                String name = method.getName();
                if (name.startsWith("execute") || name.startsWith("prepare") || name.equals("addBatch") || name.equals("nativeSQL")) {
                    args[0] = translate(sql);
                }
            }
            if (method.getName().equals("getConnection") && proxyConnection != null && args == null) {
                return proxyConnection;
            }
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (target instanceof Connection && result instanceof Statement s) {
                Class<?> type = s instanceof CallableStatement ? CallableStatement.class
                        : s instanceof PreparedStatement ? PreparedStatement.class : Statement.class;
                return Proxy.newProxyInstance(MariaDbCompatibleDriver.class.getClassLoader(), new Class<?>[]{type},
                        new Translating(s, (Connection) proxy));
            }
            return result;
        }
    }

    @Override
    public boolean acceptsURL(String url) throws SQLException {
        return delegate.acceptsURL(url);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
        return delegate.getPropertyInfo(url, info);
    }

    @Override
    public int getMajorVersion() {
        return delegate.getMajorVersion();
    }

    @Override
    public int getMinorVersion() {
        return delegate.getMinorVersion();
    }

    @Override
    public boolean jdbcCompliant() {
        return delegate.jdbcCompliant();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return delegate.getParentLogger();
    }
}
