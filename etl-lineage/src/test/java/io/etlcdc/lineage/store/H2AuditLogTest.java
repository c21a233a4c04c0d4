package io.etlcdc.lineage.store;

import io.etlcdc.core.spi.AuditLog;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** The embedded default audit log; {@link #reopen} closes the H2 file database and opens it again. */
class H2AuditLogTest extends AuditLogWithMaskingContract {
    @TempDir
    Path dataDir;

    private final Map<AuditLog, JdbcConnectionPool> pools = new IdentityHashMap<>();
    private final List<JdbcConnectionPool> all = new ArrayList<>();

    @Override
    protected AuditLog newLog() {
        JdbcConnectionPool pool = H2Stores.open(dataDir);
        all.add(pool);
        AuditLog log = new JdbcAuditLog(pool);
        pools.put(log, pool);
        return log;
    }

    @Override
    protected AuditLog reopen(AuditLog log) throws Exception {
        log.close();
        pools.remove(log).dispose();
        return newLog();
    }

    @AfterEach
    void closeDatabases() {
        all.forEach(JdbcConnectionPool::dispose);
    }
}
