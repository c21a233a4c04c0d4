package io.etlcdc.core.connectors;

import io.etlcdc.core.spi.ProviderContext;
import io.etlcdc.core.spi.StateStore;
import io.etlcdc.core.spi.StateStoreProvider;

/** Type {@code memory}: {@link MemoryStateStore}. */
public final class MemoryStateStoreProvider implements StateStoreProvider {
    @Override
    public String identifier() {
        return "memory";
    }

    @Override
    public StateStore create(ProviderContext context) {
        return new MemoryStateStore();
    }
}
