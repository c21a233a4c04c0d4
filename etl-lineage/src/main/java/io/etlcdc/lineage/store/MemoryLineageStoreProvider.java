package io.etlcdc.lineage.store;

import io.etlcdc.core.spi.LineageStore;
import io.etlcdc.core.spi.LineageStoreProvider;
import io.etlcdc.core.spi.ProviderContext;

/** Type {@code memory}: {@link InMemoryLineageStore}, kept in memory and lost on restart. */
public final class MemoryLineageStoreProvider implements LineageStoreProvider {
    @Override
    public String identifier() {
        return "memory";
    }

    @Override
    public String description() {
        return "lineage store in memory (lost on restart)";
    }

    @Override
    public LineageStore create(ProviderContext context) {
        return new InMemoryLineageStore();
    }
}
