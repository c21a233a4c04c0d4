package io.etlcdc.lineage.store;

import org.h2.jdbcx.JdbcConnectionPool;

import java.nio.file.Path;

/** H2 file databases as the server opens them (same URL flags), for tests. */
final class H2Stores {
    private H2Stores() {}

    static JdbcConnectionPool open(Path dataDir) {
        return JdbcConnectionPool.create("jdbc:h2:file:" + dataDir.resolve("etl").toAbsolutePath()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH", "sa", "");
    }
}
