package io.etlcdc.core.connectors;

import io.etlcdc.core.spi.OffsetStore;
import io.etlcdc.core.spi.OffsetStoreProvider;
import io.etlcdc.core.spi.ProviderContext;

/** Type {@code memory}: {@link MemoryOffsetStore}. */
public final class MemoryOffsetStoreProvider implements OffsetStoreProvider {
    @Override
    public String identifier() {
        return "memory";
    }

    @Override
    public OffsetStore create(ProviderContext context) {
        return new MemoryOffsetStore();
    }
}
