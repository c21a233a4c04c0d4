package io.etlcdc.connect.state;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.etlcdc.core.config.ConnectionString;
import io.etlcdc.core.error.ConfigException;

import javax.sql.DataSource;

/**
 * A small connection pool on the shared state database (the server's {@code DATABASE_URL}), where tasks
 * record lineage, audit entries and schemas so that the server's endpoints show what the cluster moved.
 * Accepts {@code postgresql://user:pass@host:5432/db} (the server's form) or a JDBC URL
 * ({@code jdbc:postgresql://...}, {@code jdbc:h2:...}). Thread-safe; close it with the task.
 */
public final class StateDatabase implements AutoCloseable {
    private final HikariDataSource pool;

    private StateDatabase(HikariDataSource pool) {
        this.pool = pool;
    }

    /**
     * Opens a pool of at most {@code maxConnections}; does not connect yet (a database that is down makes
     * recording fail and retry later, it never stops the data).
     *
     * @throws ConfigException naming {@code key} (password masked) when the URL is not one of the accepted forms
     */
    public static StateDatabase open(String url, String key, String poolName, int maxConnections) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName(poolName);
        if (url.startsWith("jdbc:")) {
            hc.setJdbcUrl(url);
        } else {
            ConnectionString cs = ConnectionString.parse(url);
            if (!cs.scheme().equals("postgresql") && !cs.scheme().equals("postgres")) {
                throw new ConfigException(key, cs.masked(), "expected postgresql://user:pass@host:5432/db (the server's DATABASE_URL)");
            }
            StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(cs.host()).append(':').append(cs.port(5432))
                    .append('/').append(cs.database().orElse("postgres"));
            hc.setJdbcUrl(jdbc.toString());
            cs.user().ifPresent(hc::setUsername);
            cs.password().ifPresent(hc::setPassword);
            cs.params().forEach(hc::addDataSourceProperty);
        }
        hc.setMaximumPoolSize(maxConnections);
        hc.setMinimumIdle(0);
        hc.setInitializationFailTimeout(-1);
        hc.setConnectionTimeout(10_000);
        return new StateDatabase(new HikariDataSource(hc));
    }

    public DataSource dataSource() {
        return pool;
    }

    @Override
    public void close() {
        pool.close();
    }
}
