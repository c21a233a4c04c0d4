package io.etlcdc.lineage.store;

import io.etlcdc.core.spi.LineageStore;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The embedded default: an H2 file database under the data directory. {@link #reopen} closes the
 * database completely (every connection, so H2 closes the file) and opens it again, as a restart does.
 */
class H2LineageStoreTest extends LineageStoreWithOriginsContract {
    @TempDir
    Path dataDir;

    private final Map<LineageStore, JdbcConnectionPool> pools = new IdentityHashMap<>();
    private final List<JdbcConnectionPool> all = new ArrayList<>();

    @Override
    protected LineageStore newStore() {
        JdbcConnectionPool pool = H2Stores.open(dataDir);
        all.add(pool);
        LineageStore store = new JdbcLineageStore(pool);
        pools.put(store, pool);
        return store;
    }

    @Override
    protected LineageStore reopen(LineageStore store) throws Exception {
        store.close();
        pools.remove(store).dispose();
        return newStore();
    }

    @AfterEach
    void closeDatabases() {
        all.forEach(JdbcConnectionPool::dispose);
    }
}
