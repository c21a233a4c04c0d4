package io.etlcdc.server.state;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.etlcdc.core.config.ConnectionString;
import io.etlcdc.core.config.Secrets;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The database the server keeps its state in (definitions, offsets, lineage, audit, schemas, rule
 * state): PostgreSQL when {@code DATABASE_URL} is set, so that replicas share it; otherwise an
 * embedded H2 file database under the data directory, so that everything survives a restart with
 * no setup.
 */
public final class StateDatabase implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final String description;

    private StateDatabase(HikariDataSource dataSource, String description) {
        this.dataSource = dataSource;
        this.description = description;
    }

    /**
     * Opens the state database and checks it answers.
     *
     * @throws EtlException {@link ErrorCode#CONNECTION_FAILED} naming the (masked) URL and the cause
     */
    public static StateDatabase open(Optional<String> databaseUrl, Path dataDir) {
        HikariConfig cfg = new HikariConfig();
        cfg.setPoolName("etl-state");
        cfg.setMaximumPoolSize(8);
        cfg.setMinimumIdle(1);
        cfg.setConnectionTimeout(10_000);
        String description;
        if (databaseUrl.isPresent()) {
            String url = databaseUrl.get();
            if (url.startsWith("jdbc:")) {
                cfg.setJdbcUrl(url);
            } else {
                ConnectionString cs = ConnectionString.parse(url);
                cfg.setJdbcUrl("jdbc:postgresql://" + cs.hosts().stream().map(h -> h.port() < 0 ? h.host() : h.host() + ":" + h.port())
                        .reduce((a, b) -> a + "," + b).orElseThrow() + "/" + cs.database().orElse("postgres"));
                cs.user().ifPresent(cfg::setUsername);
                cs.password().ifPresent(cfg::setPassword);
            }
            description = "PostgreSQL " + Secrets.maskText(url);
        } else {
            Path file = dataDir.toAbsolutePath().resolve("state").resolve("etl");
            cfg.setJdbcUrl("jdbc:h2:file:" + file + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
            cfg.setUsername("sa");
            cfg.setPassword("");
            description = "embedded H2 " + file + ".mv.db";
        }
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(cfg);
        } catch (RuntimeException e) {
            // the embedded file holds the committed positions: never start over without it silently
            String root = rootMessage(e);
            boolean inUse = root != null && (root.contains("already in use") || root.contains("locked"));
            String remedy = databaseUrl.isPresent() || inUse ? "" : ". The file is damaged or unreadable; it holds the committed positions, "
                    + "so the server refuses to start rather than capture from 'now'. Restore it from a backup (or move it away "
                    + "to start empty: sources must then be connected and snapshotted again)";
            throw new EtlException(remedy.isEmpty() ? ErrorCode.CONNECTION_FAILED : ErrorCode.STATE_CORRUPT,
                    "cannot open the state database (" + description + "): " + Secrets.maskText(root) + remedy, e);
        }
        try (Connection c = ds.getConnection()) {
            if (!c.isValid(5)) {
                throw new SQLException("connection is not valid");
            }
        } catch (SQLException e) {
            ds.close();
            throw new EtlException(ErrorCode.CONNECTION_FAILED, "cannot open the state database (" + description + "): "
                    + Secrets.maskText(e.getMessage()), e);
        }
        return new StateDatabase(ds, description);
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** Where it is, for logs and status (password masked). */
    public String description() {
        return description;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
